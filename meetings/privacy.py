"""Personal data held by meetings (see core.privacy)."""

from core.privacy import PersonalData, register

register(
    # The token is a secret, so it is not part of a register extract: only who made the feed and for whom.
    PersonalData(
        model="meetings.CalendarFeed",
        fields=("created_by", "participant", "created_at", "revoked_at"),
        purpose="Secret calendar addresses through which a network's meetings reach a person's calendar.",
        retention="Until the feed is revoked, and no longer than the network's records are kept.",
        subject_lookup="created_by",
    ),
)

register(
    # Dietary needs may reveal health or religion (special categories, GDPR art. 9): kept short.
    PersonalData(
        model="meetings.Invitation",
        fields=("participant", "response", "dietary_needs", "responded_at", "invited_at", "attended"),
        purpose="Invitations to a network's meetings, the participant's answer and, for a meeting on site, "
        "dietary needs for the catering; attendance for the network's records.",
        retention="Dietary needs (health-related, a special category) are deleted the day after the meeting "
        "(the nightly task meetings.tasks.purge_dietary_needs); the answer and attendance as long as the "
        "network's records.",
        subject_lookup=None,  # participants have no accounts; they are reached by personal links
    ),
)
