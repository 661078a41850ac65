"""Deadline reminders: 7 days and 1 day before, to each representative of a municipality with a draft, once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications.models import Application
from applications.reminders import reminder_kind, send_due_reminders
from applications.tasks import send_deadline_reminders
from core.beat import collect_specs
from core.models import SentEmail
from networks.models import Network
from tests.factories import ApplicationFactory, NetworkFactory, municipality, representative

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEADLINE = datetime(2026, 3, 31, 23, 59, tzinfo=STOCKHOLM)


@pytest.fixture
def draft():
    network = NetworkFactory(
        title="Tillit & styrning",
        applications_open_at=DEADLINE - timedelta(days=60),
        application_deadline=DEADLINE,
    )
    return ApplicationFactory(network=network, municipality=municipality("0114"))


@pytest.fixture
def reps():
    return [representative("0114", email="anna@vasby.example.se"), representative("0114", email="bo@vasby.example.se")]


def at(delta: timedelta):
    return time_machine.travel(DEADLINE - delta, tick=False)


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(days=8), None),
        (timedelta(days=7, seconds=1), None),
        (timedelta(days=7), "7d"),
        (timedelta(days=2), "7d"),
        (timedelta(days=1, seconds=1), "7d"),
        (timedelta(days=1), "1d"),
        (timedelta(hours=1), "1d"),
        (timedelta(0), "1d"),
        (-timedelta(seconds=1), None),
    ],
)
def test_reminder_kind_windows(left, expected):
    assert reminder_kind(deadline=DEADLINE, now=DEADLINE - left) == expected


def test_seven_day_reminder_goes_to_every_representative_once(draft, reps, mailoutbox):
    with at(timedelta(days=6, hours=20)):
        assert send_due_reminders() == 2
        assert send_due_reminders() == 0
    with at(timedelta(days=3)):
        assert send_due_reminders() == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@vasby.example.se", "bo@vasby.example.se"]
    message = mailoutbox[0]
    assert "Tillit & styrning" in message.subject
    assert "Upplands Väsby" in message.body
    assert "/ansokningar/" in message.body
    assert SentEmail.objects.filter(key=f"application-reminder:{draft.pk}:7d:anna@vasby.example.se").exists()


def test_one_day_reminder_follows_the_seven_day_one(draft, reps, mailoutbox):
    with at(timedelta(days=5)):
        send_due_reminders()
    with at(timedelta(hours=20)):
        assert send_due_reminders() == 2
        assert send_due_reminders() == 0
    assert len(mailoutbox) == 4
    keys = set(SentEmail.objects.values_list("key", flat=True))
    assert f"application-reminder:{draft.pk}:1d:bo@vasby.example.se" in keys


def test_late_draft_gets_only_the_one_day_reminder(draft, reps, mailoutbox):
    with at(timedelta(hours=12)):
        assert send_due_reminders() == 2
    assert not SentEmail.objects.filter(key__contains=":7d:").exists()


def test_nothing_before_the_window_or_after_the_deadline(draft, reps, mailoutbox):
    with at(timedelta(days=8)):
        assert send_due_reminders() == 0
    with at(-timedelta(minutes=1)):
        assert send_due_reminders() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("status", [Application.Status.SUBMITTED, Application.Status.WITHDRAWN])
def test_submitted_and_withdrawn_applications_get_nothing(draft, reps, mailoutbox, status):
    Application.objects.filter(pk=draft.pk).update(status=status)
    for left in (timedelta(days=5), timedelta(hours=5)):
        with at(left):
            assert send_due_reminders() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("status", [Network.Status.DRAFT, Network.Status.SELECTION])
def test_networks_not_open_get_nothing(draft, reps, mailoutbox, status):
    Network.objects.filter(pk=draft.network_id).update(status=status)
    with at(timedelta(days=2)):
        assert send_due_reminders() == 0
    assert mailoutbox == []


def test_inactive_users_and_other_municipalities_get_nothing(draft, mailoutbox):
    representative("0114", email="gone@vasby.example.se", is_active=False)
    representative("0180", email="someone@stockholm.example.se")
    with at(timedelta(days=2)):
        assert send_due_reminders() == 0
    assert mailoutbox == []


def test_each_draft_of_the_municipality_is_reminded(draft, reps, mailoutbox):
    other_network = NetworkFactory(applications_open_at=DEADLINE - timedelta(days=30), application_deadline=DEADLINE)
    ApplicationFactory(network=other_network, municipality=municipality("0114"))
    with at(timedelta(days=2)):
        assert send_due_reminders() == 4


def test_the_task_sends_and_is_safe_to_run_twice(draft, reps, mailoutbox):
    # apply() runs the task here, also where Celery is not eager (PostgreSQL and Redis set).
    with at(timedelta(days=2)):
        assert send_deadline_reminders.apply().get() == 2
        assert send_deadline_reminders.apply().get() == 0
    assert len(mailoutbox) == 2


def test_now_argument_overrides_the_clock(draft, reps, mailoutbox):
    assert send_due_reminders(now=DEADLINE - timedelta(days=2)) == 2
    assert len(mailoutbox) == 2


def test_reminder_task_is_scheduled_hourly():
    (spec,) = [s for s in collect_specs() if s.task == "applications.tasks.send_deadline_reminders"]
    assert spec.hour == "*" and spec.minute.isdigit()


def test_reminder_text_names_deadline_and_municipality(draft, reps, mailoutbox):
    with at(timedelta(hours=3)):
        send_due_reminders()
    body = mailoutbox[0].body
    assert "2026" in body and "23:59" in body
    assert "Upplands Väsby" in body
    assert "&amp;" not in body and "&#x27;" not in body
