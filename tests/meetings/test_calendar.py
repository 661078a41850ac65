"""Calendar files and feeds: parsed back with icalendar, across daylight saving, secret and revocable."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import StaffRole
from meetings import calendar_services
from meetings.calendar import calendar_for
from meetings.models import AgendaBlock, CalendarFeed, Meeting
from networks.models import Membership, Network
from tests.factories import (
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
    UserFactory,
    municipality,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Daylight saving in 2026: from 02:00 on Sunday 29 March, until 03:00 on Sunday 25 October.
SPRING_SUNDAY = date(2026, 3, 29)
AUTUMN_SUNDAY = date(2026, 10, 25)


@pytest.fixture
def org_x():
    return OrganizerFactory(name="Org X", slug="org-x")


@pytest.fixture
def network(org_x):
    return NetworkFactory(organizer=org_x, title="Styrning", slug="styrning", status=Network.Status.RUNNING)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def meeting(network, *, day=SPRING_SUNDAY, hour=10, hours=2, **fields) -> Meeting:
    fields = {"title": "Nätverksträff", **fields}
    starts = local(day, hour)
    return Meeting.objects.create(network=network, starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields)


def preliminary(network, **fields) -> Meeting:
    return Meeting.objects.create(network=network, title="Preliminär träff", month=date(2026, 6, 1), **fields)


def events(content: bytes) -> list:
    return Calendar.from_ical(content).walk("VEVENT")


def by_uid(content: bytes) -> dict:
    return {str(event["UID"]).split("@")[0]: event for event in events(content)}


def get_feed(client, feed: CalendarFeed):
    return client.get(reverse("calendar:feed", kwargs={"token": feed.token}))


# --- The calendar file ---------------------------------------------------------------------


def test_calendar_has_headers_and_stockholm_vtimezone(network):
    meeting(network)
    calendar = Calendar.from_ical(calendar_for(Meeting.objects.all(), name="Styrning"))
    assert str(calendar["PRODID"]).startswith("-//")
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Styrning"
    assert calendar["X-WR-TIMEZONE"] == "Europe/Stockholm"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert calendar.get_missing_tzids() == set()


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (SPRING_SUNDAY - timedelta(days=1), 1),  # Saturday before the change: CET
        (SPRING_SUNDAY, 2),  # the Sunday of the change, after 02:00: CEST
        (AUTUMN_SUNDAY - timedelta(days=1), 2),  # Saturday before the change back: CEST
        (AUTUMN_SUNDAY, 1),  # the Sunday of the change back, after 03:00: CET
    ],
)
def test_calendar_keeps_local_time_across_daylight_saving(network, day, offset):
    m = meeting(network, day=day, hour=10, hours=2)
    content = calendar_for([m], name="Styrning")
    stamp = day.strftime("%Y%m%d")
    assert f"DTSTART;TZID=Europe/Stockholm:{stamp}T100000".encode() in content
    assert f"DTEND;TZID=Europe/Stockholm:{stamp}T120000".encode() in content

    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert (start.date(), start.hour, start.minute) == (day, 10, 0)
    assert start.utcoffset() == timedelta(hours=offset)
    assert start == m.starts_at and end == m.ends_at
    assert start.astimezone(ZoneInfo("UTC")).hour == 10 - offset

    # The VTIMEZONE itself (what a client without a tz database uses) gives the same offset.
    vtimezone = calendar.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    naive = datetime.combine(day, time(10))
    assert naive.replace(tzinfo=vtimezone).utcoffset() == timedelta(hours=offset)


def test_event_has_uid_stamp_summary_location_url_and_status(network, settings):
    settings.SITE_URL = "https://natverk.example.se"
    m = meeting(network, title="Uppstart", address="Hornsgatan 20, Stockholm", description="Välkomna!")
    AgendaBlock.objects.create(meeting=m, starts=time(10), ends=time(12), title="Uppstart", audience="SKR")
    AgendaBlock.objects.create(meeting=m, starts=time(13), title="Workshop")
    (event,) = events(calendar_for([m], name="x"))
    assert event["UID"] == f"{m.uid}@natverk.example.se"
    assert event["SUMMARY"] == "Uppstart – Styrning"
    assert event["DESCRIPTION"] == "Välkomna!\n\n10.00–12.00 Uppstart (SKR)\n13.00 Workshop"
    assert event["LOCATION"] == "Hornsgatan 20, Stockholm"
    assert event["URL"] == "https://natverk.example.se" + reverse("portal:invitation", args=[network.slug])
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == m.updated_at.replace(microsecond=0)
    assert event["LAST-MODIFIED"].dt == m.updated_at.replace(microsecond=0)
    assert event["DTSTAMP"].dt.utcoffset() == timedelta(0)


def test_digital_meeting_location_is_digital_with_link(network):
    link = "https://meet.example.se/abc"
    m = meeting(network, mode=Meeting.Mode.DIGITAL, link=link, address="ignored")
    (event,) = events(calendar_for([m], name="x"))
    assert event["LOCATION"] == f"{Meeting.Mode.DIGITAL.label} {link}"
    assert link in event["DESCRIPTION"]


def test_uid_is_stable_and_sequence_is_carried_across_edits(network):
    m = meeting(network)
    (before,) = events(calendar_for([m], name="x"))
    m.starts_at += timedelta(hours=1)
    m.ends_at += timedelta(hours=1)
    m.sequence += 1
    m.save()
    (after,) = events(calendar_for([m], name="x"))
    assert after["UID"] == before["UID"]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after["DTSTART"].dt.hour == 11


def test_cancelled_meeting_is_marked_cancelled(network):
    m = meeting(network, status=Meeting.Status.CANCELLED, sequence=2)
    (event,) = events(calendar_for([m], name="x"))
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert "Nätverksträff – Styrning" in event["SUMMARY"]


def test_preliminary_meetings_are_left_out(network):
    exact = meeting(network)
    preliminary(network)
    assert list(by_uid(calendar_for(Meeting.objects.all(), name="x"))) == [str(exact.uid)]


def test_output_is_deterministic_and_sorted_by_start(network):
    late = meeting(network, day=AUTUMN_SUNDAY, title="Sen")
    early = meeting(network, day=SPRING_SUNDAY, title="Tidig")
    first = calendar_for([late, early], name="x")
    assert first == calendar_for([early, late], name="x")
    assert [str(e["UID"]).split("@")[0] for e in events(first)] == [str(early.uid), str(late.uid)]


def test_hostile_texts_are_escaped_and_folded(network):
    network.title = 'Nät; "verk", <b>'
    network.save()
    title = "<script>alert('x')</script>; a, b\\c"[:200]
    description = "Rad 1\nRad 2; med, tecken\\\r\n<script>alert(1)</script>\n" + "lång text åäö " * 400
    address = 'Storgatan 1; plan 2, rum "A" <img src=x onerror=alert(1)>'
    m = meeting(network, title=title, description=description, address=address)
    AgendaBlock.objects.create(meeting=m, starts=time(10), title="Block; med, komma\nny rad", audience="A, B; C")
    content = calendar_for([m], name="Nät; namn, med\nrad")
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    # The calendar's name is one line, escaped as TEXT (icalendar reads it back as an unknown, raw).
    assert "X-WR-CALNAME:Nät\\; namn\\, med rad\r\n".encode() in content
    assert event["SUMMARY"] == f"{title} – {network.title}"
    # Line breaks come back as LF (iCalendar has one kind of line break); everything else as written.
    agenda = "10.00 Block; med, komma\nny rad (A, B; C)"
    assert event["DESCRIPTION"] == description.strip().replace("\r\n", "\n") + "\n\n" + agenda
    assert event["LOCATION"] == address


# --- Feeds ---------------------------------------------------------------------------------


@pytest.fixture
def lead(org_x):
    return staff(Role.NETWORK_LEAD, organizer=org_x)


def test_network_feed_serves_its_exact_meetings(client, network, lead):
    exact = meeting(network)
    cancelled = meeting(network, day=AUTUMN_SUNDAY, status=Meeting.Status.CANCELLED)
    preliminary(network)
    other = meeting(NetworkFactory(organizer=network.organizer), title="Annat nätverk")
    feed = calendar_services.feed_for_network(network=network, actor=lead)
    response = get_feed(client, feed)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert not response.cookies  # no session, no CSRF cookie: a calendar client keeps none
    found = by_uid(response.content)
    assert set(found) == {str(exact.uid), str(cancelled.uid)}
    assert found[str(cancelled.uid)]["STATUS"] == "CANCELLED"
    assert str(other.uid) not in found


def test_feed_of_unknown_or_revoked_token_is_404(client, network, lead):
    feed = calendar_services.feed_for_network(network=network, actor=lead)
    assert get_feed(client, feed).status_code == 200
    unknown_path = reverse("calendar:feed", kwargs={"token": "x" * 43})
    unknown = client.get(unknown_path)
    calendar_services.feed_revoke(feed=feed, actor=lead)
    revoked = get_feed(client, feed)
    assert unknown.status_code == revoked.status_code == 404

    def page(response, path: str) -> bytes:
        # The same page but for its per-response parts: CSP nonce, CSRF token and the path itself.
        content = re.sub(rb'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', b"", response.content)
        return content.replace(path.encode(), b"")

    assert page(unknown, unknown_path) == page(revoked, reverse("calendar:feed", kwargs={"token": feed.token}))


def test_rotate_gives_a_new_address_and_kills_the_old(client, network, lead):
    old = calendar_services.feed_for_network(network=network, actor=lead)
    new = calendar_services.feed_rotate(feed=old, actor=lead)
    assert new.token != old.token and new.network == network
    assert get_feed(client, old).status_code == 404
    assert get_feed(client, new).status_code == 200
    assert calendar_services.feed_for_network(network=network, actor=lead) == new


def test_feed_for_network_is_idempotent_and_for_leads_only(network, lead, org_x):
    first = calendar_services.feed_for_network(network=network, actor=lead)
    assert calendar_services.feed_for_network(network=network, actor=lead) == first
    assert first.created_by == lead and len(first.token) >= 40
    for outsider in (staff(Role.NETWORK_LEAD), staff(Role.FINANCE, organizer=org_x), representative()):
        with pytest.raises(PermissionDenied):
            calendar_services.feed_for_network(network=network, actor=outsider)
        with pytest.raises(PermissionDenied):
            calendar_services.feed_revoke(feed=first, actor=outsider)
    assert CalendarFeed.objects.count() == 1


def test_feed_must_be_for_a_network_or_a_participant(network):
    from django.db import IntegrityError, transaction

    participant = MembershipParticipantFactory(membership=MembershipFactory(network=network))
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(network=network, participant=participant)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create()


def test_participant_feed_includes_only_networks_of_active_memberships(client, org_x):
    active_net = NetworkFactory(organizer=org_x, status=Network.Status.RUNNING)
    left_net = NetworkFactory(organizer=org_x, status=Network.Status.RUNNING)
    stranger_net = NetworkFactory(organizer=org_x, status=Network.Status.RUNNING)
    person = MembershipParticipantFactory(
        membership=MembershipFactory(network=active_net, municipality=municipality("0114")),
        email="anna@upplands-vasby.example.se",
    )
    MembershipParticipantFactory(
        membership=MembershipFactory(
            network=left_net, municipality=municipality("0180"), status=Membership.Status.LEFT
        ),
        email="Anna@upplands-vasby.example.se",
    )
    MembershipParticipantFactory(membership=MembershipFactory(network=stranger_net, municipality=municipality("0114")))
    wanted = meeting(active_net)
    gone = meeting(left_net)
    strange = meeting(stranger_net)
    preliminary(active_net)

    feed = calendar_services.feed_for_participant(participant=person)
    assert calendar_services.feed_for_participant(participant=person) == feed
    found = by_uid(get_feed(client, feed).content)
    assert set(found) == {str(wanted.uid)}
    assert str(gone.uid) not in found and str(strange.uid) not in found

    person.membership.status = Membership.Status.LEFT
    person.membership.save()
    assert events(get_feed(client, feed).content) == []


def test_participant_feed_revoked_by_the_system(client, network):
    person = MembershipParticipantFactory(membership=MembershipFactory(network=network))
    feed = calendar_services.feed_for_participant(participant=person)
    new = calendar_services.feed_rotate(feed=feed, actor=None)
    assert get_feed(client, feed).status_code == 404
    assert get_feed(client, new).status_code == 200


def test_other_networks_feed_does_not_leak(client, org_x, lead):
    mine = NetworkFactory(organizer=org_x, status=Network.Status.RUNNING)
    theirs = NetworkFactory(organizer=org_x, status=Network.Status.RUNNING)
    my_meeting, their_meeting = meeting(mine, title="Min"), meeting(theirs, title="Deras")
    my_feed = calendar_services.feed_for_network(network=mine, actor=lead)
    their_feed = calendar_services.feed_for_network(network=theirs, actor=lead)
    assert set(by_uid(get_feed(client, my_feed).content)) == {str(my_meeting.uid)}
    assert set(by_uid(get_feed(client, their_feed).content)) == {str(their_meeting.uid)}


@pytest.mark.parametrize("kind", ["network", "participant"])
def test_feed_query_count_does_not_grow_with_meetings(client, network, lead, kind):
    if kind == "network":
        feed = calendar_services.feed_for_network(network=network, actor=lead)
    else:
        person = MembershipParticipantFactory(membership=MembershipFactory(network=network))
        feed = calendar_services.feed_for_participant(participant=person)

    def count_for(total: int) -> int:
        while Meeting.objects.filter(network=network).count() < total:
            m = meeting(network, day=SPRING_SUNDAY + timedelta(days=Meeting.objects.count()))
            AgendaBlock.objects.create(meeting=m, starts=time(10), ends=time(11), title="Del 1")
            AgendaBlock.objects.create(meeting=m, starts=time(11), ends=time(12), title="Del 2")
        with CaptureQueriesContext(connection) as queries:
            response = get_feed(client, feed)
        assert len(events(response.content)) == total
        return len(queries)

    two, twenty = count_for(2), count_for(20)
    assert two == twenty == 3


# --- One meeting's .ics --------------------------------------------------------------------


def test_meeting_ics_of_a_public_network(client, network):
    m = meeting(network, title="Uppstart i Örebro")
    response = client.get(reverse("calendar:meeting", kwargs={"uid": m.uid}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="uppstart-i-orebro.ics"'
    assert list(by_uid(response.content)) == [str(m.uid)]


def test_meeting_ics_is_404_for_preliminary_drafts_and_unknown(client, network, org_x):
    draft = NetworkFactory(organizer=org_x, status=Network.Status.DRAFT)
    archived = NetworkFactory(organizer=org_x, status=Network.Status.ARCHIVED)
    for m in (preliminary(network), meeting(draft), meeting(archived)):
        assert client.get(reverse("calendar:meeting", kwargs={"uid": m.uid})).status_code == 404
    unknown = "8b5a3f4e-9c9b-4f6e-9a39-2f9a4b3e1c77"
    assert client.get(reverse("calendar:meeting", kwargs={"uid": unknown})).status_code == 404


# --- The leads' feed page ------------------------------------------------------------------


def test_network_feeds_page_access(client, network, org_x):
    url = reverse("calendar:network_feeds", kwargs={"slug": network.slug})
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    expected = {
        "representative": (representative(), 403),
        "finance": (staff(Role.FINANCE, organizer=org_x), 403),
        "other_lead": (staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()), 404),
        "lead": (staff(Role.NETWORK_LEAD, organizer=org_x), 200),
        "admin": (staff(Role.ADMINISTRATOR, organizer=org_x), 200),
        "superuser": (UserFactory(is_superuser=True, is_staff=True), 200),
    }
    for name, (user, status) in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, name
        if status != 200:
            assert client.post(url, {"action": "create"}).status_code == status, name
    assert not CalendarFeed.objects.exists()


def test_network_feeds_page_creates_rotates_and_revokes(client, network, lead, settings):
    settings.SITE_URL = "https://natverk.example.se"
    client.force_login(lead)
    url = reverse("calendar:network_feeds", kwargs={"slug": network.slug})
    assert client.get(url).context["feed"] is None

    assert client.post(url, {"action": "create"}).status_code == 302
    feed = CalendarFeed.objects.get(network=network, revoked_at__isnull=True)
    page = client.get(url).content.decode()
    path = reverse("calendar:feed", kwargs={"token": feed.token})
    assert f"https://natverk.example.se{path}" in page
    assert f"webcal://natverk.example.se{path}" in page

    client.post(url, {"action": "rotate"})
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    rotated = CalendarFeed.objects.get(network=network, revoked_at__isnull=True)
    assert feed.token not in client.get(url).content.decode()

    client.post(url, {"action": "revoke"})
    rotated.refresh_from_db()
    assert rotated.revoked_at is not None
    assert client.get(url).context["feed"] is None
    assert client.post(url, {"action": "nonsense"}).status_code == 302
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0
    assert rotated.revoked_at <= timezone.now()


def test_calendar_links_include(network):
    from django.template.loader import render_to_string

    exact = meeting(network, title="Uppstart <b>")
    html = render_to_string("meetings/_calendar_links.html", {"meeting": exact})
    assert reverse("calendar:meeting", kwargs={"uid": exact.uid}) in html
    assert "Uppstart &lt;b&gt;" in html
    assert reverse("calendar:meeting", kwargs={"uid": exact.uid}) not in render_to_string(
        "meetings/_calendar_links.html", {"meeting": preliminary(network)}
    )
    lead_html = render_to_string("meetings/_calendar_links.html", {"network": network, "feed_url": "webcal://x/y.ics"})
    assert reverse("calendar:network_feeds", kwargs={"slug": network.slug}) in lead_html
    assert 'href="webcal://x/y.ics"' in lead_html
