# Organisers are legal persons; their contact fields are functional addresses.
from core.privacy import PersonalData, register

register(
    PersonalData(
        model="networks.NetworkContact",
        fields=("name", "role", "phone", "email"),
        purpose="The contact people printed on a network's public invitation.",
        retention="As long as the network is published or archived.",
        subject_lookup="user",
    ),
)

register(
    PersonalData(
        model="networks.MembershipParticipant",
        fields=("name", "email", "title", "role"),
        purpose="The people who take part for a member municipality: invitations, attendance, evaluations.",
        retention="As long as the network's records are kept (public task; archived with the network).",
    ),
    PersonalData(
        model="networks.Membership",
        fields=("buyer_reference", "invoice_email"),
        purpose="The member municipality's invoice reference person.",
        retention="As long as invoices must be kept (Bokföringslagen: seven years).",
    ),
)
