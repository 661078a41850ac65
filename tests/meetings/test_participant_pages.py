"""A participant's personal pages (issue 6): signed links that expire and can be revoked, their own meetings
only, answering an invitation, bad input, private responses and constant queries."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import invitations
from meetings.links import SALT, participant_from_token, personal_token, revoke_links
from meetings.models import Invitation, Meeting
from networks.models import Membership
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
    municipality,
    staff,
)

pytestmark = pytest.mark.django_db
HUGE = "x" * 100_000
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def network():
    return NetworkFactory(organizer=OrganizerFactory(), slug="styrsystem", status="running")


@pytest.fixture
def lead(network):
    return staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer)


@pytest.fixture
def membership(network):
    return MembershipFactory(network=network, municipality=municipality("0114"))


@pytest.fixture
def anna(membership):
    return MembershipParticipantFactory(membership=membership, name="Anna Andersson", groups=["steering_group"])


@pytest.fixture
def bertil(membership):
    return MembershipParticipantFactory(membership=membership, name="Bertil Berg", groups=["project_leader"])


def dated(network, *, days=14, **kwargs):
    start = timezone.now() + timedelta(days=days)
    defaults = {
        "network": network,
        "month": None,
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "mode": Meeting.Mode.PHYSICAL,
        "address": "Hornsgatan 20",
        "audience": ["steering_group"],
    }
    return MeetingFactory(**{**defaults, **kwargs})


def home(participant) -> str:
    return reverse("participant:home", kwargs={"token": personal_token(participant)})


def respond_url(participant, invitation) -> str:
    return reverse("participant:respond", kwargs={"token": personal_token(participant), "invitation_pk": invitation.pk})


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"


# --- Links -----------------------------------------------------------------------------------


def test_a_valid_link_names_the_participant(anna):
    assert participant_from_token(personal_token(anna)) == anna


def test_a_tampered_link_does_not_work(client, anna, bertil):
    token = personal_token(anna)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert participant_from_token(tampered) is None
    forged = signing.dumps([bertil.pk, 1], salt="another.salt")
    assert participant_from_token(forged) is None
    assert participant_from_token(signing.dumps("nonsense", salt=SALT)) is None
    response = client.get(reverse("participant:home", kwargs={"token": tampered}))
    assert response.status_code == 404
    assert_private(response)
    assert "Anna" not in response.content.decode()


def test_a_link_expires(client, anna):
    url = home(anna)
    token = personal_token(anna)
    with time_machine.travel(timezone.now() + timedelta(seconds=11)):
        assert participant_from_token(token, max_age=10) is None
        assert participant_from_token(token, max_age=60) == anna
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        assert participant_from_token(personal_token(anna)) is not None  # a new link works
        response = client.get(url)
    assert response.status_code == 404
    assert "Anna" not in response.content.decode()
    assert response.templates[0].name == "meetings/participant/link_invalid.html"
    with time_machine.travel(timezone.now() + timedelta(days=364)):
        assert client.get(url).status_code == 200


def test_a_revoked_link_does_not_work(client, anna):
    url = home(anna)
    assert client.get(url).status_code == 200
    revoke_links(anna)
    assert anna.link_version == 2
    assert client.get(url).status_code == 404
    assert client.get(home(anna)).status_code == 200  # the new link works


def test_the_link_dies_when_the_membership_ends(client, anna, membership):
    url = home(anna)
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT)
    assert client.get(url).status_code == 404


# --- Pages -----------------------------------------------------------------------------------


def test_the_participant_sees_only_their_own_invitations(client, network, lead, anna, bertil):
    steering = dated(network, title="Styrgruppsmöte", audience=["steering_group"])
    steering.agenda.create(title="Uppstart och presentation", order=1)
    leaders = dated(network, title="Projektledarträff", audience=["project_leader"])
    past = dated(network, days=-30, title="Förra mötet", audience=["steering_group"])
    other = dated(NetworkFactory(), title="Annat nätverk", audience=["steering_group"])
    for meeting in (steering, leaders):
        invitations.invite(meeting=meeting, actor=lead)
    Invitation.objects.create(meeting=past, participant=anna)
    # The clock stands still: a link carries a timestamp, so the page's and the test's tokens must be made in
    # the same second to be equal.
    with time_machine.travel(timezone.now(), tick=False):
        response = client.get(home(anna))
        token = personal_token(anna)
    assert response.status_code == 200
    assert_private(response)
    content = response.content.decode()
    assert "Styrgruppsmöte" in content and "Uppstart och presentation" in content and "Förra mötet" in content
    assert "Projektledarträff" not in content and other.title not in content
    assert [i.meeting for i in response.context["upcoming"]] == [steering]
    assert [i.meeting for i in response.context["past"]] == [past]
    assert reverse("calendar:meeting", args=[steering.uid]) in content
    feed = response.context["feed"]
    assert feed["webcal"].startswith("webcal://") and feed["webcal"] in content and feed["https"] in content
    assert anna.calendar_feeds.get().token in feed["https"]
    assert (
        reverse("participant:respond", kwargs={"token": token, "invitation_pk": steering.invitations.get().pk})
        in content
    )


def test_another_participants_invitation_is_a_404(client, network, lead, anna, bertil):
    meeting = dated(network, audience=["steering_group", "project_leader"])
    invitations.invite(meeting=meeting, actor=lead)
    bertils = meeting.invitations.get(participant=bertil)
    for method in (client.get, client.post):
        response = method(respond_url(anna, bertils), {"response": "yes"})
        assert response.status_code == 404
        assert_private(response)
    bertils.refresh_from_db()
    assert bertils.response == ""


def test_answering_saves_and_redirects(client, network, lead, anna):
    meeting = dated(network)
    invitations.invite(meeting=meeting, actor=lead)
    invitation = meeting.invitations.get()
    url = respond_url(anna, invitation)
    page = client.get(url)
    assert page.status_code == 200 and 'name="dietary_needs"' in page.content.decode()
    assert_private(page)
    response = client.post(url, {"response": "yes", "dietary_needs": SCRIPT})
    # Back to the home page with the same link (a token made now could differ: it carries a timestamp).
    token = url.split("/")[2]
    assert response.status_code == 302 and response["Location"] == reverse("participant:home", args=[token])
    invitation.refresh_from_db()
    assert (invitation.response, invitation.dietary_needs) == ("yes", SCRIPT)
    shown = client.get(home(anna)).content.decode()
    assert SCRIPT not in shown and "&lt;script&gt;" in shown  # escaped, never run


def test_a_digital_meeting_asks_no_dietary_needs(client, network, lead, anna):
    meeting = dated(network, mode=Meeting.Mode.DIGITAL, address="", link="https://meet.example.se/abc")
    invitations.invite(meeting=meeting, actor=lead)
    invitation = meeting.invitations.get()
    url = respond_url(anna, invitation)
    assert 'name="dietary_needs"' not in client.get(url).content.decode()
    assert client.post(url, {"response": "yes", "dietary_needs": "Vegetarisk"}).status_code == 302
    invitation.refresh_from_db()
    assert (invitation.response, invitation.dietary_needs) == ("yes", "")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"dietary_needs": "Vegetarisk"},
        {"response": "maybe"},
        {"response": SCRIPT},
        {"response": "yes", "dietary_needs": HUGE},
    ],
)
def test_bad_input_shows_errors_and_saves_nothing(client, network, lead, anna, data):
    meeting = dated(network)
    invitations.invite(meeting=meeting, actor=lead)
    invitation = meeting.invitations.get()
    response = client.post(respond_url(anna, invitation), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert SCRIPT not in response.content.decode()
    invitation.refresh_from_db()
    assert (invitation.response, invitation.dietary_needs, invitation.responded_at) == ("", "", None)


def test_a_cancelled_meeting_takes_no_answers(client, network, lead, anna):
    meeting = dated(network)
    invitations.invite(meeting=meeting, actor=lead)
    invitation = meeting.invitations.get()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    response = client.post(respond_url(anna, invitation), {"response": "yes"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    invitation.refresh_from_db()
    assert invitation.response == ""


def test_the_home_page_costs_constant_queries(client, network, anna, django_assert_max_num_queries):
    def queries_for(count: int) -> int:
        Invitation.objects.filter(participant=anna).delete()
        for n in range(count):
            meeting = dated(network, days=n + 1)
            meeting.agenda.create(title=f"Punkt {n}", order=1)
            Invitation.objects.create(meeting=meeting, participant=anna)
        client.get(home(anna))  # creates the calendar feed once
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(home(anna)).status_code == 200
        return len(context.captured_queries)

    assert queries_for(2) == queries_for(10)
