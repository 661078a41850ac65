"""Personal data held by reports (see core.privacy)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import retention
from core.privacy import PersonalData, on_erase, register

KIND = _("Reports")

register(
    PersonalData(
        model="reports.FinalReport",
        fields=("network", "updated_by", "updated_at"),
        purpose=_("Who last edited the lead's sections of a network's final report (the history keeps each edit)."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=_("Part of the network's records; it names the anonymised account."),
    ),
    # The files hold the member municipalities' data, and the network pack also the participants' names and
    # e-mail addresses (its contact and attendance lists); they are replaced as the data changes, only the latest
    # few are kept (reports.stored.KEEP), and they go with the network.
    PersonalData(
        model="reports.StoredDocument",
        fields=("network", "kind", "requested_by", "requested_at", "file_name"),
        purpose=_("Who asked for a stored document (final report, network pack) and when."),
        retention=_(
            "Until the document is replaced by newer ones; a network pack, which lists the participants, is "
            "deleted when a participant is erased and when the participants' retention period has passed."
        ),
        kind=KIND,
        keep_reason=_("A generated document; it names the anonymised account and is replaced as data changes."),
    ),
)


def _network_packs(network_ids):
    from reports.models import StoredDocument

    # Deleting the rows deletes their files (reports.receivers); a new pack is made when next asked for.
    return StoredDocument.objects.filter(network_id__in=network_ids, kind=StoredDocument.Kind.NETWORK_PACK)


@on_erase
def forget_network_packs(person, own, result) -> None:
    """A network pack lists its participants and contacts: the packs of the person's networks go."""
    from networks.models import MembershipParticipant, NetworkContact

    participants = own.get("networks.MembershipParticipant", ([], None))[0]
    contacts = own.get("networks.NetworkContact", ([], None))[0]
    networks = set(
        MembershipParticipant.objects.filter(pk__in=participants).values_list("membership__network_id", flat=True)
    )
    networks |= set(NetworkContact.objects.filter(pk__in=contacts).values_list("network_id", flat=True))
    if networks:
        deleted = _network_packs(networks).delete()[1].get("reports.StoredDocument", 0)
        if deleted:
            result.deleted["reports.StoredDocument"] = result.deleted.get("reports.StoredDocument", 0) + deleted


@retention.purger("participants_after_network_end")
def purge_network_packs(cutoff, dry_run: bool) -> int:
    from networks.models import Network

    ended = Network.objects.filter(period_end__lt=timezone.localdate(cutoff)).values("pk")
    packs = _network_packs(ended)
    return packs.count() if dry_run else packs.delete()[1].get("reports.StoredDocument", 0)
