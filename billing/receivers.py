"""Signal receivers of billing (connected in BillingConfig.ready)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from billing.fees import freeze_fee_bases
from billing.models import FeeSchedule
from networks.models import Membership


@receiver(post_save, sender=Membership, dispatch_uid="billing.freeze_fee_basis_when_membership_starts")
def freeze_fee_basis_when_membership_starts(sender, instance: Membership, created: bool, raw: bool = False, **kwargs):
    """A new membership's population and fee are frozen at once (when its network has a schedule; members of
    a network that gets one later are frozen when it is saved, or when what is due is computed)."""
    if raw or not created or instance.status != Membership.Status.ACTIVE:
        return
    if FeeSchedule.objects.filter(network_id=instance.network_id).exists():
        freeze_fee_bases([instance])
