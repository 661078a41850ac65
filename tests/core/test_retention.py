"""Retention periods: each rule at its boundary (one day before and after), the task, idempotency, dry run."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from applications.models import Application, ApplicationVersion, ProposedParticipant
from core import privacy, retention
from core.beat import collect_specs
from core.models import SentEmail
from core.tasks import purge_expired_personal_data
from meetings.models import CalendarFeed, Invitation, SeminarRegistration
from tests.factories import (
    ApplicationFactory,
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
T0 = datetime(2021, 3, 10, 12, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def periods(settings):
    settings.RETENTION = {
        "applications_not_accepted": 730,
        "participants_after_network_end": 730,
        "seminar_signups": 90,
        "sent_emails": 365,
    }


def _purge_at(moment: datetime, **kwargs) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return retention.purge(**kwargs)


def _erased(obj) -> bool:
    obj.refresh_from_db()
    return obj.email.endswith("@" + privacy.ERASED_DOMAIN)


def _proposed(application, name="Petra Prövad", email="petra@example.se") -> ProposedParticipant:
    return ProposedParticipant.objects.create(application=application, name=name, email=email)


def test_format_period_in_english_and_years():
    with translation.override("en"):
        assert retention.format_period(730) == "2 years"
        assert retention.format_period(365) == "1 year"
        assert retention.format_period(90) == "90 days"
        assert retention.format_period(1) == "1 day"


def test_settings_override_the_default(settings):
    settings.RETENTION = {"seminar_signups": 30}
    assert retention.get_rule("seminar_signups").days == 30
    assert retention.get_rule("sent_emails").days == retention.get_rule("sent_emails").default_days


def test_rejected_application_is_anonymised_after_its_period():
    application = ApplicationFactory(
        network=NetworkFactory(period_end=None),
        decision=Application.Decision.REJECTED,
        decided_at=T0,
        buyer_reference="Rolf Referens",
    )
    person = _proposed(application)
    person.title = "Kommunchef"
    person.save()  # a history row
    ApplicationVersion.objects.create(
        application=application,
        number=1,
        submitted_at=T0,
        submitted_by=application.created_by,
        data={
            "participants": [{"name": "Petra Prövad", "email": "petra@example.se"}],
            "fields": {"buyer_reference": "Rolf Referens"},
        },
    )
    assert _purge_at(T0 + timedelta(days=729))["applications_not_accepted"] == 0
    assert not _erased(person)
    assert _purge_at(T0 + timedelta(days=731))["applications_not_accepted"] == 2  # the person and the reference
    assert _erased(person) and person.name == privacy.ERASED_NAME and person.title == ""
    assert not person.history.filter(name="Petra Prövad").exists()
    application.refresh_from_db()
    assert application.buyer_reference == "" and application.decision == Application.Decision.REJECTED
    data = ApplicationVersion.objects.get(application=application).data
    assert "Petra" not in str(data) and "Rolf" not in str(data)


def test_withdrawn_application_counts_from_the_withdrawal():
    application = ApplicationFactory(
        network=NetworkFactory(period_end=None), status=Application.Status.WITHDRAWN, withdrawn_at=T0
    )
    person = _proposed(application)
    _purge_at(T0 + timedelta(days=729))
    assert not _erased(person)
    _purge_at(T0 + timedelta(days=731))
    assert _erased(person)


def test_application_left_on_the_waiting_list_counts_from_the_network_end():
    end = date(2021, 6, 30)
    application = ApplicationFactory(
        network=NetworkFactory(period_end=end), decision=Application.Decision.WAITLIST, waitlist_rank=1
    )
    person = _proposed(application)
    last_kept_day = datetime.combine(end + timedelta(days=730), time(23, 0), tzinfo=STOCKHOLM)
    assert _purge_at(last_kept_day)["applications_not_accepted"] == 0
    assert not _erased(person)
    _purge_at(last_kept_day + timedelta(days=1))
    assert _erased(person)


def test_accepted_application_is_not_purged_as_not_accepted():
    application = ApplicationFactory(
        network=NetworkFactory(period_end=None), decision=Application.Decision.ACCEPTED, decided_at=T0
    )
    MembershipFactory(network=application.network, application=application)
    person = _proposed(application)
    _purge_at(T0 + timedelta(days=3000))
    assert not _erased(person)


def test_participants_are_anonymised_after_the_network_end():
    end = date(2021, 6, 30)
    membership = MembershipFactory(network=NetworkFactory(period_end=end))
    participant = MembershipParticipantFactory(membership=membership, name="Dora Deltagare")
    other = MembershipParticipantFactory(membership=membership)
    running = MembershipParticipantFactory(membership=MembershipFactory(network=NetworkFactory(period_end=None)))
    meeting = MeetingFactory(network=membership.network)
    invitation = Invitation.objects.create(meeting=meeting, participant=participant, dietary_needs="Glutenfri")
    CalendarFeed.objects.create(participant=participant)
    accepted = ApplicationFactory(network=membership.network, decision=Application.Decision.ACCEPTED)
    membership.application = accepted
    membership.save()
    proposed = _proposed(accepted)

    last_kept_day = datetime.combine(end + timedelta(days=730), time(23, 0), tzinfo=STOCKHOLM)
    assert _purge_at(last_kept_day)["participants_after_network_end"] == 0
    assert not _erased(participant)
    counts = _purge_at(last_kept_day + timedelta(hours=2))  # just after midnight: the next day
    assert counts["applications_not_accepted"] == 0
    assert counts["participants_after_network_end"] == 2 + 1 + 1 + 1  # participants, feed, diet, proposed
    assert _erased(participant) and _erased(other) and _erased(proposed)
    assert participant.name == privacy.ERASED_NAME and participant.link_version == 2
    assert not participant.history.filter(name="Dora Deltagare").exists()
    assert not CalendarFeed.objects.filter(participant=participant).exists()
    invitation.refresh_from_db()
    assert invitation.dietary_needs == ""
    assert not _erased(running)


def test_network_packs_of_ended_networks_are_deleted():
    from reports.models import StoredDocument

    ended = NetworkFactory(period_end=date(2021, 6, 30))
    running = NetworkFactory(period_end=None)
    for network in (ended, running):
        StoredDocument.objects.create(network=network, kind=StoredDocument.Kind.NETWORK_PACK, status="done")
    last_kept_day = datetime.combine(date(2021, 6, 30) + timedelta(days=730), time(12), tzinfo=STOCKHOLM)
    assert _purge_at(last_kept_day)["participants_after_network_end"] == 0
    assert _purge_at(last_kept_day + timedelta(days=1))["participants_after_network_end"] == 1
    assert list(StoredDocument.objects.values_list("network", flat=True)) == [running.pk]


def test_seminar_signups_are_anonymised_after_the_seminar():
    meeting = MeetingFactory(starts_at=T0 - timedelta(hours=3), ends_at=T0, month=None)
    signup = SeminarRegistration.objects.create(
        meeting=meeting, name="Sara Seminarist", organisation="Knivsta", email="sara@example.se", dietary_needs="Vegan"
    )
    later = SeminarRegistration.objects.create(
        meeting=MeetingFactory(starts_at=T0 + timedelta(days=30), ends_at=T0 + timedelta(days=30, hours=2), month=None),
        name="Lars Later",
        organisation="Knivsta",
        email="lars@example.se",
    )
    assert _purge_at(T0 + timedelta(days=89))["seminar_signups"] == 0
    assert not _erased(signup)
    assert _purge_at(T0 + timedelta(days=91))["seminar_signups"] == 1
    assert _erased(signup) and signup.name == privacy.ERASED_NAME and signup.dietary_needs == ""
    assert signup.organisation == "Knivsta"
    assert not _erased(later)


def test_preliminary_seminar_counts_from_its_month():
    meeting = MeetingFactory(starts_at=None, ends_at=None, month=date(2021, 3, 1))
    signup = SeminarRegistration.objects.create(
        meeting=meeting, name="Mia Månad", organisation="X", email="mia@example.se"
    )
    _purge_at(datetime(2021, 5, 30, 12, tzinfo=STOCKHOLM))  # 90 days after 1 March
    assert not _erased(signup)
    _purge_at(datetime(2021, 6, 1, 12, tzinfo=STOCKHOLM))
    assert _erased(signup)


def test_sent_emails_are_anonymised_after_their_period():
    with time_machine.travel(T0, tick=False):
        sent = SentEmail.objects.create(key="receipt:1:v1:kim@example.se", recipient="kim@example.se", subject="Kvitto")
    assert _purge_at(T0 + timedelta(days=364))["sent_emails"] == 0
    sent.refresh_from_db()
    assert sent.recipient == "kim@example.se"
    assert _purge_at(T0 + timedelta(days=366))["sent_emails"] == 1
    sent.refresh_from_db()
    assert sent.recipient.endswith("@" + privacy.ERASED_DOMAIN) and sent.subject == ""
    assert sent.key.startswith("erased:") and "kim" not in sent.key


def test_task_purges_everything_once_and_is_idempotent(caplog):
    with time_machine.travel(T0, tick=False):
        SentEmail.objects.create(key="k1", recipient="a@example.se", subject="S")
    meeting = MeetingFactory(starts_at=T0 - timedelta(hours=1), ends_at=T0, month=None)
    SeminarRegistration.objects.create(meeting=meeting, name="A B", organisation="X", email="ab@example.se")
    with time_machine.travel(T0 + timedelta(days=400), tick=False):
        first = purge_expired_personal_data()
        second = purge_expired_personal_data()
    assert first["sent_emails"] == 1 and first["seminar_signups"] == 1
    assert set(first) == {rule.key for rule in retention.RULES}
    assert all(count == 0 for count in second.values()), second
    assert "retention sent_emails" in caplog.text


def test_dry_run_command_changes_nothing(capsys):
    with time_machine.travel(T0, tick=False):
        sent = SentEmail.objects.create(key="k2", recipient="b@example.se", subject="S")
    with time_machine.travel(T0 + timedelta(days=400), tick=False):
        call_command("purge_personal_data", "--dry-run")
        out = capsys.readouterr().out
        assert "sent_emails: would purge 1 rows" in out
        sent.refresh_from_db()
        assert sent.recipient == "b@example.se"
        call_command("purge_personal_data")
        assert "sent_emails: purged 1 rows" in capsys.readouterr().out
    sent.refresh_from_db()
    assert sent.recipient != "b@example.se"


def test_purge_is_scheduled_daily():
    spec = next(spec for spec in collect_specs() if spec.task == "core.tasks.purge_expired_personal_data")
    assert spec.day_of_week == "*" and spec.day_of_month == "*" and spec.hour.isdigit()


def test_every_rule_has_a_purger_and_a_registry_entry():
    rules_in_registry = {entry.retention_rule for entry in privacy.entries()} - {""}
    for rule in retention.RULES:
        assert retention.purgers(rule.key), rule.key
        assert rule.key in rules_in_registry, rule.key


def test_retention_periods_are_read_from_the_environment():
    import os
    import subprocess
    import sys

    env = {**os.environ, "RETENTION_SEMINAR_SIGNUPS_DAYS": "30", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.RETENTION['seminar_signups'])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "30"
    env["RETENTION_SEMINAR_SIGNUPS_DAYS"] = "soon"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "RETENTION_SEMINAR_SIGNUPS_DAYS" in result.stderr
