"""Personal data held by reports (see core.privacy)."""

from core.privacy import PersonalData, register

register(
    PersonalData(
        model="reports.FinalReport",
        fields=("updated_by", "updated_at"),
        purpose="Who last edited the lead's sections of a network's final report (the history keeps each edit).",
        retention="As long as the network's records are kept.",
        subject_lookup="updated_by",
    ),
    # The files hold the member municipalities' data, and the network pack also the participants' names and
    # e-mail addresses (its contact and attendance lists); they are replaced as the data changes, only the latest
    # few are kept (reports.stored.KEEP), and they go with the network.
    PersonalData(
        model="reports.StoredDocument",
        fields=("requested_by", "requested_at", "file_name"),
        purpose="Who asked for a stored document (final report, network pack) and when.",
        retention="Until the document is replaced by newer ones, and no longer than the network's records are kept.",
        subject_lookup="requested_by",
    ),
)
