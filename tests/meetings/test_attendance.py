"""Attendance (issue 6): the check-list per municipality, saving it (walk-ins, refused states, bad input),
the count per membership that billing reads, and the printable list for signing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import attendance
from meetings.models import Invitation, Meeting
from networks.models import Membership
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
    municipality,
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
    return NetworkFactory(organizer=org, slug="styrsystem", status="running")


@pytest.fixture
def lead(org):
    return staff(Role.NETWORK_LEAD, organizer=org)


@pytest.fixture
def people(network):
    """Two municipalities with participants, and one of a municipality that left."""
    vasby = MembershipFactory(network=network, municipality=municipality("0114"))
    solna = MembershipFactory(network=network, municipality=municipality("0184"))
    left = MembershipFactory(network=network, municipality=municipality("0180"), status=Membership.Status.LEFT)
    return {
        "vasby_anna": MembershipParticipantFactory(membership=vasby, name="Anna Andersson", title="Controller"),
        "vasby_bo": MembershipParticipantFactory(membership=vasby, name="Bo Berg", title="Kommundirektör"),
        "solna_cecilia": MembershipParticipantFactory(membership=solna, name="Cecilia Ek", title="Ekonomichef"),
        "solna_david": MembershipParticipantFactory(membership=solna, name="David Dahl", title="Utvecklare"),
        "left_erik": MembershipParticipantFactory(membership=left, name="Erik Ström"),
        "vasby": vasby,
        "solna": solna,
        "left": left,
    }


def held(network, *, days_ago=1, **kwargs):
    """A meeting that has taken place (or, with a negative ``days_ago``, is still to come)."""
    start = timezone.now() - timedelta(days=days_ago)
    defaults = {
        "network": network,
        "month": None,
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "mode": Meeting.Mode.PHYSICAL,
        "address": "Hornsgatan 20, Stockholm",
        "audience": ["all_participants"],
    }
    return MeetingFactory(**{**defaults, **kwargs})


def invite(meeting, *participants, response=""):
    return [Invitation.objects.create(meeting=meeting, participant=p, response=response) for p in participants]


def url(name, meeting):
    return reverse(f"meetings:{name}", kwargs={"slug": meeting.network.slug, "pk": meeting.pk})


# --- The sheet ------------------------------------------------------------------------------


def test_the_sheet_groups_the_active_members_participants_per_municipality(network, people):
    meeting = held(network)
    invite(meeting, people["vasby_anna"], response="yes")
    invite(meeting, people["solna_david"], response="no")
    sheet = attendance.attendance_sheet(meeting)
    assert [group.municipality for group in sheet] == ["Solna", "Upplands Väsby"]
    solna, vasby = sheet
    assert [row.participant.name for row in vasby.rows] == ["Anna Andersson", "Bo Berg"]
    assert [row.participant.name for row in solna.rows] == ["Cecilia Ek", "David Dahl"]
    assert vasby.rows[0].response == "yes" and vasby.rows[0].invited and vasby.rows[0].attended is None
    assert not vasby.rows[1].invited and vasby.rows[1].response == ""
    assert solna.rows[1].response == "no"
    assert (vasby.invited, vasby.attended, solna.invited) == (1, 0, 1)


def test_a_check_ins_sheet_has_only_its_own_municipality(network, people):
    meeting = held(network, kind=Meeting.Kind.CHECK_IN, membership=people["solna"])
    sheet = attendance.attendance_sheet(meeting)
    assert [group.membership for group in sheet] == [people["solna"]]


def test_the_sheet_costs_three_queries(network, people, django_assert_num_queries):
    meeting = held(network)
    for _ in range(5):
        MembershipParticipantFactory(membership=people["vasby"])
    with django_assert_num_queries(3):
        attendance.attendance_sheet(meeting)


# --- Saving ---------------------------------------------------------------------------------


def attended(meeting) -> dict[int, bool | None]:
    return dict(Invitation.objects.filter(meeting=meeting).values_list("participant_id", "attended"))


def test_saving_ticks_and_unticks(network, people, lead):
    meeting = held(network)
    anna, bo = invite(meeting, people["vasby_anna"], people["vasby_bo"], response="yes")
    attendance.attendance_save(meeting=meeting, actor=lead, attended={anna.participant_id})
    assert attended(meeting) == {anna.participant_id: True, bo.participant_id: False}
    attendance.attendance_save(meeting=meeting, actor=lead, attended={bo.participant_id})
    assert attended(meeting) == {anna.participant_id: False, bo.participant_id: True}
    anna.refresh_from_db()
    assert anna.history.first().history_user == lead


def test_a_walk_in_gets_an_invitation(network, people, lead):
    meeting = held(network)
    invite(meeting, people["vasby_anna"], response="yes")
    walk_in = people["solna_cecilia"]
    result = attendance.attendance_save(meeting=meeting, actor=lead, attended={walk_in.pk})
    assert result == {"changed": 1, "walk_ins": 1, "attended": 1}
    invitation = Invitation.objects.get(meeting=meeting, participant=walk_in)
    assert invitation.attended is True and invitation.response == ""
    # Saving again adds nobody twice; an unticked walk-in keeps the invitation, now absent.
    attendance.attendance_save(meeting=meeting, actor=lead, attended={walk_in.pk})
    attendance.attendance_save(meeting=meeting, actor=lead, attended=set())
    assert Invitation.objects.filter(meeting=meeting, participant=walk_in).get().attended is False
    assert meeting.invitations.count() == 2


def test_a_left_municipalitys_attendance_is_left_alone(network, people, lead):
    meeting = held(network)
    (erik,) = invite(meeting, people["left_erik"])
    Invitation.objects.filter(pk=erik.pk).update(attended=True)
    attendance.attendance_save(meeting=meeting, actor=lead, attended=set())
    erik.refresh_from_db()
    assert erik.attended is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days_ago": -1}, "när mötet har börjat"),
        ({"status": Meeting.Status.CANCELLED}, "inställt"),
        ({"starts_at": None, "ends_at": None, "month": timezone.localdate().replace(day=1)}, "inget datum"),
    ],
)
def test_refused_before_the_start_and_for_cancelled_or_preliminary_meetings(network, people, lead, change, message):
    meeting = held(network, **change)
    (anna,) = invite(meeting, people["vasby_anna"])
    with pytest.raises(ValidationError) as error:
        attendance.attendance_save(meeting=meeting, actor=lead, attended={anna.participant_id})
    assert message in " ".join(error.value.messages)
    assert attended(meeting) == {anna.participant_id: None}


def test_other_networks_participants_are_refused_and_nothing_is_saved(network, people, lead):
    meeting = held(network)
    (anna,) = invite(meeting, people["vasby_anna"])
    stranger = MembershipParticipantFactory(membership=MembershipFactory(municipality=municipality("0114")))
    with pytest.raises(ValidationError):
        attendance.attendance_save(meeting=meeting, actor=lead, attended={anna.participant_id, stranger.pk})
    with pytest.raises(ValidationError):  # nor a participant of a municipality that left
        attendance.attendance_save(meeting=meeting, actor=lead, attended={people["left_erik"].pk})
    assert attended(meeting) == {anna.participant_id: None}
    assert not Invitation.objects.filter(participant=stranger).exists()


def test_a_check_in_refuses_the_other_municipalities(network, people, lead):
    meeting = held(network, kind=Meeting.Kind.CHECK_IN, membership=people["solna"])
    with pytest.raises(ValidationError):
        attendance.attendance_save(meeting=meeting, actor=lead, attended={people["vasby_anna"].pk})
    assert meeting.invitations.count() == 0


def test_only_a_lead_may_save(network, people, org):
    meeting = held(network)
    for actor in (staff(Role.NETWORK_LEAD), representative("0114"), staff(Role.FINANCE, organizer=org)):
        with pytest.raises(PermissionDenied):
            attendance.attendance_save(meeting=meeting, actor=actor, attended=set())


def test_attendees_per_membership(network, people, lead, django_assert_num_queries):
    meeting = held(network)
    invite(meeting, people["vasby_anna"], people["vasby_bo"], people["solna_cecilia"], response="yes")
    attendance.attendance_save(
        meeting=meeting,
        actor=lead,
        attended={people["vasby_anna"].pk, people["vasby_bo"].pk, people["solna_david"].pk},
    )
    other = held(network)
    attendance.attendance_save(meeting=other, actor=lead, attended={people["solna_cecilia"].pk})
    with django_assert_num_queries(1):
        counts = attendance.attendees_per_membership(meeting)
    assert counts == {people["vasby"].pk: 2, people["solna"].pk: 1}
    assert attendance.attendees_per_membership(held(network)) == {}


# --- The pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["attendance", "attendance_list"])
def test_page_permissions(client, network, people, lead, org, name):
    meeting = held(network)
    page = url(name, meeting)
    response = client.get(page)
    assert response.status_code == 302 and "/konto/" in response["Location"]
    client.force_login(representative("0114"))
    assert client.get(page).status_code == 403
    client.force_login(staff(Role.FINANCE, organizer=org))
    assert client.get(page).status_code == 403
    client.force_login(staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()))
    assert client.get(page).status_code == 404
    client.force_login(lead)
    assert client.get(page).status_code == 200
    # Another network's meeting under this network's address does not exist.
    foreign = held(NetworkFactory(organizer=org, slug="annat"))
    wrong = reverse(f"meetings:{name}", kwargs={"slug": network.slug, "pk": foreign.pk})
    assert client.get(wrong).status_code == 404


def test_the_checklist_page_saves(client, network, people, lead):
    meeting = held(network)
    invite(meeting, people["vasby_anna"], people["solna_cecilia"], response="yes")
    client.force_login(lead)
    page = client.get(url("attendance", meeting))
    content = page.content.decode()
    assert "Anna Andersson" in content and "Kommundirektör" in content and 'name="attended"' in content
    response = client.post(
        url("attendance", meeting), {"attended": [people["vasby_anna"].pk, people["vasby_bo"].pk]}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("attendance", meeting)
    assert attended(meeting) == {
        people["vasby_anna"].pk: True,
        people["vasby_bo"].pk: True,
        people["solna_cecilia"].pk: False,
    }
    messages = [str(m) for m in response.context["messages"]]
    assert any("2" in m for m in messages)
    assert response.context["totals"] == {"invited": 3, "attended": 2, "participants": 4}


def test_the_checklist_suggests_those_who_said_yes(client, network, people, lead):
    meeting = held(network)
    invite(meeting, people["vasby_anna"], response="yes")
    client.force_login(lead)
    assert client.get(url("attendance", meeting)).context["ticked"] == set()
    assert client.get(url("attendance", meeting) + "?kommer=1").context["ticked"] == {people["vasby_anna"].pk}


def test_a_refused_state_shows_the_reason_instead_of_the_form(client, network, people, lead):
    meeting = held(network, days_ago=-2)
    client.force_login(lead)
    content = client.get(url("attendance", meeting)).content.decode()
    assert "när mötet har börjat" in content and 'name="attended"' not in content
    response = client.post(url("attendance", meeting), {"attended": [people["vasby_anna"].pk]})
    assert response.status_code == 400
    assert meeting.invitations.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"attended": ["abc"]},
        {"attended": ["<script>alert(1)</script>"]},
        {"attended": ["1.5"]},
        {"attended": ["-3"]},
        {"attended": ["٣"]},  # a digit, but not an ASCII one
        {"attended": [str(n) for n in range(10_000)]},
        {"attended": ["9" * 40]},
    ],
)
def test_bad_input_is_an_error_and_saves_nothing(client, network, people, lead, data):
    meeting = held(network)
    invite(meeting, people["vasby_anna"], response="yes")
    client.force_login(lead)
    response = client.post(url("attendance", meeting), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "alert-danger" in content and "<script>alert" not in content
    assert attended(meeting) == {people["vasby_anna"].pk: None}


def test_an_id_of_another_network_on_the_page_is_an_error(client, network, people, lead):
    meeting = held(network)
    stranger = MembershipParticipantFactory(membership=MembershipFactory(municipality=municipality("0114")))
    client.force_login(lead)
    response = client.post(url("attendance", meeting), {"attended": [stranger.pk, people["vasby_anna"].pk]})
    assert response.status_code == 400 and "alert-danger" in response.content.decode()
    assert meeting.invitations.count() == 0


def test_the_printable_list(client, network, people, lead):
    meeting = held(network, title="Nätverksträff 3")
    invite(meeting, people["vasby_bo"], response="yes")
    invite(meeting, people["vasby_anna"], response="no")
    client.force_login(lead)
    response = client.get(url("attendance_list", meeting))
    content = response.content.decode()
    assert network.title in content and "Nätverksträff 3" in content and "Hornsgatan 20" in content
    assert "Underskrift" in content and "attendance-signature" in content
    for name in ("Anna Andersson", "Bo Berg", "Cecilia Ek", "David Dahl"):
        assert name in content
    assert "Erik Ström" not in content
    assert content.index("Bo Berg") < content.index("Anna Andersson")  # said yes, so first
    assert content.count('class="attendance-blank"') == 5
    assert "js/print.js" in content and "css/print.css" in content and "<style" not in content
    assert "style=" not in content.split("<main", 1)[-1]


@pytest.mark.parametrize("name", ["attendance", "attendance_list"])
def test_constant_queries(client, network, people, lead, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(meeting):
        client.force_login(lead)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, meeting)).status_code == 200
        return len(queries)

    small = held(NetworkFactory(organizer=network.organizer, slug="liten"))
    few = MembershipFactory(network=small.network, municipality=municipality("0114"))
    for participant in MembershipParticipantFactory.create_batch(2, membership=few):
        invite(small, participant, response="yes")
    large = held(network)
    for participant in MembershipParticipantFactory.create_batch(6, membership=people["solna"]):
        invite(large, participant, response="yes")
    assert sum(len(group.rows) for group in attendance.attendance_sheet(large)) == 10
    count(small)  # warm up (content types, sessions)
    assert count(small) == count(large)


def test_the_meeting_page_and_timetable_link_to_attendance(client, network, people, lead):
    meeting = held(network)
    preliminary = MeetingFactory(network=network)
    client.force_login(lead)
    content = client.get(url("meeting_edit", meeting)).content.decode()
    assert url("attendance", meeting) in content and url("attendance_list", meeting) in content
    timetable = client.get(reverse("meetings:timetable", kwargs={"slug": network.slug})).content.decode()
    assert url("attendance", meeting) in timetable
    assert url("attendance", preliminary) not in timetable
