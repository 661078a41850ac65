"""The public invitation's "Tidplan": the planned meetings in order with their agenda, then the lead's note."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meetings.models import AgendaBlock, Meeting
from tests.factories import MeetingFactory, NetworkFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def invitation(client, network) -> str:
    response = client.get(reverse("portal:invitation", args=[network.slug]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    start = html.index('id="timetable-heading"')
    return html[start : html.index("</section>", start)]


def seed_002() -> Meeting:
    """Seed 002's first meeting: 13 September (digital), two agenda blocks."""
    network = NetworkFactory(title="Effektivitet", slug="effektivitet", timetable_note="Övriga möten planeras in.")
    meeting = MeetingFactory(
        network=network,
        title="Uppstart och planering",
        month=None,
        starts_at=datetime(2021, 9, 13, 10, tzinfo=STOCKHOLM),
        ends_at=datetime(2021, 9, 13, 15, tzinfo=STOCKHOLM),
        mode=Meeting.Mode.DIGITAL,
        link="https://meet.example.se/a",
    )
    AgendaBlock.objects.create(
        meeting=meeting,
        starts=time(13),
        ends=time(15),
        title="Planering",
        audience="SKR, tjänstepersoner från kommunerna",
    )
    AgendaBlock.objects.create(
        meeting=meeting,
        starts=time(10),
        ends=time(12),
        title="Uppstart",
        audience="SKR, förtroendevalda ur kommunledning",
    )
    return meeting


def test_invitation_shows_meetings_with_agenda_then_note(client):
    meeting = seed_002()
    MeetingFactory(network=meeting.network, title="Inspiration", month=date(2021, 11, 1))
    html = section(invitation(client, meeting.network))
    assert re.search(r"13 september 2021 (kl\.|at) 10\.00–15\.00", html)
    assert re.search(r"November 2021 \(prelimin(ärt|ary)\)", html)
    assert "Uppstart och planering" in html and "Inspiration" in html
    # In order: the meetings by date, the agenda by time, and the note last.
    positions = [
        html.index("Uppstart och planering"),
        html.index("10.00 – 12.00 Uppstart. SKR, förtroendevalda ur kommunledning"),
        html.index("13.00 – 15.00 Planering. SKR, tjänstepersoner från kommunerna"),
        html.index("Inspiration"),
        html.index("Övriga möten planeras in."),
    ]
    assert positions == sorted(positions)


def test_invitation_leaves_out_cancelled_meetings(client):
    meeting = seed_002()
    MeetingFactory(network=meeting.network, title="Inställd träff", status=Meeting.Status.CANCELLED)
    html = invitation(client, meeting.network)
    assert "Inställd träff" not in html and "Uppstart och planering" in html


def test_invitation_without_meetings_shows_the_note_alone(client):
    network = NetworkFactory(timetable_note="Maj: Styrgrupp + projektledare – uppstartsmöte")
    html = section(invitation(client, network))
    assert "Styrgrupp + projektledare" in html and "timetable" not in html.split("</h2>", 1)[1]


def test_invitation_with_meetings_and_no_note_has_the_section(client):
    network = NetworkFactory(timetable_note="")
    MeetingFactory(network=network, title="Nätverksträff 1", month=date(2018, 6, 1), last_month=date(2018, 11, 1))
    html = section(invitation(client, network))
    assert re.search(r"Juni 2018 – november 2018 \(prelimin(ärt|ary)\)", html)


def test_invitation_escapes_hostile_meeting_texts(client):
    network = NetworkFactory()
    meeting = MeetingFactory(network=network, title="<script>alert(1)</script>")
    AgendaBlock.objects.create(meeting=meeting, title="<img src=x onerror=alert(2)>", audience="<b>SKR</b>")
    html = invitation(client, network)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html and "<b>SKR</b>" not in html


def test_lead_preview_shows_the_meetings(client):
    from accounts.models import StaffRole
    from tests.factories import staff

    meeting = seed_002()
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=meeting.network.organizer))
    html = client.get(reverse("leads:network_preview", args=[meeting.network.slug])).content.decode()
    assert "Uppstart och planering" in html


def test_invitation_query_count_constant_with_meetings(client, django_assert_max_num_queries):
    network = NetworkFactory(timetable_note="Not")
    url = reverse("portal:invitation", args=[network.slug])

    def add(n):
        for index in range(n):
            meeting = MeetingFactory(network=network, month=date(2018, 1 + index % 12, 1))
            AgendaBlock.objects.create(meeting=meeting, starts=time(10), ends=time(12), title=f"Block {index}")
            AgendaBlock.objects.create(meeting=meeting, starts=time(13), ends=time(15), title=f"Eftermiddag {index}")

    add(2)
    with django_assert_max_num_queries(20) as two:
        client.get(url)
    add(10)
    with django_assert_max_num_queries(len(two.captured_queries)) as twelve:
        response = client.get(url)
    assert len(twelve.captured_queries) == len(two.captured_queries)
    assert response.content.decode().count("Eftermiddag") == 12


def test_dated_meetings_link_their_ics_and_a_work_period_is_no_preliminary_date(client):
    meeting = seed_002()
    work = MeetingFactory(
        network=meeting.network,
        kind=Meeting.Kind.WORK_PERIOD,
        title="Varje kommun genomför sitt förändringsarbete",
        month=date(2021, 10, 1),
        last_month=date(2022, 3, 1),
        audience=[],
    )
    part = section(invitation(client, meeting.network))
    assert reverse("calendar:meeting", args=[meeting.uid]) in part
    assert reverse("calendar:meeting", args=[work.uid]) not in part
    assert "Oktober 2021 – mars 2022" in part and "Oktober 2021 – mars 2022 (prelimin" not in part
    # The lead's preview shows no .ics link (a draft's calendar file is not public).
    from accounts.models import StaffRole
    from tests.factories import staff

    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=meeting.network.organizer))
    preview = client.get(reverse("leads:network_preview", args=[meeting.network.slug])).content.decode()
    assert reverse("calendar:meeting", args=[meeting.uid]) not in preview
