"""Personal data held by networks (see core.privacy), and its retention purge (see core.retention).

Organisers are legal persons; their contact fields are functional addresses.
"""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import retention
from core.privacy import ERASED_DOMAIN, Erase, PersonalData, anonymise_rows, get_entry, register

KIND = _("Network participants and contacts")


def _revoke_links(participants) -> None:
    # Raising the version revokes the participant's signed personal links (meetings.links).
    participants.update(link_version=F("link_version") + 1)


register(
    PersonalData(
        model="networks.NetworkContact",
        fields=("network", "name", "role", "phone", "email"),
        purpose=_("The contact people printed on a network's public invitation."),
        retention=_("As long as the network is published or archived."),
        subject_lookup="user",
        email_lookups=("email",),
        kind=KIND,
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="networks.MembershipParticipant",
        fields=("membership", "name", "email", "title", "role", "groups", "created_at"),
        purpose=_("The people who take part for a member municipality: invitations, attendance, evaluations."),
        retention=_("Anonymised when the retention period after the network's end has passed."),
        email_lookups=("email",),
        kind=KIND,
        erase=Erase.ANONYMISE,
        anonymise=("name", "email", "title", "role"),
        retention_rule="participants_after_network_end",
        after_anonymise=_revoke_links,
    ),
    PersonalData(
        model="networks.Membership",
        fields=("buyer_reference", "invoice_email"),
        purpose=_("The member municipality's invoice reference person."),
        retention=_("As long as invoices must be kept (the Accounting Act: seven years)."),
        reference_fields=("buyer_reference", "invoice_email"),
        kind=KIND,
        keep_reason=_(
            "The membership is the basis of invoices (bokföringslagen) and of the network's records; "
            "the reference person's name is replaced."
        ),
    ),
    PersonalData(
        model="networks.MembershipCommitment",
        fields=("membership", "received_by", "received_at"),
        purpose=_("Who registered that a member municipality's decision or commitment was received."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=_("Part of the network's records; it names the anonymised account."),
    ),
)


@retention.purger("participants_after_network_end")
def purge_participants(cutoff, dry_run: bool) -> int:
    from networks.models import MembershipParticipant

    ended = MembershipParticipant.objects.filter(
        membership__network__period_end__lt=timezone.localdate(cutoff)
    ).exclude(email__endswith="@" + ERASED_DOMAIN)
    if dry_run:
        return ended.count()
    return anonymise_rows(get_entry("networks.MembershipParticipant"), ended)
