"""Claiming an account (issue 6): a participant makes an account with the address their personal link was sent
to (verified at once, password chosen by allauth's e-mail), an existing account is never duplicated, dead links are
refused, and a logged-in user's "My meetings" shows their own invitations only, in a constant number of queries."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole, User
from meetings import outreach
from meetings.links import personal_token, revoke_links
from meetings.models import Invitation, Meeting
from networks.models import Membership
from tests.factories import (
    PASSWORD,
    MeetingFactory,
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
MY_MEETINGS = "/mina-moten/"


@pytest.fixture
def network():
    return NetworkFactory(organizer=OrganizerFactory(), slug="styrsystem", status="running", title="Styrsystem")


@pytest.fixture
def membership(network):
    return MembershipFactory(network=network, municipality=municipality("0114"))


@pytest.fixture
def anna(membership):
    return MembershipParticipantFactory(membership=membership, name="Anna Andersson", email="Anna.Andersson@Vasby.se")


@pytest.fixture
def bertil(membership):
    return MembershipParticipantFactory(membership=membership, name="Bertil Berg", email="bertil@vasby.se")


def dated(network, *, days=14, **kwargs) -> Meeting:
    start = timezone.now() + timedelta(days=days)
    defaults = {"network": network, "month": None, "starts_at": start, "ends_at": start + timedelta(hours=2)}
    return MeetingFactory(**{**defaults, **kwargs})


def claim_url(participant) -> str:
    return reverse("outreach:claim_account", kwargs={"token": personal_token(participant)})


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"


# --- Claiming ------------------------------------------------------------------------------------


def test_the_personal_page_offers_an_account(client, anna):
    home = client.get(reverse("participant:home", kwargs={"token": personal_token(anna)}))
    assert "/konto/" in home.content.decode() and home.status_code == 200
    response = client.get(claim_url(anna))
    assert response.status_code == 200
    assert_private(response)
    content = response.content.decode()
    assert "Anna.Andersson@Vasby.se" in content and response.context["state"] == "new"


def test_a_new_account_is_made_verified_and_the_password_chosen_by_email(client, network, anna, bertil):
    meeting = dated(network, title="Nätverksträff 4")
    Invitation.objects.create(meeting=meeting, participant=anna)
    Invitation.objects.create(meeting=dated(network, title="Bertils möte"), participant=bertil)

    response = client.post(claim_url(anna))
    assert response.status_code == 200
    assert_private(response)
    user = User.objects.get(email="anna.andersson@vasby.se")
    assert user.name == "Anna Andersson" and not user.has_usable_password() and user.is_active
    assert user.municipality_id is None and not user.staff_roles.exists()  # a participant, no roles
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("anna.andersson@vasby.se", True, True)

    (message,) = mail.outbox
    assert message.to == ["anna.andersson@vasby.se"]
    link = re.search(r"https?://[^\s]+/konto/password/reset/key/[^\s]+/", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_password = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    done = client.post(set_password, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.has_usable_password()

    client.logout()
    logged_in = client.post(reverse("account_login"), {"login": "anna.andersson@vasby.se", "password": PASSWORD})
    assert logged_in.status_code == 302
    start = client.get("/")
    assert MY_MEETINGS in start.content.decode()  # "My meetings" in the navigation
    mine = client.get(MY_MEETINGS)
    assert mine.status_code == 200
    assert_private(mine)
    content = mine.content.decode()
    assert "Nätverksträff 4" in content and "Bertils möte" not in content
    assert f"/svar/{meeting.invitations.get().pk}/" in content and "webcal://" in content


def test_claiming_twice_makes_one_account_and_one_email(client, anna):
    client.post(claim_url(anna))
    again = client.post(claim_url(anna))
    assert again.status_code == 200 and reverse("account_login") in again.content.decode()
    assert User.objects.filter(email__iexact=anna.email).count() == 1
    assert EmailAddress.objects.filter(email__iexact=anna.email).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("how", ["login", "secondary"])
def test_an_existing_account_is_not_duplicated_nor_changed(client, anna, how):
    if how == "login":
        existing = UserFactory(email="anna.andersson@vasby.se", verified=False)
        EmailAddress.objects.create(user=existing, email=existing.email, verified=False, primary=True)
    else:
        existing = UserFactory(email="anna.privat@example.se")
        EmailAddress.objects.create(user=existing, email="ANNA.ANDERSSON@vasby.se", verified=False)
    page = client.get(claim_url(anna))
    assert page.context["state"] == "exists" and reverse("account_login") in page.content.decode()
    response = client.post(claim_url(anna))
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("account_login") in content and reverse("account_reset_password") in content
    assert User.objects.count() == 1 and mail.outbox == []
    # The link does not verify someone else's unverified address: that account's holder must prove it.
    assert not EmailAddress.objects.filter(email__iexact=anna.email, verified=True).exists()
    assert outreach.claim_account(participant=anna).user == existing


@pytest.mark.parametrize("dead", ["revoked", "expired", "tampered", "left"])
def test_a_dead_link_claims_nothing(client, anna, membership, dead):
    url = claim_url(anna)
    if dead == "revoked":
        revoke_links(anna)
    elif dead == "tampered":
        url = url.replace("/konto/", "x/konto/")
    elif dead == "left":
        membership.status = Membership.Status.LEFT
        membership.save()
    with time_machine.travel(timezone.now() + timedelta(days=366 if dead == "expired" else 0)):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 404
            assert_private(response)
            assert "Anna" not in response.content.decode()
    assert not User.objects.exists() and mail.outbox == []


def test_the_claim_page_needs_no_login_and_shows_only_the_links_own_person(client, anna, bertil, network):
    # Whoever is logged in (a lead of another organiser, a representative), the page is about the link's person.
    for user in (staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()), representative("0114")):
        client.force_login(user)
        content = client.get(claim_url(anna)).content.decode()
        assert "Anna.Andersson@Vasby.se" in content and "bertil@vasby.se" not in content
    client.post(claim_url(bertil))
    assert User.objects.filter(email="bertil@vasby.se").exists()
    assert not User.objects.filter(email__iexact=anna.email).exists()


def test_a_participant_without_an_address_cannot_claim(client, anna):
    type(anna).objects.filter(pk=anna.pk).update(email="")
    response = client.post(claim_url(anna))
    assert response.status_code == 400 and not User.objects.exists()


# --- My meetings ---------------------------------------------------------------------------------


def test_my_meetings_needs_a_login(client):
    response = client.get(MY_MEETINGS)
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_my_meetings_shows_only_the_users_own_invitations(client, network, anna, bertil):
    mine = dated(network, title="Annas möte")
    theirs = dated(network, title="Bertils möte")
    Invitation.objects.create(meeting=mine, participant=anna)
    Invitation.objects.create(meeting=theirs, participant=bertil)
    # The same person in another network, and in a municipality that left.
    other = MembershipFactory(network=NetworkFactory(title="Annat nätverk"), municipality=municipality("0184"))
    elsewhere = MembershipParticipantFactory(membership=other, email="anna.andersson@vasby.se")
    Invitation.objects.create(meeting=dated(other.network, title="Annas andra möte"), participant=elsewhere)
    left = MembershipFactory(network=network, municipality=municipality("0180"), status=Membership.Status.LEFT)
    gone = MembershipParticipantFactory(membership=left, email="anna.andersson@vasby.se")
    Invitation.objects.create(meeting=dated(network, title="Gammalt möte"), participant=gone)

    user = UserFactory(email="anna.andersson@vasby.se")
    # An unverified address of Bertil's on the same account shows nothing of his.
    EmailAddress.objects.create(user=user, email="bertil@vasby.se", verified=False)
    client.force_login(user)
    content = client.get(MY_MEETINGS).content.decode()
    assert "Annas möte" in content and "Annas andra möte" in content
    assert "Bertils möte" not in content and "Gammalt möte" not in content
    assert personal_token(bertil).split(":")[0] not in content

    for user in (
        UserFactory(),
        staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()),
        staff(Role.NETWORK_LEAD, organizer=network.organizer),
        representative("0114"),
    ):
        client.force_login(user)
        response = client.get(MY_MEETINGS)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Annas möte" not in content and "Bertils möte" not in content and "/deltagare/" not in content


def test_the_answer_links_work(client, network, anna):
    invitation = Invitation.objects.create(meeting=dated(network), participant=anna)
    client.force_login(UserFactory(email="anna.andersson@vasby.se"))
    content = client.get(MY_MEETINGS).content.decode()
    path = re.search(rf'href="(/deltagare/[^"]+/svar/{invitation.pk}/)"', content).group(1)
    assert client.post(path, {"response": "yes"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == "yes"


def test_the_navigation_offers_my_meetings_to_participants_only(client, anna, django_assert_num_queries):
    user = UserFactory(email="anna.andersson@vasby.se")
    client.force_login(user)
    assert MY_MEETINGS in client.get("/").content.decode()
    with django_assert_num_queries(1):
        assert outreach.is_participant(user) and outreach.is_participant(user)  # one query, remembered
    outreach.forget_is_participant(user)
    with django_assert_num_queries(0):
        assert not outreach.is_participant(AnonymousUser())
    client.force_login(UserFactory())
    assert MY_MEETINGS not in client.get("/").content.decode()
    client.logout()
    assert MY_MEETINGS not in client.get("/").content.decode()


def test_my_meetings_takes_a_constant_number_of_queries(client, network, anna):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MY_MEETINGS).status_code == 200
        return len(captured)

    client.force_login(UserFactory(email="anna.andersson@vasby.se"))
    first = dated(network)
    first.agenda.create(title="Uppstart", order=1)
    Invitation.objects.create(meeting=first, participant=anna)
    queries()  # the first visit makes the calendar feed
    one = queries()
    for days in range(4):
        meeting = dated(network, days=20 + days)
        meeting.agenda.create(title="Uppstart", order=1)
        Invitation.objects.create(meeting=meeting, participant=anna)
    content = client.get(MY_MEETINGS).content.decode()
    assert content.count("/svar/") == 5
    assert queries() == one
