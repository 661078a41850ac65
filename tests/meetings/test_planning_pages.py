"""The leads' timetable pages: access, quick add (seed 000 in eleven posts), the meeting form with agenda and
homework, cancel, delete, move, copy; bad input everywhere; constant queries."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import services
from meetings.models import AgendaBlock, Homework, Meeting
from networks.models import Network
from tests.factories import (
    MeetingFactory,
    NetworkFactory,
    OrganizerFactory,
    UserFactory,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HUGE = "x" * 100_000
HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(A1)", "@A1", HUGE]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def org_x():
    return OrganizerFactory(name="Org X", slug="org-x")


@pytest.fixture
def org_y():
    return OrganizerFactory(name="Org Y", slug="org-y")


@pytest.fixture
def network(org_x):
    return NetworkFactory(
        organizer=org_x,
        title="Förenklat och effektivare styrsystem",
        slug="styrsystem",
        period_start=date(2017, 5, 1),
        period_end=date(2018, 11, 30),
    )


@pytest.fixture
def lead(org_x):
    return staff(Role.NETWORK_LEAD, organizer=org_x)


@pytest.fixture
def meeting(network):
    return MeetingFactory(network=network, month=date(2017, 9, 1), title="Projektledarträff")


def users(org_x, org_y) -> dict:
    return {
        "representative": representative("0114"),
        "lead": staff(Role.NETWORK_LEAD, organizer=org_x),
        "administrator": staff(Role.ADMINISTRATOR, organizer=org_x),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=org_y),
        "finance": staff(Role.FINANCE, organizer=org_x),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


EXPECTED = {
    "representative": 403,
    "lead": 200,
    "administrator": 200,
    "other_lead": 404,
    "finance": 403,
    "superuser": 200,
}


def _urls(network, meeting) -> list[str]:
    slug = network.slug
    return [
        reverse("meetings:timetable", args=[slug]),
        reverse("meetings:meeting_create", args=[slug]),
        reverse("meetings:meeting_edit", args=[slug, meeting.pk]),
        reverse("meetings:meeting_delete", args=[slug, meeting.pk]),
        reverse("meetings:copy", args=[slug]),
    ]


def test_pages_access(client, org_x, org_y, network, meeting):
    for url in _urls(network, meeting):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
    for name, user in users(org_x, org_y).items():
        client.force_login(user)
        for url in _urls(network, meeting):
            assert client.get(url).status_code == EXPECTED[name], (name, url)


def test_post_only_views_access(client, org_x, org_y, network, meeting):
    cancel = reverse("meetings:meeting_cancel", args=[network.slug, meeting.pk])
    shift = reverse("meetings:shift", args=[network.slug])
    delete = reverse("meetings:meeting_delete", args=[network.slug, meeting.pk])
    for url in (cancel, shift, delete):
        assert client.post(url, {"meetings": [meeting.pk], "months": "1"}).status_code == 302
    for name, user in users(org_x, org_y).items():
        if EXPECTED[name] == 200:
            continue
        client.force_login(user)
        for url in (cancel, shift, delete):
            assert client.post(url, {"meetings": [meeting.pk], "months": "1"}).status_code == EXPECTED[name], name
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.month == date(2017, 9, 1)
    lead = users(org_x, org_y)["lead"]
    client.force_login(lead)
    assert client.get(cancel).status_code == 405


def test_meeting_of_another_network_is_404(client, network, lead, org_x):
    other = MeetingFactory(network=NetworkFactory(organizer=org_x))
    client.force_login(lead)
    assert client.get(reverse("meetings:meeting_edit", args=[network.slug, other.pk])).status_code == 404
    assert client.post(reverse("meetings:meeting_cancel", args=[network.slug, other.pk])).status_code == 404


def test_overview_links_to_the_timetable(client, network, lead):
    client.force_login(lead)
    html = client.get(reverse("leads:network_overview", args=[network.slug])).content.decode()
    assert reverse("meetings:timetable", args=[network.slug]) in html


# Seed 000's "Tidplan", as a lead types it into the quick add.
SG_PL = ["steering_group", "project_leader"]
PL = ["project_leader"]
SEED_000 = [
    ("network", "Uppstartsmöte problembilder/utmaningar", "2017-05", SG_PL),
    ("project_leaders", "Uppstart av analysarbete/metod och verktyg", "2017-06", PL),
    ("project_leaders", "Avrapportering av analysarbetet", "2017-09", PL),
    ("network", "Från analys till nästa steg förbättringsarbete", "2017-10", SG_PL),
    ("project_leaders", "Uppstart förändringsarbete/metoder/verktyg", "2017-11", PL),
    ("project_leaders", "Pågående förändringsarbete", "2018-02", PL),
    ("project_leaders", "Pågående förändringsarbete", "2018-04", PL),
    ("project_leaders", "Avrapportering förändringsarbete", "2018-05", PL),
    ("network", "Avrapportering förändringsarbete", "2018-06", SG_PL),
    ("work_period", "Varje kommun implementerar sitt förändringsarbete", "2018-06 – 2018-11", []),
    ("final_seminar", "Slutseminarium: presentation av förändringsarbete", "2018-11", [*SG_PL, "public"]),
]


def test_quick_add_enters_seed_000_in_eleven_posts(client, network, lead):
    client.force_login(lead)
    url = reverse("meetings:timetable", args=[network.slug])
    for kind, title, when, audience in SEED_000:
        response = client.post(
            url, {"kind": kind, "title": title, "when": when, "audience": audience, "mode": "physical"}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    meetings = list(Meeting.objects.filter(network=network).order_by("sort_date", "pk"))
    assert [(m.kind, m.title) for m in meetings] == [(k, t) for k, t, _w, _a in SEED_000]
    assert meetings[0].month == date(2017, 5, 1) and meetings[-1].month == date(2018, 11, 1)
    period = meetings[9]
    assert (period.month, period.last_month) == (date(2018, 6, 1), date(2018, 11, 1))
    html = client.get(url).content.decode()
    # Swedish month names always; "(preliminärt)" once the translators have been (either language until then).
    assert re.search(r"Maj 2017 \(prelimin(ärt|ary)\)", html)
    assert "Juni 2018 – november 2018" in html  # a work period: a span, not a preliminary date


def test_quick_add_exact_day_with_times(client, lead, org_x):
    network = NetworkFactory(organizer=org_x, period_start=date(2021, 9, 1), period_end=date(2023, 3, 31))
    client.force_login(lead)
    data = {
        "kind": "network",
        "title": "Uppstart",
        "when": "2021-09-13 10.00–15.00",
        "audience": ["steering_group"],
        "mode": "digital",
        "link": "https://meet.example.se/a",
    }
    assert client.post(reverse("meetings:timetable", args=[network.slug]), data).status_code == 302
    meeting = network.meetings.get()
    assert timezone.localtime(meeting.starts_at, STOCKHOLM) == datetime(2021, 9, 13, 10, tzinfo=STOCKHOLM)
    html = client.get(reverse("meetings:timetable", args=[network.slug])).content.decode()
    assert re.search(r"13 september 2021 (kl\.|at) 10\.00–15\.00", html)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("when", "2017-13"),
        ("when", "juni"),
        ("when", ""),
        ("when", "2017-06-05"),  # a day needs times
        ("when", "2017-06-05 10:00+02:00–12:00+02:00"),
        ("when", "2017-06-05 10:00Z–12:00Z"),
        ("when", "2017-06-05 12.00–10.00"),  # ends before it starts
        ("when", "2016-01"),  # outside the period
        ("when", "2017-06-05 10.00–12.00"),  # exact, on site, without an address
        ("when", HUGE),
        ("title", ""),
        ("kind", "party"),
        ("audience", "king"),
        ("link", "http://meet.example.se"),
        *[("title", value) for value in HOSTILE],
        ("address", "=cmd|' /C calc'!A0"),
    ],
)
def test_quick_add_bad_input(client, network, lead, field, value):
    client.force_login(lead)
    data = {"kind": "network", "title": "Träff", "when": "2017-09", "audience": ["project_leader"], "mode": "physical"}
    data[field] = value
    response = client.post(reverse("meetings:timetable", args=[network.slug]), data)
    assert response.status_code == 200
    form = response.context["quick_form"]
    assert form.errors, field
    assert not Meeting.objects.exists()
    html = response.content.decode()
    if value and len(value) < 200:
        assert "<script>alert(1)</script>" not in html
        if field in ("title", "when"):
            assert form[field].value() == value  # kept for correction


@pytest.mark.parametrize("value", ["2017-06-05 10:00+02:00–12:00+02:00", "2017-06-05 10:00Z–12:00Z"])
def test_quick_add_offset_says_swedish_time(client, network, lead, value):
    client.force_login(lead)
    data = {"kind": "network", "title": "Träff", "when": value, "audience": ["project_leader"], "mode": "physical"}
    response = client.post(reverse("meetings:timetable", args=[network.slug]), data)
    assert "Europe/Stockholm" in response.content.decode()


def test_quick_add_hostile_markup_is_text_shown_escaped(client, network, lead):
    """Markup in a title is a title like any other (the organiser may write "<" and ">"), never markup."""
    client.force_login(lead)
    data = {"kind": "network", "title": SCRIPT, "when": "2017-09", "audience": ["project_leader"], "mode": "physical"}
    assert client.post(reverse("meetings:timetable", args=[network.slug]), data).status_code == 302
    html = client.get(reverse("meetings:timetable", args=[network.slug])).content.decode()
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def meeting_post(**overrides) -> dict:
    data = {
        "kind": "network",
        "title": "Uppstart",
        "description": "- Presentation\n- Diskussion",
        "dating": "exact",
        "day": "2017-05-16",
        "start_time": "10:00",
        "end_time": "15.00",
        "end_day": "",
        "month": "",
        "last_month": "",
        "mode": "hybrid",
        "address": "Hornsgatan 20, Stockholm",
        "link": "https://meet.example.se/uppstart",
        "audience": ["steering_group", "project_leader"],
        "capacity": "40",
        "cost_per_attendee": "1 250,50",
        "cost_vat_rate": "12",
        "cost_description": "Lunch och fika",
    }
    data.update(overrides)
    return data


def test_meeting_form_creates_with_swedish_money_and_local_time(client, network, lead):
    client.force_login(lead)
    response = client.post(reverse("meetings:meeting_create", args=[network.slug]), meeting_post())
    meeting = network.meetings.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:meeting_edit", args=[network.slug, meeting.pk]
    )
    assert str(meeting.cost_per_attendee) == "1250.50" and str(meeting.cost_vat_rate) == "12.00"
    assert timezone.localtime(meeting.ends_at, STOCKHOLM).time() == time(15, 0)
    html = client.get(response["Location"]).content.decode()
    assert "1250,50" in html and 'value="10:00"' in html


def test_meeting_form_firms_up_a_preliminary_meeting(client, network, lead, meeting):
    client.force_login(lead)
    url = reverse("meetings:meeting_edit", args=[network.slug, meeting.pk])
    assert re.search(r'value="exact"[^>]*checked', client.get(url + "?exakt=1").content.decode())
    assert re.search(r'value="month"[^>]*checked', client.get(url).content.decode())
    response = client.post(url, meeting_post(day="2017-09-14", cost_per_attendee="", title=meeting.title))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.month is None and meeting.sort_date == date(2017, 9, 14) and meeting.sequence == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_time", "10:00+02:00"),
        ("start_time", "10:00Z"),
        ("end_time", "25:00"),
        ("end_time", "09:00"),  # ends before it starts
        ("day", "2016-05-16"),  # outside the period
        ("day", "not a day"),
        ("day", ""),
        ("dating", "sometime"),
        ("link", "http://meet.example.se/x"),
        ("link", "javascript:alert(1)"),
        ("address", ""),
        ("capacity", "0"),
        ("capacity", "9" * 30),
        ("cost_per_attendee", "12,3,4"),
        ("cost_per_attendee", "-5"),
        ("cost_per_attendee", "9" * 40),
        ("cost_vat_rate", "101"),
        ("audience", "king"),
        ("kind", "check_in"),  # without a municipality
        ("title", "=cmd|' /C calc'!A0"),
        ("title", SCRIPT * 20),  # too long
        ("title", HUGE),
        ("description", HUGE),
        ("address", HUGE),
        ("cost_description", "@SUM(A1)"),
        ("month", "2017-13"),
    ],
)
def test_meeting_form_bad_input(client, network, lead, field, value):
    client.force_login(lead)
    overrides = {field: value}
    if field == "month":
        overrides["dating"] = "month"
    response = client.post(reverse("meetings:meeting_create", args=[network.slug]), meeting_post(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors, field
    assert not Meeting.objects.exists()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert form["title"].value() == meeting_post(**overrides)["title"]


def test_meeting_form_time_zone_message(client, network, lead):
    client.force_login(lead)
    response = client.post(reverse("meetings:meeting_create", args=[network.slug]), meeting_post(start_time="10:00Z"))
    assert "Europe/Stockholm" in str(response.context["form"].errors["start_time"])


def test_meeting_form_month_and_span(client, network, lead):
    client.force_login(lead)
    data = meeting_post(
        dating="month", month="2018-06", last_month="2018-11", kind="work_period", audience=[], address=""
    )
    assert client.post(reverse("meetings:meeting_create", args=[network.slug]), data).status_code == 302
    meeting = network.meetings.get()
    assert (meeting.month, meeting.last_month, meeting.starts_at) == (date(2018, 6, 1), date(2018, 11, 1), None)


def test_agenda_formset_saves_and_refuses_bad_rows(client, network, lead):
    meeting = MeetingFactory(network=network, month=date(2017, 9, 1))
    client.force_login(lead)
    url = reverse("meetings:meeting_edit", args=[network.slug, meeting.pk])
    data = {
        "part": "agenda",
        "agenda-TOTAL_FORMS": "2",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-starts": "10.00",
        "agenda-0-ends": "12:00",
        "agenda-0-title": "Uppstart",
        "agenda-0-audience": "SKR, förtroendevalda ur kommunledning",
        "agenda-1-starts": "",
        "agenda-1-ends": "",
        "agenda-1-title": "",
        "agenda-1-audience": "",
    }
    assert client.post(url, data).status_code == 302
    block = meeting.agenda.get()
    assert (block.starts, block.ends, block.audience) == (time(10), time(12), "SKR, förtroendevalda ur kommunledning")
    for key, value in (
        ("agenda-0-ends", "09:00"),
        ("agenda-0-starts", "10:00+01:00"),
        ("agenda-0-title", "=HYPERLINK(x)"),
        ("agenda-0-title", HUGE),
        ("agenda-0-description", HUGE),
    ):
        bad = {**data, "agenda-INITIAL_FORMS": "1", "agenda-0-id": str(block.pk), key: value}
        response = client.post(url, bad)
        assert response.status_code == 200, key
        assert not response.context["agenda"].is_valid()
    block.refresh_from_db()
    assert block.title == "Uppstart"
    delete = {**data, "agenda-INITIAL_FORMS": "1", "agenda-0-id": str(block.pk), "agenda-0-DELETE": "on"}
    assert client.post(url, delete).status_code == 302
    assert not AgendaBlock.objects.exists()


def test_homework_add_and_remove(client, network, lead, meeting):
    client.force_login(lead)
    url = reverse("meetings:meeting_edit", args=[network.slug, meeting.pk])
    data = {"part": "homework", "title": "Nulägesanalys", "description": "", "due_day": "2017-10-31", "due_time": ""}
    assert client.post(url, data).status_code == 302
    homework = Homework.objects.get()
    assert timezone.localtime(homework.due_at, STOCKHOLM) == datetime(2017, 10, 31, 23, 59, tzinfo=STOCKHOLM)
    for key, value in (("due_day", ""), ("due_time", "12:00Z"), ("title", "=cmd|x"), ("title", HUGE)):
        response = client.post(url, {**data, key: value})
        assert response.status_code == 200 and response.context["homework_form"].errors, key
    assert Homework.objects.count() == 1
    assert client.post(url, {"part": "homework_delete", "homework": "nonsense"}).status_code == 404
    assert client.post(url, {"part": "homework_delete", "homework": str(homework.pk)}).status_code == 302
    assert not Homework.objects.exists()


def test_cancel_restore_and_strike_through(client, network, lead, meeting):
    client.force_login(lead)
    url = reverse("meetings:meeting_cancel", args=[network.slug, meeting.pk])
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    html = client.get(reverse("meetings:timetable", args=[network.slug])).content.decode()
    assert f"<s>{meeting.title}</s>" in html
    client.post(url, {"restore": "1"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.sequence == 2


def test_delete_page(client, network, lead, meeting):
    client.force_login(lead)
    url = reverse("meetings:meeting_delete", args=[network.slug, meeting.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Meeting.objects.exists()


def test_delete_refused_for_a_past_meeting(client, lead, org_x):
    network = NetworkFactory(organizer=org_x)
    past = services.meeting_save(
        network=network,
        actor=lead,
        data={
            "kind": "network",
            "title": "Förr",
            "starts_at": datetime(2020, 1, 10, 10, tzinfo=STOCKHOLM),
            "ends_at": datetime(2020, 1, 10, 12, tzinfo=STOCKHOLM),
            "mode": "physical",
            "address": "Stockholm",
            "audience": ["project_leader"],
        },
    )
    client.force_login(lead)
    response = client.post(reverse("meetings:meeting_delete", args=[network.slug, past.pk]))
    assert response.status_code == 200 and response.context["error"]
    assert Meeting.objects.filter(pk=past.pk).exists()


def test_shift_several(client, network, lead):
    first = MeetingFactory(network=network, month=date(2017, 9, 1))
    second = MeetingFactory(network=network, month=date(2017, 10, 1))
    untouched = MeetingFactory(network=network, month=date(2017, 11, 1))
    client.force_login(lead)
    url = reverse("meetings:shift", args=[network.slug])
    assert client.post(url, {"meetings": [first.pk, second.pk], "months": "2", "days": ""}).status_code == 302
    assert [m.month for m in Meeting.objects.order_by("pk")] == [date(2017, 11, 1), date(2017, 12, 1), untouched.month]


@pytest.mark.parametrize(
    "data",
    [
        {"months": "2"},  # nothing chosen
        {"meetings": ["first"], "months": "0", "days": "0"},
        {"meetings": ["first"], "months": "abc"},
        {"meetings": ["first"], "months": "9" * 30},
        {"meetings": ["first"], "months": "20"},  # beyond the period
        {"meetings": ["999999"], "months": "1"},
        {"meetings": ["other"], "months": "1"},  # another network's meeting
    ],
)
def test_shift_bad_input(client, network, lead, org_x, data):
    first = MeetingFactory(network=network, month=date(2017, 9, 1))
    other = MeetingFactory(network=NetworkFactory(organizer=org_x), month=date(2017, 9, 1))
    ids = {"first": str(first.pk), "other": str(other.pk)}
    data = {**data, "meetings": [ids.get(value, value) for value in data.get("meetings", [])]}
    client.force_login(lead)
    response = client.post(reverse("meetings:shift", args=[network.slug]), data)
    assert response.status_code == 200
    assert response.context["shift_form"].errors
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.month == other.month == date(2017, 9, 1)


def test_copy_preview_and_confirm(client, lead, org_x):
    earlier = NetworkFactory(organizer=org_x, title="Omgång 1")
    MeetingFactory(network=earlier, month=date(2017, 5, 1), title="Uppstart")
    MeetingFactory(network=earlier, month=date(2017, 9, 1), title="Avrapportering")
    target = NetworkFactory(
        organizer=org_x, period_start=date(2021, 9, 1), period_end=date(2022, 12, 31), previous_cohort=earlier
    )
    client.force_login(lead)
    url = reverse("meetings:copy", args=[target.slug])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["source"] == earlier.pk
    preview = client.post(url, {"source": earlier.pk, "shift_months": "", "preview": "1"})
    assert preview.status_code == 200 and preview.context["shift"] == 52
    html = preview.content.decode()
    assert re.search(r"September 2021 \(prelimin(ärt|ary)\)", html)
    assert not target.meetings.exists()
    response = client.post(url, {"source": earlier.pk, "shift_months": "", "confirm": "1"})
    assert response.status_code == 302
    assert [m.month for m in target.meetings.order_by("sort_date")] == [date(2021, 9, 1), date(2022, 1, 1)]


@pytest.mark.parametrize(
    "data",
    [
        {"source": "", "confirm": "1"},
        {"source": "abc", "confirm": "1"},
        {"source": "foreign", "confirm": "1"},
        {"source": "self", "confirm": "1"},
        {"source": "earlier", "shift_months": "9" * 30, "confirm": "1"},
        {"source": "earlier", "shift_months": "-100", "confirm": "1"},  # before the period
    ],
)
def test_copy_bad_input(client, lead, org_x, data):
    earlier = NetworkFactory(organizer=org_x)
    MeetingFactory(network=earlier, month=date(2017, 5, 1))
    target = NetworkFactory(organizer=org_x, period_start=date(2021, 9, 1), period_end=date(2022, 12, 31))
    foreign = NetworkFactory(organizer=OrganizerFactory())
    ids = {"earlier": earlier.pk, "foreign": foreign.pk, "self": target.pk}
    data = {**data, "source": ids.get(data["source"], data["source"])}
    client.force_login(lead)
    response = client.post(reverse("meetings:copy", args=[target.slug]), data)
    assert response.status_code == 200
    assert not target.meetings.exists()


def _many(network, n: int) -> None:
    for index in range(n):
        meeting = MeetingFactory(network=network, month=date(2017, 6 + index % 6, 1))
        AgendaBlock.objects.create(meeting=meeting, starts=time(10), ends=time(12), title=f"Block {index}")
        Homework.objects.create(meeting=meeting, title="Läs", due_at=timezone.now())


def test_timetable_query_count_constant(client, network, lead, django_assert_max_num_queries):
    client.force_login(lead)
    url = reverse("meetings:timetable", args=[network.slug])
    _many(network, 2)
    with django_assert_max_num_queries(20) as two:
        client.get(url)
    _many(network, 10)
    with django_assert_max_num_queries(len(two.captured_queries)) as twelve:
        response = client.get(url)
    assert len(response.context["meetings"]) == 12
    assert len(twelve.captured_queries) == len(two.captured_queries)


def test_network_status_does_not_matter(client, lead, org_x):
    network = NetworkFactory(organizer=org_x, status=Network.Status.DRAFT)
    client.force_login(lead)
    assert client.get(reverse("meetings:timetable", args=[network.slug])).status_code == 200
