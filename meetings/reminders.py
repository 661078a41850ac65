"""Meeting reminders: an e-mail a week and a day before each meeting, with the meeting's .ics attached.

Run hourly by Celery beat (``meetings.tasks.send_meeting_reminders``). For the
planned, exactly dated meetings (not preliminary, not called off) of active
memberships, each invitation whose answer is not "kommer inte" gets

- the 7-day reminder while 1 day < time to the start ≤ 7 days, unless the
  invitation was made less than 24 hours ago (the invitation itself just said it
  all); once the 1-day window has begun the 7-day reminder is never sent;
- the 1-day reminder while 0 < time to the start ≤ 1 day.

Each (invitation, kind) is e-mailed once: ``send_email_once`` with the key
``meeting-reminder:<invitation>:<7|1>``, so running the task twice (or a retry
after a failed delivery) sends nothing new. The due invitations are read in one
query (the agenda in one more), whatever the number of meetings and people.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.mail import send_email_once
from core.models import SentEmail
from meetings.calendar import absolute_url, calendar_for
from meetings.links import personal_token
from meetings.models import Invitation, Meeting
from networks.models import Membership

WEEK, DAY = 7, 1
ICS_MIME = "text/calendar"


def reminder_key(invitation_id: int, kind: int) -> str:
    return f"meeting-reminder:{invitation_id}:{kind}"


def ics_attachment(meeting: Meeting) -> tuple[str, bytes, str]:
    """The meeting's .ics as /kalender/mote/<uid>.ics gives it: (file name, content, MIME type)."""
    filename = slugify(meeting.title)[:60].strip("-") or "meeting"
    return f"{filename}.ics", calendar_for([meeting], name=meeting.title), ICS_MIME


def due_reminders(now) -> list[tuple[Invitation, int]]:
    """The (invitation, kind) pairs due at ``now`` and not yet sent (two queries, plus the agenda's)."""
    week = Q(
        meeting__starts_at__gt=now + timedelta(days=DAY),
        meeting__starts_at__lte=now + timedelta(days=WEEK),
        invited_at__lte=now - timedelta(days=1),
    )
    day = Q(meeting__starts_at__gt=now, meeting__starts_at__lte=now + timedelta(days=DAY))
    invitations = (
        Invitation.objects.filter(week | day)
        .filter(
            meeting__status=Meeting.Status.PLANNED,
            meeting__starts_at__isnull=False,
            participant__membership__status=Membership.Status.ACTIVE,
        )
        .exclude(response=Invitation.Response.NO)
        .exclude(participant__email="")
        .select_related("meeting__network", "participant__membership__municipality")
        .order_by("meeting__starts_at", "meeting_id", "pk")
    )
    pairs = []
    for invitation in invitations:
        kind = DAY if invitation.meeting.starts_at <= now + timedelta(days=DAY) else WEEK
        pairs.append((invitation, kind))
    if not pairs:
        return []
    sent = set(
        SentEmail.objects.filter(key__in=[reminder_key(i.pk, kind) for i, kind in pairs]).values_list("key", flat=True)
    )
    due = [(invitation, kind) for invitation, kind in pairs if reminder_key(invitation.pk, kind) not in sent]
    # The agenda of the meetings still to remind about, in one query (the same for the .ics and the text).
    meetings = {invitation.meeting_id: invitation.meeting for invitation, _kind in due}
    if meetings:
        prefetch_related_objects(list(meetings.values()), "agenda")
        for invitation, _kind in due:
            invitation.meeting = meetings[invitation.meeting_id]
    return due


def send_meeting_reminders(now=None) -> int:
    """E-mail the reminders due at ``now`` (default: now), each once; return how many were sent now."""
    now = now or timezone.now()
    attachments: dict[int, tuple[str, bytes, str]] = {}
    sent = 0
    for invitation, kind in due_reminders(now):
        meeting = invitation.meeting
        participant = invitation.participant
        if meeting.pk not in attachments:
            attachments[meeting.pk] = ics_attachment(meeting)
        token = personal_token(participant)
        context = {
            "invitation": invitation,
            "meeting": meeting,
            "network": meeting.network,
            "participant": participant,
            "agenda": list(meeting.agenda.all()),
            "kind": kind,
            "url": absolute_url(reverse("participant:home", kwargs={"token": token})),
            "respond_url": absolute_url(
                reverse("participant:respond", kwargs={"token": token, "invitation_pk": invitation.pk})
            ),
        }
        sent += send_email_once(
            key=reminder_key(invitation.pk, kind),
            to=participant.email.strip(),
            template_prefix="meetings/email/reminder",
            context=context,
            attachments=[attachments[meeting.pk]],
        )
    return sent
