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

register(
    PersonalData(
        model="meetings.HomeworkSubmission",
        fields=("text", "file", "file_name", "submitted_at", "submitted_by", "submitted_by_participant"),
        purpose="A member municipality's hand-in of a homework, and who handed it in.",
        retention="As long as the network's records are kept.",
        subject_lookup="submitted_by",
    ),
)

register(
    # Answers are shown to leads per meeting and per network; a person's own answers only on the member's page.
    PersonalData(
        model="meetings.SurveyResponse",
        fields=("participant", "sent_at", "answered_at", "score_1", "score_2", "score_3", "comment"),
        purpose="Evaluations of meetings and of the network (satisfaction index), and who has answered, "
        "for the response rate and reminders.",
        retention="As long as the network's records are kept; a removed participant's answers stay without the person.",
        subject_lookup=None,  # participants have no accounts; they are reached by personal links
    ),
)

register(
    PersonalData(
        model="meetings.SeminarRegistration",
        fields=("name", "organisation", "email", "dietary_needs", "created_at", "cancelled_at", "attended"),
        purpose="Sign-ups to an open seminar: the list of participants, name tags, catering and confirmations.",
        retention="Dietary needs are deleted the day after the seminar; the rest as long as the network's "
        "records are kept.",
        subject_lookup=None,  # public sign-ups have no accounts
    ),
)

register(
    PersonalData(
        model="meetings.MeetingMessage",
        fields=("sent_by", "subject", "body", "sent_at"),
        purpose="Messages a lead sent to a meeting's invitees, kept to show what was said to whom.",
        retention="As long as the network's records are kept.",
        subject_lookup="sent_by",
    ),
)

register(
    PersonalData(
        model="meetings.FollowUpNote",
        fields=("membership", "noted_on", "text", "author"),
        purpose="The lead's dated notes following a member municipality's work in the network.",
        retention="As long as the network's records are kept.",
        subject_lookup="author",
    ),
)
