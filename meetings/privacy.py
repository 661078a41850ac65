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
