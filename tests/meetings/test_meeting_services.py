"""The timetable's services: validation with clear messages, sequence, cancel, delete, shift, copy, agenda, homework."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import StaffRole
from meetings import services
from meetings.models import AgendaBlock, Homework, Meeting
from tests.factories import MeetingFactory, MembershipFactory, NetworkFactory, OrganizerFactory, staff

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=STOCKHOLM)


@pytest.fixture
def org():
    return OrganizerFactory()


@pytest.fixture
def lead(org):
    return staff(StaffRole.Role.NETWORK_LEAD, organizer=org)


@pytest.fixture
def network(org):
    return NetworkFactory(organizer=org, period_start=date(2021, 9, 1), period_end=date(2023, 3, 31))


def exact(**overrides) -> dict:
    data = {
        "kind": Meeting.Kind.NETWORK,
        "title": "Uppstart",
        "starts_at": at("2021-09-13", "10:00"),
        "ends_at": at("2021-09-13", "15:00"),
        "mode": Meeting.Mode.DIGITAL,
        "link": "https://meet.example.se/uppstart",
        "audience": ["steering_group", "working_group"],
    }
    data.update(overrides)
    return data


def preliminary(**overrides) -> dict:
    data = {"kind": Meeting.Kind.NETWORK, "title": "Träff", "month": date(2021, 11, 1), "audience": ["project_leader"]}
    data.update(overrides)
    return data


def errors_of(network, lead, data, meeting=None) -> dict:
    with pytest.raises(ValidationError) as caught:
        services.meeting_save(network=network, actor=lead, meeting=meeting, data=data)
    return caught.value.message_dict


def test_meeting_save_creates_exact_and_preliminary(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=exact())
    assert meeting.pk and meeting.sequence == 0 and meeting.sort_date == date(2021, 9, 13)
    assert meeting.month is None
    later = services.meeting_save(network=network, actor=lead, data=preliminary(last_month=date(2021, 12, 1)))
    assert later.is_preliminary and later.sort_date == date(2021, 11, 1)
    assert meeting.history.first().history_user == lead


def test_meeting_end_before_start_is_refused(network, lead):
    errors = errors_of(network, lead, exact(ends_at=at("2021-09-13", "09:00")))
    assert errors["ends_at"] == ["The meeting must end after it starts."] or "efter" in errors["ends_at"][0]
    assert not Meeting.objects.exists()


def test_meeting_without_date_is_refused(network, lead):
    errors = errors_of(network, lead, preliminary(month=None))
    assert "starts_at" in errors


def test_meeting_naive_time_is_refused(network, lead):
    naive = datetime(2021, 9, 13, 10, 0)
    errors = errors_of(network, lead, exact(starts_at=naive, ends_at=naive + timedelta(hours=2)))
    assert "Europe/Stockholm" in errors["starts_at"][0]


def test_meeting_outside_period_is_refused(network, lead):
    errors = errors_of(network, lead, exact(starts_at=at("2023-04-03", "10:00"), ends_at=at("2023-04-03", "12:00")))
    assert "2023" in errors["starts_at"][0]
    assert "month" in errors_of(network, lead, preliminary(month=date(2021, 8, 1)))


def test_meeting_month_overlapping_period_is_allowed(lead, org):
    network = NetworkFactory(organizer=org, period_start=date(2021, 9, 15), period_end=date(2021, 12, 10))
    services.meeting_save(network=network, actor=lead, data=preliminary(month=date(2021, 9, 1)))
    services.meeting_save(network=network, actor=lead, data=preliminary(month=date(2021, 12, 1)))
    span = preliminary(month=date(2021, 6, 1), last_month=date(2021, 10, 1))
    assert services.meeting_save(network=network, actor=lead, data=span).last_month == date(2021, 10, 1)


def test_meeting_last_month_before_month_is_refused(network, lead):
    assert "last_month" in errors_of(network, lead, preliminary(last_month=date(2021, 10, 1)))


def test_meeting_without_period_accepts_any_date(lead, org):
    network = NetworkFactory(organizer=org)
    assert services.meeting_save(network=network, actor=lead, data=preliminary(month=date(2030, 1, 1))).pk


@pytest.mark.parametrize(
    ("mode", "missing"),
    [("physical", ["address"]), ("digital", ["link"]), ("hybrid", ["address", "link"])],
)
def test_exact_meeting_needs_its_place(network, lead, mode, missing):
    errors = errors_of(network, lead, exact(mode=mode, link="", address=""))
    assert sorted(name for name in errors if name in ("address", "link")) == missing


def test_preliminary_meeting_may_leave_its_place_open(network, lead):
    assert services.meeting_save(network=network, actor=lead, data=preliminary(mode="hybrid")).pk


def test_meeting_link_must_be_https(network, lead):
    errors = errors_of(network, lead, exact(link="http://meet.example.se/x"))
    assert errors["link"] == ["Use a secure link that begins with https://."] or "https://" in errors["link"][0]


def test_meeting_capacity_at_least_one(network, lead):
    assert "capacity" in errors_of(network, lead, exact(capacity=0))
    assert services.meeting_save(network=network, actor=lead, data=exact(capacity=1)).capacity == 1


def test_meeting_capacity_below_registrations_is_refused(network, lead, monkeypatch):
    meeting = services.meeting_save(network=network, actor=lead, data=exact(capacity=30))
    monkeypatch.setattr(services, "registration_count", lambda meeting: 12)
    errors = errors_of(network, lead, {"capacity": 10}, meeting=meeting)
    assert "12" in errors["capacity"][0]


@pytest.mark.parametrize("audience", [["king"], "steering_group", [{"x": 1}]])
def test_meeting_audience_keys_must_be_known(network, lead, audience):
    assert "audience" in errors_of(network, lead, exact(audience=audience))


def test_meeting_needs_an_audience_unless_a_period_or_milestone(network, lead):
    assert "audience" in errors_of(network, lead, exact(audience=[]))
    data = preliminary(kind=Meeting.Kind.WORK_PERIOD, audience=[], last_month=date(2022, 3, 1))
    assert services.meeting_save(network=network, actor=lead, data=data).pk
    milestone = exact(kind=Meeting.Kind.MILESTONE, audience=[], link="", mode="physical")
    assert services.meeting_save(network=network, actor=lead, data=milestone).pk


def test_check_in_needs_a_membership_of_this_network(network, lead):
    data = exact(kind=Meeting.Kind.CHECK_IN)
    assert "membership" in errors_of(network, lead, data)
    other = MembershipFactory()
    assert "membership" in errors_of(network, lead, {**data, "membership": other})
    own = MembershipFactory(network=network)
    assert services.meeting_save(network=network, actor=lead, data={**data, "membership": own}).membership == own


def test_digital_meeting_has_no_cost(network, lead):
    assert "cost_per_attendee" in errors_of(network, lead, exact(cost_per_attendee=Decimal("250")))
    data = exact(mode="physical", link="", address="Hornsgatan 20, Stockholm", cost_per_attendee=Decimal("250.50"))
    assert services.meeting_save(network=network, actor=lead, data=data).cost_vat_rate == 25


def test_meeting_errors_come_together(network, lead):
    errors = errors_of(network, lead, exact(link="http://x.se", capacity=0, audience=["nobody"], title=""))
    assert {"link", "capacity", "audience", "title"} <= set(errors)


def test_meeting_save_only_for_leads(network, org):
    outsider = staff(StaffRole.Role.NETWORK_LEAD, organizer=OrganizerFactory())
    finance = staff(StaffRole.Role.FINANCE, organizer=org)
    for user in (outsider, finance):
        with pytest.raises(PermissionDenied):
            services.meeting_save(network=network, actor=user, data=exact())


def test_meeting_of_another_network_cannot_be_saved_through_this_one(network, lead, org):
    other = MeetingFactory(network=NetworkFactory(organizer=org))
    with pytest.raises(PermissionDenied):
        services.meeting_save(network=network, actor=lead, meeting=other, data={"title": "x"})


def test_sequence_increments_on_calendar_changes_only(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=exact())
    services.meeting_save(network=network, actor=lead, meeting=meeting, data={"capacity": 40})
    assert meeting.sequence == 0
    services.meeting_save(network=network, actor=lead, meeting=meeting, data={"title": "Uppstart och planering"})
    assert meeting.sequence == 1
    services.meeting_save(network=network, actor=lead, meeting=meeting, data={"ends_at": at("2021-09-13", "16:00")})
    services.meeting_save(network=network, actor=lead, meeting=meeting, data={"link": "https://meet.example.se/ny"})
    meeting.refresh_from_db()
    assert meeting.sequence == 3


def test_firm_up_replaces_the_month(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=preliminary())
    services.meeting_firm_up(
        meeting=meeting,
        actor=lead,
        starts_at=at("2021-11-25", "10:00"),
        ends_at=at("2021-11-25", "15:00"),
        mode="digital",
        link="https://meet.example.se/nov",
    )
    meeting.refresh_from_db()
    assert meeting.month is None and meeting.sort_date == date(2021, 11, 25) and meeting.sequence == 1


def test_cancel_and_restore(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=exact())
    services.meeting_cancel(meeting=meeting, actor=lead)
    services.meeting_cancel(meeting=meeting, actor=lead)  # twice: no second change
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    services.meeting_restore(meeting=meeting, actor=lead)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.sequence == 2


def test_delete_preliminary_and_future_but_not_past(network, lead):
    with time_machine.travel(datetime(2021, 10, 1, tzinfo=STOCKHOLM)):
        past = services.meeting_save(network=network, actor=lead, data=exact())
        future = services.meeting_save(
            network=network,
            actor=lead,
            data=exact(starts_at=at("2021-12-01", "10:00"), ends_at=at("2021-12-01", "12:00")),
        )
        month = services.meeting_save(network=network, actor=lead, data=preliminary())
        services.meeting_delete(meeting=future, actor=lead)
        services.meeting_delete(meeting=month, actor=lead)
        with pytest.raises(ValidationError):
            services.meeting_delete(meeting=past, actor=lead)
    assert list(Meeting.objects.all()) == [past]


def test_shift_keeps_ten_o_clock_across_dst(network, lead):
    # 2021-10-18 is summer time (UTC+2); a month later it is winter time (UTC+1).
    meeting = services.meeting_save(
        network=network, actor=lead, data=exact(starts_at=at("2021-10-18", "10:00"), ends_at=at("2021-10-18", "12:00"))
    )
    month = services.meeting_save(network=network, actor=lead, data=preliminary())
    services.meetings_shift(network=network, actor=lead, meetings=[meeting, month], months=1)
    meeting.refresh_from_db()
    month.refresh_from_db()
    local = timezone.localtime(meeting.starts_at, STOCKHOLM)
    assert (local.date(), local.time()) == (date(2021, 11, 18), time(10, 0))
    assert meeting.starts_at.utcoffset() == timedelta(0) and meeting.starts_at.hour == 9  # UTC
    assert month.month == date(2021, 12, 1)
    services.meetings_shift(network=network, actor=lead, meetings=[meeting, month], days=-30)
    meeting.refresh_from_db()
    month.refresh_from_db()
    assert timezone.localtime(meeting.starts_at, STOCKHOLM).time() == time(10, 0)
    assert month.month == date(2021, 12, 1)  # days do not move a preliminary month


def test_shift_moves_homework_and_is_all_or_none(network, lead):
    first = services.meeting_save(network=network, actor=lead, data=exact())
    homework = services.homework_save(meeting=first, actor=lead, data={"title": "Läs", "due_at": date(2021, 9, 30)})
    last = services.meeting_save(network=network, actor=lead, data=preliminary(month=date(2023, 3, 1)))
    with pytest.raises(ValidationError) as caught:
        services.meetings_shift(network=network, actor=lead, meetings=[first, last], months=1)
    assert last.title in caught.value.messages[0]
    first.refresh_from_db()
    assert first.starts_at == at("2021-09-13", "10:00")
    services.meetings_shift(network=network, actor=lead, meetings=[first], days=7)
    homework.refresh_from_db()
    assert timezone.localtime(homework.due_at, STOCKHOLM) == at("2021-10-07", "23:59")


def test_copy_from_earlier_cohort(lead, org):
    earlier = NetworkFactory(organizer=org, period_start=date(2017, 5, 1), period_end=date(2018, 11, 30))
    target = NetworkFactory(
        organizer=org, period_start=date(2021, 9, 1), period_end=date(2023, 3, 31), previous_cohort=earlier
    )
    first = services.meeting_save(network=earlier, actor=lead, data=preliminary(month=date(2017, 5, 1)))
    kickoff = services.meeting_save(
        network=earlier,
        actor=lead,
        data=exact(starts_at=at("2017-06-12", "10:00"), ends_at=at("2017-06-12", "15:00")),
    )
    AgendaBlock.objects.create(meeting=kickoff, starts=time(10), ends=time(12), title="Uppstart", audience="SKR")
    services.homework_save(meeting=kickoff, actor=lead, data={"title": "Nulägesanalys", "due_at": date(2017, 8, 31)})
    cancelled = services.meeting_save(network=earlier, actor=lead, data=preliminary(month=date(2017, 9, 1)))
    services.meeting_cancel(meeting=cancelled, actor=lead)

    copies = services.meetings_copy(source_network=earlier, target_network=target, actor=lead)
    assert [c.sort_date for c in copies] == [date(2021, 9, 1), date(2021, 10, 12)]
    copy = copies[1]
    assert copy.uid != kickoff.uid and copy.sequence == 0 and copy.network == target
    assert timezone.localtime(copy.starts_at, STOCKHOLM).time() == time(10, 0)
    assert list(copy.agenda.values_list("title", "audience")) == [("Uppstart", "SKR")]
    assert timezone.localtime(copy.homework.get().due_at, STOCKHOLM) == at("2021-12-31", "23:59")
    assert first.network == earlier and Meeting.objects.filter(network=earlier).count() == 3


def test_copy_outside_the_period_copies_nothing(lead, org):
    earlier = NetworkFactory(organizer=org)
    target = NetworkFactory(organizer=org, period_start=date(2021, 9, 1), period_end=date(2021, 10, 31))
    services.meeting_save(network=earlier, actor=lead, data=preliminary(month=date(2017, 5, 1)))
    services.meeting_save(network=earlier, actor=lead, data=preliminary(month=date(2017, 12, 1)))
    with pytest.raises(ValidationError):
        services.meetings_copy(source_network=earlier, target_network=target, actor=lead)
    assert not target.meetings.exists()


def test_copy_needs_access_to_the_source(lead, org, network):
    foreign = NetworkFactory(organizer=OrganizerFactory())
    with pytest.raises(PermissionDenied):
        services.meetings_copy(source_network=foreign, target_network=network, actor=lead, shift_months=0)


def test_agenda_save_adds_edits_deletes(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=exact())
    rows = [
        {"id": None, "starts": time(10), "ends": time(12), "title": "Uppstart", "audience": "SKR, förtroendevalda"},
        {"id": None, "starts": time(13), "ends": time(15), "title": "Planering", "audience": "SKR, tjänstepersoner"},
    ]
    first, second = services.agenda_save(meeting=meeting, actor=lead, rows=rows)
    assert meeting.sequence == 1
    services.agenda_save(
        meeting=meeting,
        actor=lead,
        rows=[
            {"id": first.pk, "title": "Uppstart!", "starts": time(10), "ends": time(11)},
            {"id": second.pk, "delete": True},
        ],
    )
    assert list(meeting.agenda.values_list("title", "ends")) == [("Uppstart!", time(11))]


def test_agenda_end_before_start_is_refused(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=exact())
    with pytest.raises(ValidationError) as caught:
        services.agenda_save(meeting=meeting, actor=lead, rows=[{"starts": time(12), "ends": time(10), "title": "X"}])
    assert "1" in caught.value.messages[0]
    assert not AgendaBlock.objects.exists()


def test_agenda_cannot_touch_another_meetings_block(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=exact())
    foreign = AgendaBlock.objects.create(meeting=MeetingFactory(network=network), title="Annan")
    with pytest.raises(PermissionDenied):
        services.agenda_save(meeting=meeting, actor=lead, rows=[{"id": foreign.pk, "delete": True}])
    assert AgendaBlock.objects.filter(pk=foreign.pk).exists()


def test_homework_date_only_means_end_of_day(network, lead):
    meeting = services.meeting_save(network=network, actor=lead, data=exact())
    homework = services.homework_save(
        meeting=meeting, actor=lead, data={"title": "Nulägesanalys", "due_at": date(2021, 10, 31)}
    )
    assert timezone.localtime(homework.due_at, STOCKHOLM) == at("2021-10-31", "23:59")
    assert homework.created_by == lead
    with pytest.raises(ValidationError):
        services.homework_save(meeting=meeting, actor=lead, data={"title": "X", "due_at": datetime(2021, 10, 1, 12)})
    with pytest.raises(ValidationError):
        services.homework_save(meeting=meeting, actor=lead, data={"title": "", "due_at": date(2021, 10, 1)})
    assert Homework.objects.count() == 1
