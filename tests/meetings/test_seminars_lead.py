"""Open seminars, the leads' side (issue 6): the list of sign-ups with counts against the capacity,
attendance, the CSV file (formulas neutralised), permissions, constant queries, and the meeting form's
capacity that may not go below those registered."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import seminars, services
from meetings.models import Invitation, Meeting, SeminarRegistration
from networks.models import Network
from tests.factories import (
    MeetingFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role


@pytest.fixture
def org():
    return OrganizerFactory(name="Org X", slug="org-x")


@pytest.fixture
def network(org):
    return NetworkFactory(organizer=org, slug="effektivitet", status=Network.Status.RUNNING)


@pytest.fixture
def lead(org):
    return staff(Role.NETWORK_LEAD, organizer=org)


def seminar(network, *, days=10, **kwargs):
    start = timezone.now() + timedelta(days=days)
    defaults = {
        "network": network,
        "kind": Meeting.Kind.FINAL_SEMINAR,
        "title": "Slutseminarium",
        "month": None,
        "starts_at": start,
        "ends_at": start + timedelta(hours=6),
        "mode": Meeting.Mode.PHYSICAL,
        "address": "Hornsgatan 20, Stockholm",
        "audience": ["all_participants", "public"],
    }
    return MeetingFactory(**{**defaults, **kwargs})


def registration(meeting, index=0, **kwargs):
    data = {
        "meeting": meeting,
        "name": f"Person {index}",
        "organisation": "Solna stad",
        "email": f"person{index}@example.se",
        **kwargs,
    }
    return SeminarRegistration.objects.create(**data)


def url(name, meeting):
    return reverse(f"seminars:{name}", kwargs={"slug": meeting.network.slug, "pk": meeting.pk})


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["registrations", "registrations_csv"])
def test_only_the_networks_leads_see_the_sign_ups(client, network, lead, name):
    meeting = seminar(network)
    registration(meeting)
    address = url(name, meeting)
    response = client.get(address)
    assert response.status_code == 302 and "/konto/" in response["Location"]
    client.force_login(representative("0114"))
    assert client.get(address).status_code == 403
    client.force_login(staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()))
    assert client.get(address).status_code == 404
    client.force_login(staff(Role.FINANCE, organizer=network.organizer))
    assert client.get(address).status_code == 403
    client.force_login(lead)
    assert client.get(address).status_code == 200


def test_the_attendance_post_is_refused_to_others(client, network, lead):
    meeting = seminar(network, days=-1)
    person = registration(meeting)
    address = url("registrations", meeting)
    assert client.post(address, {"attended": [person.pk]}).status_code == 302
    client.force_login(representative("0114"))
    assert client.post(address, {"attended": [person.pk]}).status_code == 403
    client.force_login(staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()))
    assert client.post(address, {"attended": [person.pk]}).status_code == 404
    person.refresh_from_db()
    assert person.attended is None
    with pytest.raises(PermissionDenied):
        seminars.attendance_save(meeting=meeting, actor=staff(Role.NETWORK_LEAD), attended={person.pk})


def test_another_networks_meeting_under_ones_own_slug_is_404(client, network, lead):
    other = seminar(NetworkFactory(organizer=OrganizerFactory()))
    client.force_login(lead)
    address = reverse("seminars:registrations", kwargs={"slug": network.slug, "pk": other.pk})
    assert client.get(address).status_code == 404
    address = reverse("seminars:registrations_csv", kwargs={"slug": network.slug, "pk": other.pk})
    assert client.get(address).status_code == 404


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_the_sign_ups_and_the_counts(client, network, lead):
    meeting = seminar(network, capacity=10)
    registration(meeting, 1, name="Anna Andersson", dietary_needs="Glutenfri")
    registration(meeting, 2, name="Bo Berg", cancelled_at=timezone.now())
    member = MembershipParticipantFactory(membership__network=network)
    Invitation.objects.create(meeting=meeting, participant=member, response="yes")
    client.force_login(lead)
    response = client.get(url("registrations", meeting))
    html = response.content.decode()
    assert "Anna Andersson" in html and "Bo Berg" in html and "Glutenfri" in html and "person1@example.se" in html
    counts = response.context["counts"]
    assert (counts.registrations, counts.cancelled, counts.members_attending, counts.capacity, counts.places_left) == (
        1,
        1,
        1,
        10,
        8,
    )
    assert url("registrations_csv", meeting) in html
    assert 'name="attended"' not in html  # before the seminar: no attendance yet


def test_the_list_escapes_hostile_values(client, network, lead):
    meeting = seminar(network)
    registration(meeting, name="<script>alert(1)</script>", organisation="<b>x</b>")
    client.force_login(lead)
    html = client.get(url("registrations", meeting)).content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>x</b>" not in html


def test_the_list_costs_the_same_queries_with_1_and_5_sign_ups(client, network, lead, django_assert_max_num_queries):
    meeting = seminar(network, days=-1, capacity=20)
    registration(meeting, 0)
    client.force_login(lead)
    client.get(url("registrations", meeting))
    with django_assert_max_num_queries(30) as one:
        client.get(url("registrations", meeting))
    for index in range(1, 5):
        registration(meeting, index, cancelled_at=timezone.now() if index == 4 else None)
    with django_assert_max_num_queries(len(one.captured_queries)) as five:
        response = client.get(url("registrations", meeting))
    assert len(five.captured_queries) == len(one.captured_queries)
    assert response.content.decode().count('name="attended"') == 4
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url("registrations_csv", meeting))


def test_attendance_after_the_seminar(client, network, lead):
    meeting = seminar(network, days=-1)
    came = registration(meeting, 1)
    absent = registration(meeting, 2)
    cancelled = registration(meeting, 3, cancelled_at=timezone.now() - timedelta(days=2))
    client.force_login(lead)
    response = client.post(url("registrations", meeting), {"attended": [came.pk]})
    assert response.status_code == 302
    for row in (came, absent, cancelled):
        row.refresh_from_db()
    assert (came.attended, absent.attended, cancelled.attended) == (True, False, None)
    # A cancelled sign-up, another meeting's or a non-number is refused, and nothing changes.
    other = registration(seminar(network, days=-1, title="Annat"), 4)
    for bad in ([cancelled.pk], [other.pk], ["1; DROP TABLE x"], ["9" * 40]):
        assert client.post(url("registrations", meeting), {"attended": bad}).status_code == 400
    came.refresh_from_db()
    assert came.attended is True


def test_attendance_is_refused_before_the_start_and_for_a_called_off_seminar(client, network, lead):
    meeting = seminar(network)
    person = registration(meeting)
    client.force_login(lead)
    assert client.post(url("registrations", meeting), {"attended": [person.pk]}).status_code == 400
    meeting.starts_at = timezone.now() - timedelta(hours=1)
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    with pytest.raises(ValidationError):
        seminars.attendance_save(meeting=meeting, actor=lead, attended={person.pk})
    person.refresh_from_db()
    assert person.attended is None


def test_the_meeting_page_links_the_sign_ups_of_a_public_meeting(client, network, lead):
    public = seminar(network)
    internal = seminar(network, title="Intern", audience=["all_participants"])
    client.force_login(lead)
    edit = reverse("meetings:meeting_edit", kwargs={"slug": network.slug, "pk": public.pk})
    assert url("registrations", public) in client.get(edit).content.decode()
    edit = reverse("meetings:meeting_edit", kwargs={"slug": network.slug, "pk": internal.pk})
    assert url("registrations", internal) not in client.get(edit).content.decode()


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_has_the_active_sign_ups_with_formulas_neutralised(client, network, lead):
    meeting = seminar(network)
    registration(meeting, 1, name='=HYPERLINK("http://evil","x")', organisation="+46 Kommun", dietary_needs="-vegan")
    registration(meeting, 2, name="@SUM(A1)", organisation="Solna; stad", email="b@example.se")
    registration(meeting, 3, name="Avbokad", cancelled_at=timezone.now())
    client.force_login(lead)
    response = client.get(url("registrations_csv", meeting))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="slutseminarium')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3  # header and the two active sign-ups
    assert rows[1] == ['\'=HYPERLINK("http://evil","x")', "'+46 Kommun", "person1@example.se", "'-vegan"]
    assert rows[2] == ["'@SUM(A1)", "Solna; stad", "b@example.se", ""]
    assert "Avbokad" not in response.content.decode("utf-8-sig")


# --- The meeting form's capacity ----------------------------------------------------------------


def test_capacity_below_the_registered_is_refused(network, lead):
    meeting = seminar(network, capacity=10)
    registration(meeting, 1)
    registration(meeting, 2)
    registration(meeting, 3, cancelled_at=timezone.now())  # a cancelled one holds no place
    member = MembershipParticipantFactory(membership__network=network)
    Invitation.objects.create(meeting=meeting, participant=member, response="yes")
    assert services.registration_count(meeting) == 3
    with pytest.raises(ValidationError) as error:
        services.meeting_save(network=network, actor=lead, meeting=meeting, data={"capacity": 2})
    assert "capacity" in error.value.message_dict
    meeting.refresh_from_db()
    saved = services.meeting_save(network=network, actor=lead, meeting=meeting, data={"capacity": 3})
    assert saved.capacity == 3 and seminars.places_left(saved) == 0


def test_the_meeting_page_refuses_a_capacity_below_the_registered(client, network, lead):
    meeting = seminar(network, capacity=10)
    for index in range(3):
        registration(meeting, index)
    client.force_login(lead)
    edit = reverse("meetings:meeting_edit", kwargs={"slug": network.slug, "pk": meeting.pk})
    data = client.get(edit).context["form"].initial
    post = {"part": "meeting", **{key: value for key, value in data.items() if value is not None}, "capacity": "2"}
    post["audience"] = data["audience"]
    post["start_time"], post["end_time"] = data["start_time"].strftime("%H.%M"), data["end_time"].strftime("%H.%M")
    response = client.post(edit, post)
    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.capacity == 10
