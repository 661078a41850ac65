"""Personal data held by applications (see core.privacy), and its retention purges (see core.retention)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import retention
from core.privacy import ERASED_DOMAIN, ERASED_NAME, Erase, PersonalData, anonymise_rows, get_entry, register

KIND = _("Applications")
PUBLIC_RECORD = _(
    "Public records: the application and the decision on it are kept under the Archives Act (arkivlagen); "
    "the person's name and e-mail address in them are replaced."
)

register(
    PersonalData(
        model="applications.ProposedParticipant",
        fields=("application", "name", "email", "title", "role"),
        purpose=_("The people a municipality proposes for a network; needed to select and run it."),
        retention=_(
            "Anonymised when the application did not lead to a place, or when the network has ended (see the "
            "retention periods)."
        ),
        email_lookups=("email",),
        kind=KIND,
        erase=Erase.ANONYMISE,
        anonymise=("name", "email", "title", "role"),
        retention_rule="applications_not_accepted",
    ),
    PersonalData(
        model="applications.Application",
        fields=("created_by", "submitted_by", "decided_by", "buyer_reference", "invoice_email"),
        purpose=_("Who applied on the municipality's behalf, and the invoice reference person."),
        retention=_("The application is kept; the invoice reference is anonymised with the proposed people."),
        reference_fields=("buyer_reference", "invoice_email"),
        kind=KIND,
        keep_reason=PUBLIC_RECORD,
        retention_rule="applications_not_accepted",
    ),
    PersonalData(
        model="applications.ApplicationVersion",
        fields=("application", "number", "submitted_by", "submitted_at"),
        purpose=_("What was submitted, each time (the participants and invoice details as sent)."),
        retention=_("Kept with the application; the people in it are anonymised with the proposed people."),
        kind=KIND,
        keep_reason=PUBLIC_RECORD,
        retention_rule="applications_not_accepted",
    ),
    PersonalData(
        model="applications.Review",
        fields=("application", "reviewer", "comment"),
        purpose=_("Who scored an application and why, for a fair and explainable selection."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=PUBLIC_RECORD,
    ),
    PersonalData(
        model="applications.ApplicationAttachment",
        fields=("application", "uploaded_by", "original_name"),
        purpose=_("Files attached to an application."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=PUBLIC_RECORD,
    ),
    PersonalData(
        model="applications.WaitlistOffer",
        fields=("application", "answered_by"),
        purpose=_("Who answered an offer of a place from the waiting list."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=PUBLIC_RECORD,
    ),
    PersonalData(
        model="applications.SelectionRun",
        fields=("network", "created_by"),
        purpose=_("Who ran the selection proposal, for an explainable selection."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=PUBLIC_RECORD,
    ),
)

# The invoice e-mail address is the municipality's functional address (faktura@kommun.se): it stays.
REFERENCE_FIELDS = ("buyer_reference",)


def _anonymise_version_data(data: dict) -> dict:
    data = dict(data or {})
    data["participants"] = [
        {key: (ERASED_NAME if key == "name" else "") for key in participant}
        for participant in data.get("participants", [])
    ]
    fields = dict(data.get("fields", {}))
    for name in REFERENCE_FIELDS:
        if name in fields:
            fields[name] = ""
    data["fields"] = fields
    return data


def anonymise_applications(applications, dry_run: bool) -> int:
    """Anonymise the people in ``applications``: proposed participants, invoice reference, submitted versions."""
    from applications.models import Application, ApplicationVersion, ProposedParticipant

    participants = ProposedParticipant.objects.filter(application__in=applications).exclude(
        email__endswith="@" + ERASED_DOMAIN
    )
    references = Application.objects.filter(pk__in=applications.values("pk")).exclude(buyer_reference="")
    if dry_run:
        return participants.count() + references.count()
    touched = set(participants.values_list("application_id", flat=True)) | set(references.values_list("pk", flat=True))
    count = anonymise_rows(get_entry("applications.ProposedParticipant"), participants)
    count += anonymise_rows(get_entry("applications.Application"), references, fields=REFERENCE_FIELDS)
    for version in ApplicationVersion.objects.filter(application_id__in=touched):
        ApplicationVersion.objects.filter(pk=version.pk).update(data=_anonymise_version_data(version.data))
    return count


@retention.purger("applications_not_accepted")
def purge_applications_not_accepted(cutoff, dry_run: bool) -> int:
    from applications.models import Application

    expired = Application.objects.filter(membership__isnull=True).filter(
        Q(decision=Application.Decision.REJECTED, decided_at__lt=cutoff)
        | Q(status=Application.Status.WITHDRAWN, withdrawn_at__lt=cutoff)
        # Never a member (waiting list, undecided, a draft) and the network has ended.
        | Q(network__period_end__lt=timezone.localdate(cutoff))
    )
    return anonymise_applications(expired, dry_run)


@retention.purger("participants_after_network_end")
def purge_proposed_participants(cutoff, dry_run: bool) -> int:
    from applications.models import Application

    ended = Application.objects.filter(network__period_end__lt=timezone.localdate(cutoff))
    return anonymise_applications(ended, dry_run)
