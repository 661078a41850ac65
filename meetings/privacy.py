"""Personal data held by meetings (see core.privacy), and its retention purges (see core.retention)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import retention
from core.privacy import ERASED_DOMAIN, Erase, PersonalData, anonymise_rows, get_entry, register

KIND = _("Meetings, seminars and evaluations")
RECORDS = _("Part of the network's records; the participant or account it names is anonymised.")

register(
    # The token is a secret, so it is not part of a register extract: only who made the feed and for whom.
    PersonalData(
        model="meetings.CalendarFeed",
        fields=("network", "created_by", "participant", "created_at", "revoked_at"),
        purpose=_("Secret calendar addresses through which a network's meetings reach a person's calendar."),
        retention=_("Until the feed is revoked, and no longer than the participant's data is kept."),
        email_lookups=("participant__email",),
        kind=KIND,
        erase=Erase.DELETE,
        retention_rule="participants_after_network_end",
    ),
    # Dietary needs may reveal health or religion (special categories, GDPR art. 9): kept short.
    PersonalData(
        model="meetings.Invitation",
        fields=("meeting", "participant", "response", "dietary_needs", "responded_at", "invited_at", "attended"),
        purpose=_(
            "Invitations to a network's meetings, the participant's answer and, for a meeting on site, "
            "dietary needs for the catering; attendance for the network's records."
        ),
        retention=_(
            "Dietary needs are deleted the day after the meeting; the answer and attendance stay with the "
            "anonymised participant."
        ),
        email_lookups=("participant__email",),
        kind=KIND,
        erase=Erase.ANONYMISE,
        anonymise=("dietary_needs",),
        retention_rule="participants_after_network_end",
    ),
    PersonalData(
        model="meetings.HomeworkSubmission",
        fields=("homework", "membership", "file_name", "submitted_at", "submitted_by", "submitted_by_participant"),
        purpose=_("A member municipality's hand-in of a homework, and who handed it in."),
        retention=_("As long as the network's records are kept."),
        email_lookups=("submitted_by_participant__email",),
        kind=KIND,
        keep_reason=_(
            "The member municipality's hand-in, part of the network's records; who handed it in is anonymised."
        ),
    ),
    # Answers are shown to leads per meeting and per network; a person's own answers only on the member's page.
    PersonalData(
        model="meetings.SurveyResponse",
        fields=("survey", "participant", "sent_at", "answered_at", "score_1", "score_2", "score_3", "comment"),
        purpose=_(
            "Evaluations of meetings and of the network (satisfaction index), and who has answered, "
            "for the response rate and reminders."
        ),
        retention=_("The answers stay without the person once the participant is anonymised."),
        email_lookups=("participant__email",),
        kind=KIND,
        keep_reason=_(
            "The answers count in the network's evaluation; the participant is anonymised, so they no "
            "longer say who answered."
        ),
    ),
    PersonalData(
        model="meetings.SeminarRegistration",
        fields=("meeting", "name", "organisation", "email", "dietary_needs", "created_at", "cancelled_at", "attended"),
        purpose=_("Sign-ups to an open seminar: the list of participants, name tags, catering and confirmations."),
        retention=_(
            "Dietary needs are deleted the day after the seminar; name and e-mail address are anonymised when "
            "the retention period for seminar sign-ups has passed."
        ),
        email_lookups=("email",),
        kind=KIND,
        erase=Erase.ANONYMISE,
        anonymise=("name", "email", "dietary_needs"),
        retention_rule="seminar_signups",
    ),
    PersonalData(
        model="meetings.MeetingMessage",
        fields=("meeting", "sent_by", "subject", "sent_at"),
        purpose=_("Messages a lead sent to a meeting's invitees, kept to show what was said to whom."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=RECORDS,
    ),
    PersonalData(
        model="meetings.FollowUpNote",
        fields=("membership", "noted_on", "author"),
        purpose=_("The lead's dated notes following a member municipality's work in the network."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=RECORDS,
    ),
    PersonalData(
        model="meetings.Homework",
        fields=("meeting", "title", "created_by"),
        purpose=_("Who set a homework."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=RECORDS,
    ),
    PersonalData(
        model="meetings.Survey",
        fields=("network", "title", "created_by"),
        purpose=_("Who made an evaluation."),
        retention=_("As long as the network's records are kept."),
        kind=KIND,
        keep_reason=RECORDS,
    ),
)


@retention.purger("seminar_signups")
def purge_seminar_signups(cutoff, dry_run: bool) -> int:
    from meetings.models import SeminarRegistration

    expired = SeminarRegistration.objects.filter(
        Q(meeting__ends_at__lt=cutoff)
        | Q(meeting__ends_at__isnull=True, meeting__starts_at__lt=cutoff)
        | Q(
            meeting__ends_at__isnull=True,
            meeting__starts_at__isnull=True,
            meeting__sort_date__lt=timezone.localdate(cutoff),
        )
    ).exclude(email__endswith="@" + ERASED_DOMAIN)
    if dry_run:
        return expired.count()
    return anonymise_rows(get_entry("meetings.SeminarRegistration"), expired)


@retention.purger("participants_after_network_end")
def purge_participant_meeting_data(cutoff, dry_run: bool) -> int:
    from meetings.models import CalendarFeed, Invitation

    ended = timezone.localdate(cutoff)
    feeds = CalendarFeed.objects.filter(participant__membership__network__period_end__lt=ended)
    dietary = Invitation.objects.filter(participant__membership__network__period_end__lt=ended).exclude(
        dietary_needs=""
    )
    if dry_run:
        return feeds.count() + dietary.count()
    return feeds.delete()[0] + anonymise_rows(get_entry("meetings.Invitation"), dietary)
