"""Invitations and RSVP (issue 6): who is invited per audience, sending once, answers, counts per municipality,
and the lead's invite action."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import invitations, services
from meetings.models import Invitation, Meeting
from meetings.tasks import send_invitations
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
    """Two municipalities, a participant per group, and one of a municipality that left."""
    vasby = MembershipFactory(network=network, municipality=municipality("0114"))
    solna = MembershipFactory(network=network, municipality=municipality("0184"))
    left = MembershipFactory(network=network, municipality=municipality("0180"), status=Membership.Status.LEFT)
    return {
        "vasby_steering": MembershipParticipantFactory(membership=vasby, groups=["steering_group"]),
        "vasby_leader": MembershipParticipantFactory(membership=vasby, groups=["project_leader"]),
        "vasby_working": MembershipParticipantFactory(membership=vasby, groups=["working_group"]),
        "solna_both": MembershipParticipantFactory(membership=solna, groups=["steering_group", "project_leader"]),
        "solna_none": MembershipParticipantFactory(membership=solna, groups=[]),
        "left_steering": MembershipParticipantFactory(membership=left, groups=["steering_group"]),
        "vasby": vasby,
        "solna": solna,
    }


def dated(network, **kwargs):
    start = timezone.now() + timedelta(days=14)
    defaults = {
        "network": network,
        "month": None,
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "mode": Meeting.Mode.PHYSICAL,
        "address": "Hornsgatan 20, Stockholm",
    }
    return MeetingFactory(**{**defaults, **kwargs})


def names(queryset, people) -> set[str]:
    by_pk = {p.pk: key for key, p in people.items() if hasattr(p, "groups")}
    return {by_pk[p.pk] for p in queryset}


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (["steering_group"], {"vasby_steering", "solna_both"}),
        (["project_leader"], {"vasby_leader", "solna_both"}),
        (["working_group", "reference_group"], {"vasby_working"}),
        (["all_participants"], {"vasby_steering", "vasby_leader", "vasby_working", "solna_both", "solna_none"}),
        (["public"], set()),
        ([], set()),
    ],
)
def test_invitees_per_audience(network, people, audience, expected):
    meeting = dated(network, audience=audience)
    assert names(invitations.invitees(meeting), people) == expected


def test_a_check_in_invites_only_that_municipality_whatever_the_groups(network, people):
    meeting = dated(network, kind=Meeting.Kind.CHECK_IN, membership=people["solna"], audience=["steering_group"])
    assert names(invitations.invitees(meeting), people) == {"solna_both", "solna_none"}


def test_another_networks_participants_are_not_invited(network, people):
    other = MembershipFactory(municipality=municipality("0114"))
    MembershipParticipantFactory(membership=other, groups=["steering_group"])
    meeting = dated(network, audience=["steering_group"])
    assert names(invitations.invitees(meeting), people) == {"vasby_steering", "solna_both"}


def test_invite_twice_makes_no_duplicates_and_emails_once(network, people, lead, django_capture_on_commit_callbacks):
    meeting = dated(network, audience=["steering_group"], link="", title="Nätverksträff 1")
    meeting.agenda.create(title="Uppstart", order=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.invite(meeting=meeting, actor=lead) == 2
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == [people["vasby_steering"].email])
    assert "Nätverksträff 1" in message.subject
    assert "Hornsgatan 20" in message.body and "Uppstart" in message.body
    assert "/deltagare/" in message.body and "/svar/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.invite(meeting=meeting, actor=lead) == 0
    ids = list(meeting.invitations.values_list("pk", flat=True))
    assert send_invitations.delay(ids).get() == 0  # the task again: nothing sent twice
    assert len(mail.outbox) == 2
    assert meeting.invitations.count() == 2
    # A new participant in the audience is added by the next invite; nobody else is mailed again.
    MembershipParticipantFactory(membership=people["vasby"], groups=["steering_group"])
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.invite(meeting=meeting, actor=lead) == 1
    assert len(mail.outbox) == 3


def test_invite_never_deletes_an_answered_invitation(network, people, lead):
    meeting = dated(network, audience=["steering_group"])
    invitations.invite(meeting=meeting, actor=lead)
    answered = meeting.invitations.get(participant=people["vasby_steering"])
    invitations.respond(invitation=answered, response="yes")
    meeting.audience = ["project_leader"]
    meeting.save()
    invitations.invite(meeting=meeting, actor=lead)
    answered.refresh_from_db()
    assert answered.response == "yes"
    assert meeting.invitations.count() == 3


@pytest.mark.parametrize(
    "change",
    [
        {"status": Meeting.Status.CANCELLED},
        {"starts_at": None, "ends_at": None, "month": timezone.localdate().replace(day=1)},
    ],
)
def test_invite_is_refused_for_cancelled_and_preliminary_meetings(network, people, lead, change):
    meeting = dated(network, audience=["steering_group"], **change)
    with pytest.raises(ValidationError):
        invitations.invite(meeting=meeting, actor=lead)
    assert not Invitation.objects.exists()


def test_invite_is_for_leads_only(network, people, org):
    meeting = dated(network, audience=["steering_group"])
    for actor in (staff(Role.NETWORK_LEAD), representative("0114"), staff(Role.FINANCE, organizer=org)):
        with pytest.raises(PermissionDenied):
            invitations.invite(meeting=meeting, actor=actor)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("mode", "kept"),
    [(Meeting.Mode.PHYSICAL, "Laktosfri"), (Meeting.Mode.HYBRID, "Laktosfri"), (Meeting.Mode.DIGITAL, "")],
)
def test_rsvp_keeps_dietary_needs_only_on_site(network, people, lead, mode, kept):
    meeting = dated(network, audience=["steering_group"], mode=mode, link="https://meet.example.se/x")
    invitations.invite(meeting=meeting, actor=lead)
    invitation = meeting.invitations.first()
    invitations.respond(invitation=invitation, response="yes", dietary_needs=" Laktosfri ")
    invitation.refresh_from_db()
    assert (invitation.response, invitation.dietary_needs) == ("yes", kept)
    assert invitation.responded_at is not None
    invitations.respond(invitation=invitation, response="no", dietary_needs="Laktosfri")
    invitation.refresh_from_db()
    assert (invitation.response, invitation.dietary_needs) == ("no", "")


def test_rsvp_refuses_cancelled_past_and_bad_values(network, people, lead):
    meeting = dated(network, audience=["steering_group"])
    invitations.invite(meeting=meeting, actor=lead)
    invitation = meeting.invitations.first()
    for response, diet in (("maybe", ""), ("", ""), ("<script>", ""), ("yes", "x" * 100_000)):
        with pytest.raises(ValidationError):
            invitations.respond(invitation=invitation, response=response, dietary_needs=diet)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError):
        invitations.respond(invitation=invitation, response="yes")
    past = timezone.now() - timedelta(days=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.PLANNED, starts_at=past, ends_at=past + timedelta(hours=2)
    )
    with pytest.raises(ValidationError):
        invitations.respond(invitation=invitation, response="yes")
    invitation.refresh_from_db()
    assert invitation.response == "" and invitation.responded_at is None


def test_counts_per_municipality_and_registration_count(network, people, lead, django_assert_num_queries):
    meeting = dated(network, audience=["all_participants"])
    invitations.invite(meeting=meeting, actor=lead)
    by_participant = {i.participant_id: i for i in meeting.invitations.all()}
    invitations.respond(invitation=by_participant[people["vasby_steering"].pk], response="yes")
    invitations.respond(invitation=by_participant[people["vasby_leader"].pk], response="no")
    invitations.respond(invitation=by_participant[people["solna_both"].pk], response="yes")
    with django_assert_num_queries(1):
        rows = invitations.counts_per_municipality(meeting)
    assert [(r.municipality, r.invited, r.yes, r.no, r.no_answer) for r in rows] == [
        ("Solna", 2, 1, 0, 1),
        ("Upplands Väsby", 3, 1, 1, 1),
    ]
    total = invitations.counts_total(rows)
    assert (total.invited, total.yes, total.no, total.no_answer) == (5, 2, 1, 2)
    assert services.registration_count(meeting) == 2


def test_capacity_below_attending_is_refused(network, people, lead):
    meeting = dated(network, audience=["all_participants"])
    invitations.invite(meeting=meeting, actor=lead)
    for invitation in meeting.invitations.all()[:3]:
        invitations.respond(invitation=invitation, response="yes")
    with pytest.raises(ValidationError) as error:
        services.meeting_save(network=network, actor=lead, meeting=meeting, data={"capacity": 2})
    assert "capacity" in error.value.message_dict


# --- The lead's meeting page -----------------------------------------------------------------


def invite_url(meeting) -> str:
    return reverse("meetings:invite", kwargs={"slug": meeting.network.slug, "pk": meeting.pk})


def test_invite_action_permissions(client, network, people, lead):
    meeting = dated(network, audience=["steering_group"])
    url = invite_url(meeting)
    response = client.post(url)
    assert response.status_code == 302 and "/konto/" in response["Location"]
    client.force_login(representative("0114"))
    assert client.post(url).status_code == 403
    client.force_login(staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()))
    assert client.post(url).status_code == 404
    assert not Invitation.objects.exists()
    client.force_login(lead)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_edit", kwargs={"slug": network.slug, "pk": meeting.pk})
    assert meeting.invitations.count() == 2


def test_the_meeting_page_shows_the_counts_and_the_invite_button(client, network, people, lead):
    meeting = dated(network, audience=["steering_group"])
    invitations.invite(meeting=meeting, actor=lead)
    invitations.respond(invitation=meeting.invitations.first(), response="yes")
    client.force_login(lead)
    page = client.get(reverse("meetings:meeting_edit", kwargs={"slug": network.slug, "pk": meeting.pk}))
    assert page.status_code == 200
    content = page.content.decode()
    assert invite_url(meeting) in content
    assert "Solna" in content and "Upplands Väsby" in content
    rows = {r.municipality: (r.invited, r.yes) for r in page.context["invitation_counts"]}
    assert sorted(rows.values()) == [(1, 0), (1, 1)]


def test_inviting_a_cancelled_meeting_shows_a_message(client, network, people, lead):
    meeting = dated(network, audience=["steering_group"], status=Meeting.Status.CANCELLED)
    client.force_login(lead)
    response = client.post(invite_url(meeting), follow=True)
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    assert not Invitation.objects.exists()


def test_dietary_needs_are_free_text_and_deleted_after_the_meeting(network, people, lead):
    from meetings.tasks import purge_dietary_needs

    meeting = dated(network, audience=["steering_group"])
    invitations.invite(meeting=meeting, actor=lead)
    invitation = meeting.invitations.first()
    invitations.respond(invitation=invitation, response="yes", dietary_needs="- glutenfri, = laktosfri")
    invitation.refresh_from_db()
    assert invitation.dietary_needs == "- glutenfri, = laktosfri"
    assert invitations.purge_dietary_needs(now=meeting.ends_at - timedelta(minutes=1)) == 0
    assert invitations.purge_dietary_needs(now=meeting.ends_at + timedelta(days=1)) == 1
    invitation.refresh_from_db()
    assert (invitation.dietary_needs, invitation.response) == ("", "yes")
    assert purge_dietary_needs() == 0  # the nightly task: nothing left to delete
