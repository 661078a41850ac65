"""Meeting reminders (issue 6): a week and a day before, each once, not to those who declined, with the .ics
attached in Swedish time across the daylight-saving change. The tests move the clock and run the task in-process."""

from datetime import datetime, timedelta
from smtplib import SMTPException
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from core.models import SentEmail
from meetings import reminders
from meetings.models import Invitation, Meeting
from meetings.schedule import PERIODIC_TASKS
from meetings.tasks import send_meeting_reminders
from networks.models import Membership
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
    municipality,
)

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture
def network():
    return NetworkFactory(organizer=OrganizerFactory(), slug="styrsystem", status="running", title="Styrsystem")


@pytest.fixture
def people(network):
    vasby = MembershipFactory(network=network, municipality=municipality("0114"))
    return {
        "anna": MembershipParticipantFactory(membership=vasby, name="Anna Andersson", email="anna@vasby.se"),
        "bo": MembershipParticipantFactory(membership=vasby, name="Bo Berg", email="bo@vasby.se"),
        "cilla": MembershipParticipantFactory(membership=vasby, name="Cilla Ek", email="cilla@vasby.se"),
        "vasby": vasby,
    }


def meeting_at(network, start: datetime, **kwargs) -> Meeting:
    defaults = {
        "network": network,
        "month": None,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "mode": Meeting.Mode.PHYSICAL,
        "address": "Hornsgatan 20, Stockholm",
        "title": "Nätverksträff 2",
    }
    return MeetingFactory(**{**defaults, **kwargs})


def invite(meeting, *participants, response="") -> list[Invitation]:
    return [Invitation.objects.create(meeting=meeting, participant=p, response=response) for p in participants]


def run(when: datetime) -> int:
    """The hourly task at ``when``, in this process."""
    with time_machine.travel(when, tick=False):
        return send_meeting_reminders.delay().get()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def keys() -> set[str]:
    return set(SentEmail.objects.filter(key__startswith="meeting-reminder:").values_list("key", flat=True))


def test_a_week_and_a_day_before_each_once_and_not_to_those_who_declined(network, people):
    start = at(2026, 3, 20, 10)
    meeting = meeting_at(network, start)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        (anna,) = invite(meeting, people["anna"])
        (bo,) = invite(meeting, people["bo"], response="yes")
        invite(meeting, people["cilla"], response="no")

    assert run(start - timedelta(days=8)) == 0
    assert run(start - timedelta(days=7, minutes=-30)) == 2  # 6 days 23.5 hours before
    assert recipients() == ["anna@vasby.se", "bo@vasby.se"]
    assert keys() == {f"meeting-reminder:{anna.pk}:7", f"meeting-reminder:{bo.pk}:7"}
    assert run(start - timedelta(days=7, minutes=-30)) == 0  # the task twice: nothing new
    assert run(start - timedelta(days=3)) == 0
    assert run(start - timedelta(hours=25)) == 0  # the week's reminder is out, the day's not yet due

    assert run(start - timedelta(hours=23)) == 2
    assert run(start - timedelta(hours=22)) == 0
    assert run(start - timedelta(hours=1)) == 0
    assert run(start + timedelta(minutes=30)) == 0  # begun: nothing
    assert len(mail.outbox) == 4
    assert "cilla@vasby.se" not in recipients()
    assert keys() == {f"meeting-reminder:{i.pk}:{kind}" for i in (anna, bo) for kind in (7, 1)}


def test_the_week_reminder_waits_a_day_after_the_invitation(network, people):
    start = at(2026, 3, 20, 10)
    meeting = meeting_at(network, start)
    with time_machine.travel(start - timedelta(days=5), tick=False):
        (anna,) = invite(meeting, people["anna"])
    assert run(start - timedelta(days=5, minutes=-30)) == 0  # just invited: the invitation said it all
    assert run(start - timedelta(days=4, hours=1)) == 0
    assert run(start - timedelta(days=3, hours=23)) == 1  # a day after the invitation
    assert keys() == {f"meeting-reminder:{anna.pk}:7"}


def test_a_late_invitation_or_a_missed_week_gets_only_the_day_reminder(network, people):
    start = at(2026, 3, 20, 10)
    meeting = meeting_at(network, start)
    with time_machine.travel(start - timedelta(days=10), tick=False):
        (anna,) = invite(meeting, people["anna"])
    with time_machine.travel(start - timedelta(hours=30), tick=False):
        (bo,) = invite(meeting, people["bo"])
    # The task did not run during the week (an outage): once the day has begun the week's reminder is never sent.
    assert run(start - timedelta(hours=20)) == 2
    assert run(start - timedelta(hours=19)) == 0
    assert keys() == {f"meeting-reminder:{anna.pk}:1", f"meeting-reminder:{bo.pk}:1"}


def test_cancelled_preliminary_and_left_get_none(network, people):
    start = at(2026, 3, 20, 10)
    cancelled = meeting_at(network, start, status=Meeting.Status.CANCELLED)
    preliminary = MeetingFactory(network=network)  # June 2018, no time
    with time_machine.travel(at(2026, 3, 1), tick=False):
        invite(cancelled, people["anna"])
        invite(preliminary, people["anna"])
        left = MembershipFactory(network=network, municipality=municipality("0184"), status=Membership.Status.LEFT)
        invite(meeting_at(network, start), MembershipParticipantFactory(membership=left))
    assert run(start - timedelta(days=6)) == 0
    assert run(start - timedelta(hours=12)) == 0
    assert mail.outbox == []


def test_the_email_and_its_ics_in_stockholm_time_across_the_dst_change(client, network, people):
    # Summer time ends on 25 October 2026: reminded on the 20th (+02:00) of a meeting at 10.00 on the 26th (+01:00).
    start = at(2026, 10, 26, 10)
    meeting = meeting_at(network, start, mode=Meeting.Mode.HYBRID, link="https://mote.example.se/abc")
    meeting.agenda.create(title="Uppstart", order=1)
    with time_machine.travel(at(2026, 10, 1), tick=False):
        (anna,) = invite(meeting, people["anna"])
    assert run(at(2026, 10, 20, 9, 5)) == 1

    (message,) = mail.outbox
    assert message.to == ["anna@vasby.se"]
    assert "Nätverksträff 2" in message.subject and "26 oktober 2026" in message.subject
    body = message.body
    assert "26 oktober 2026" in body and "10.00–12.00" in body
    assert "Hornsgatan 20" in body and "https://mote.example.se/abc" in body and "Uppstart" in body
    respond = reverse("participant:respond", kwargs={"token": "TOKEN", "invitation_pk": anna.pk}).split("TOKEN")
    link = next(line for line in body.splitlines() if respond[0] in line and line.endswith(respond[1]))
    assert link.startswith("http")
    assert client.get(urlsplit(link).path).status_code == 200

    ((name, content, mimetype),) = message.attachments
    assert name == "natverkstraff-2.ics" and mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    dtstart = event["DTSTART"]
    assert dtstart.params["TZID"] == "Europe/Stockholm"
    assert (dtstart.dt.date().isoformat(), dtstart.dt.hour, dtstart.dt.minute) == ("2026-10-26", 10, 0)
    assert dtstart.dt.utcoffset() == timedelta(hours=1)
    assert dtstart.dt == meeting.starts_at and event["DTEND"].dt == meeting.ends_at
    # The same calendar as the meeting's own .ics address gives, except that the public file (anyone may
    # download it) leaves out the link to the digital meeting, which the participant's attachment carries.
    from meetings.calendar import calendar_for

    content = content.encode() if isinstance(content, str) else content
    assert b"https://mote.example.se/abc" in content
    assert content == calendar_for([meeting], name=meeting.title)
    ics = client.get(reverse("calendar:meeting", kwargs={"uid": meeting.uid}))
    assert b"mote.example.se" not in ics.content
    assert ics.content == calendar_for([meeting], name=meeting.title, with_link=False)


def test_a_failed_delivery_is_sent_by_the_next_run(network, people, monkeypatch):
    start = at(2026, 3, 20, 10)
    meeting = meeting_at(network, start)
    with time_machine.travel(at(2026, 3, 1), tick=False):
        invite(meeting, people["anna"])

    def refuse(self, *args, **kwargs):
        raise SMTPException("down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(SMTPException), time_machine.travel(start - timedelta(hours=20), tick=False):
            reminders.send_meeting_reminders()
    assert keys() == set()
    assert run(start - timedelta(hours=19)) == 1


def test_the_due_reminders_take_a_constant_number_of_queries(network, people, django_assert_max_num_queries):
    start = at(2026, 3, 20, 10)
    first, second = meeting_at(network, start), meeting_at(network, start + timedelta(days=1))
    for meeting in (first, second):
        meeting.agenda.create(title="Uppstart", order=1)
    with time_machine.travel(at(2026, 3, 1), tick=False):
        for _ in range(5):
            participant = MembershipParticipantFactory(membership=people["vasby"])
            invite(first, participant)
            invite(second, participant)
    with django_assert_max_num_queries(3):
        due = reminders.due_reminders(start - timedelta(hours=12))
        assert len(due) == 10
        assert {kind for _invitation, kind in due} == {1, 7}
        assert all(len(invitation.meeting.agenda.all()) == 1 for invitation, _kind in due)


def test_the_reminders_run_every_hour():
    (spec,) = [spec for spec in PERIODIC_TASKS if spec.task == "meetings.tasks.send_meeting_reminders"]
    assert spec.hour == "*" and spec.minute.isdigit()
