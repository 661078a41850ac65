"""Issue 6's "done when", end to end through the pages and the tasks: a participant answers the invitation by
the link in the e-mail, subscribes to the calendar, gets the reminder, attends, answers the evaluation; the
lead records the attendance, sees the satisfaction index and follows the member on its follow-up page.

The clock moves through October 2026, across the change from summer to winter time."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accounts.models import StaffRole
from meetings.models import Invitation, Meeting, SurveyResponse
from meetings.tasks import evaluations_daily, send_meeting_reminders
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
    municipality,
    staff,
)

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def link_in(message, part: str) -> str:
    """The path of the first link in ``message`` that contains ``part``."""
    for url in re.findall(r"https?://\S+", message.body):
        if part in url:
            return urlsplit(url).path
    raise AssertionError(f"no link with {part!r} in {message.subject!r}")


def test_a_participant_from_invitation_to_evaluation_and_the_lead_following_the_member(
    client, django_capture_on_commit_callbacks
):
    network = NetworkFactory(organizer=OrganizerFactory(), slug="styrsystem", status="running", title="Styrsystem")
    lead = staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer)
    vasby = MembershipFactory(network=network, municipality=municipality("0114"))
    anna = MembershipParticipantFactory(
        membership=vasby, name="Anna Andersson", email="anna@vasby.example.se", groups=["steering_group"]
    )
    participant = type(client)()  # the participant's browser: no login, only the link
    client.force_login(lead)

    with time_machine.travel(at(2026, 10, 1, 9), tick=False):
        meeting = MeetingFactory(
            network=network,
            title="Nätverksträff 2",
            month=None,
            starts_at=at(2026, 10, 26, 10),  # the first Monday of winter time
            ends_at=at(2026, 10, 26, 15),
            mode=Meeting.Mode.PHYSICAL,
            address="Hornsgatan 20, Stockholm",
            audience=["steering_group"],
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("meetings:invite", args=[network.slug, meeting.pk])).status_code == 302
        (invitation_email,) = [m for m in mail.outbox if m.to == [anna.email]]
        respond = link_in(invitation_email, "/svar/")
        token = respond.strip("/").split("/")[1]
        home = reverse("participant:home", args=[token])
        assert home in invitation_email.body

        # The participant answers through the link in the e-mail, with dietary needs for a meeting on site.
        page = participant.get(respond)
        assert page.status_code == 200 and "Nätverksträff 2" in page.content.decode()
        assert participant.post(respond, {"response": "yes", "dietary_needs": "Vegetarisk"}).status_code == 302
        invitation = Invitation.objects.get(meeting=meeting, participant=anna)
        assert (invitation.response, invitation.dietary_needs) == ("yes", "Vegetarisk")

        # ... and subscribes to their calendar: the meeting in Stockholm time, after the change to winter time.
        feed = participant.get(home).context["feed"]["https"]
        calendar = Calendar.from_ical(participant.get(urlsplit(feed).path).content)
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]).startswith(str(meeting.uid))
        assert event.decoded("DTSTART") == at(2026, 10, 26, 10)
        assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)

    # A week before: the reminder with the meeting's .ics, once however often the task runs.
    mail.outbox.clear()
    with time_machine.travel(at(2026, 10, 19, 12, 5), tick=False):
        assert send_meeting_reminders.delay().get() == 1
        assert send_meeting_reminders.delay().get() == 0
    (reminder,) = mail.outbox
    assert reminder.to == [anna.email]
    (attachment,) = [a for a in reminder.attachments if a[2].startswith("text/calendar")]
    (event,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    assert event.decoded("DTSTART") == at(2026, 10, 26, 10)

    # After the meeting the lead ticks who attended.
    with time_machine.travel(at(2026, 10, 26, 15, 30), tick=False):
        attendance = reverse("meetings:attendance", args=[network.slug, meeting.pk])
        assert client.post(attendance, {"attended": [anna.pk]}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.attended is True

    # The next morning those who attended get the evaluation, and answer it through their link.
    mail.outbox.clear()
    with time_machine.travel(at(2026, 10, 27, 9, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            evaluations_daily.delay().get()
            evaluations_daily.delay().get()
        (survey_email,) = mail.outbox
        answer = link_in(survey_email, "/utvardering/")
        scores = {"score_1": "9", "score_2": "8", "score_3": "7", "comment": "Bra dag"}
        assert participant.post(answer, scores).status_code == 302
    answered = SurveyResponse.objects.get(participant=anna)
    assert (answered.score_1, answered.score_2, answered.score_3, answered.comment) == (9, 8, 7, "Bra dag")

    # The lead sees the index, (8 - 1) / 9 × 100 = 77,8 with every one answering, and follows Upplands Väsby.
    with time_machine.travel(at(2026, 10, 28, 10), tick=False):
        results = client.get(reverse("evaluations:survey", args=[network.slug, answered.survey_id]))
        assert results.status_code == 200 and "77,8" in results.content.decode()
        follow = client.get(reverse("followup:member", args=[network.slug, vasby.pk]))
        content = follow.content.decode()
    assert follow.status_code == 200
    assert "Nätverksträff 2" in content and "Anna Andersson" in content and "Bra dag" in content
