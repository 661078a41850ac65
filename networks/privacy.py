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
