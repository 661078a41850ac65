from core.privacy import PersonalData, register

register(
    PersonalData(
        model="applications.ProposedParticipant",
        fields=("name", "email", "title", "role"),
        purpose="The people a municipality proposes for a network; needed to select and run it.",
        retention="As long as the network's records are kept (public task; archived with the network).",
    ),
    PersonalData(
        model="applications.Application",
        fields=("created_by", "submitted_by", "decided_by", "buyer_reference", "invoice_email"),
        purpose="Who applied on the municipality's behalf, and the invoice reference person.",
        retention="As long as the network's records are kept.",
        subject_lookup="created_by",
    ),
    PersonalData(
        model="applications.Review",
        fields=("reviewer", "comment"),
        purpose="Who scored an application and why, for a fair and explainable selection.",
        retention="As long as the network's records are kept.",
        subject_lookup="reviewer",
    ),
    PersonalData(
        model="applications.ApplicationAttachment",
        fields=("uploaded_by", "original_name"),
        purpose="Files attached to an application.",
        retention="As long as the network's records are kept.",
        subject_lookup="uploaded_by",
    ),
    PersonalData(
        model="applications.WaitlistOffer",
        fields=("answered_by",),
        purpose="Who answered an offer of a place from the waiting list.",
        retention="As long as the network's records are kept.",
        subject_lookup="answered_by",
    ),
    PersonalData(
        model="applications.SelectionRun",
        fields=("created_by",),
        purpose="Who ran the selection proposal, for an explainable urval.",
        retention="As long as the network's records are kept.",
        subject_lookup="created_by",
    ),
)
