# Organisers are legal persons; their contact fields are functional addresses,
# not personal data. Networks, memberships and participants (later issues) are
# registered here when they arrive.
