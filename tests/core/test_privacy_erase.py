import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications.models import Application, ProposedParticipant
from billing.models import Invoice
from core import privacy
from core.models import SentEmail
from meetings.models import Invitation, SeminarRegistration
from networks.models import MembershipParticipant, NetworkContact
from tests.core.privacy_helpers import make_person, text_hits
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]

NAME, EMAIL, OLD_EMAIL = "Zelda Quirinius", "zelda.quirinius@example.se", "zq.old@example.se"
OTHER_NAME, OTHER_EMAIL = "Olle Ovrigsson", "olle.ovrigsson@example.se"


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True, name="Sys Admin")


@pytest.fixture
def people(superuser):
    mine = make_person(NAME, EMAIL, old_email=OLD_EMAIL, author=superuser)
    other = make_person(OTHER_NAME, OTHER_EMAIL, old_email="olle.old@example.se", author=superuser)
    return mine, other


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_find_person_collects_addresses_names_and_account(people):
    mine, _other = people
    person = privacy.find_person(privacy.person_key(EMAIL))
    assert person.user == mine["user"]
    assert {EMAIL, OLD_EMAIL} <= person.emails
    assert NAME in person.names
    assert person.key == privacy.person_key(EMAIL)
    # Found by the address the account had before: the same account.
    old = privacy.find_person(privacy.person_key(OLD_EMAIL))
    assert old.user == mine["user"] and old.key == privacy.person_key(OLD_EMAIL)
    assert privacy.find_person(privacy.person_key("nobody@example.se")) is None
    assert privacy.find_person("not-a-key") is None


def test_search_by_email_or_name(people):
    assert [p.email for p in privacy.search("zelda.quir")] == [EMAIL]
    assert EMAIL in {p.email for p in privacy.search("Quirinius")}
    assert privacy.search("x") == []
    assert privacy.search("%_\\'\"<script>" * 50) == []


def test_export_contains_the_person_and_nobody_else(people, superuser):
    response = _client(superuser).get(reverse("privacy:export", args=[privacy.person_key(EMAIL)]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "zelda" not in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    data = json.loads(text)
    assert data["person"]["user_id"] == people[0]["user"].pk
    for label in (
        "accounts.User",
        "accounts.HistoricalUser",
        "networks.MembershipParticipant",
        "networks.HistoricalMembershipParticipant",
        "applications.ProposedParticipant",
        "meetings.Invitation",
        "meetings.SeminarRegistration",
        "core.SentEmail",
        "billing.Invoice",
        "applications.Application",
    ):
        assert label in data["data"], label
    assert data["data"]["meetings.Invitation"]["own_rows"][0]["dietary_needs"] == "Vegetarian"
    assert OLD_EMAIL in text
    assert OTHER_NAME not in text and OTHER_EMAIL not in text
    # The superuser decided the application and wrote the note: their identity is not in this extract.
    assert superuser.email not in text


def test_erase_leaves_no_trace_and_keeps_what_the_law_requires(people, superuser):
    mine, other = people
    key = privacy.person_key(EMAIL)
    client = _client(superuser)
    page = client.get(reverse("privacy:erase", args=[key]))
    assert page.status_code == 200
    assert "bokföringslagen" in page.content.decode()
    response = client.post(reverse("privacy:erase", args=[key]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("privacy:administration")

    assert text_hits(NAME, EMAIL, OLD_EMAIL, "zelda", "quirinius") == []

    # Kept by law, with the reference replaced.
    invoice = Invoice.objects.get(pk=mine["invoice"].pk)
    assert invoice.buyer_reference == privacy.ERASED_NAME
    assert invoice.buyer_email.endswith("@invalid.example.se")
    application = Application.objects.get(pk=mine["application"].pk)
    assert application.decision == Application.Decision.REJECTED
    assert application.created_by_id == mine["user"].pk
    # The account is anonymised, closed and cannot log in; its history says who erased it.
    user = User.objects.get(pk=mine["user"].pk)
    assert user.name == privacy.ERASED_NAME and not user.is_active and not user.has_usable_password()
    assert user.phone == "" and user.email.endswith("@invalid.example.se") and user.municipality is None
    last = user.history.latest()
    assert last.history_change_reason == privacy.ERASED_REASON and last.history_user_id == superuser.pk
    participant = MembershipParticipant.objects.get(pk=mine["participant"].pk)
    assert participant.name == privacy.ERASED_NAME
    assert participant.link_version == 2  # personal links revoked
    assert participant.history.latest().history_user_id == superuser.pk
    assert Invitation.objects.get(participant=participant).dietary_needs == ""
    assert not NetworkContact.objects.filter(user=user).exists()
    assert not SentEmail.objects.filter(key__icontains="zelda").exists()

    # The other person is untouched.
    assert text_hits(OTHER_NAME, OTHER_EMAIL)
    assert MembershipParticipant.objects.get(pk=other["participant"].pk).name == OTHER_NAME
    assert ProposedParticipant.objects.filter(email=OTHER_EMAIL).exists()
    assert SeminarRegistration.objects.filter(email=OTHER_EMAIL).exists()
    assert User.objects.get(pk=other["user"].pk).is_active
    assert Invoice.objects.get(pk=other["invoice"].pk).buyer_reference == OTHER_NAME

    # The person is gone: their pages are 404.
    assert client.get(reverse("privacy:person", args=[key])).status_code == 404


def test_erase_deletes_the_network_packs_that_list_the_person(people, superuser):
    from reports.models import StoredDocument

    mine, other = people
    for membership in (mine["membership"], other["membership"]):
        StoredDocument.objects.create(network=membership.network, kind=StoredDocument.Kind.NETWORK_PACK, status="done")
    result = privacy.erase(privacy.find_person(privacy.person_key(EMAIL)), actor=superuser)
    assert result.deleted["reports.StoredDocument"] == 1
    assert list(StoredDocument.objects.values_list("network", flat=True)) == [other["membership"].network_id]


def test_erase_get_changes_nothing(people, superuser):
    client = _client(superuser)
    client.get(reverse("privacy:erase", args=[privacy.person_key(EMAIL)]))
    assert User.objects.get(pk=people[0]["user"].pk).is_active
    assert text_hits(NAME)


def test_erase_a_person_without_account(superuser):
    from tests.factories import MeetingFactory

    meeting = MeetingFactory()
    registration = SeminarRegistration.objects.create(
        meeting=meeting, name="Siv Seminarsson", organisation="Knivsta", email="siv@example.se"
    )
    result = privacy.erase(privacy.build_person("siv@example.se"), actor=superuser)
    registration.refresh_from_db()
    assert registration.name == privacy.ERASED_NAME and registration.organisation == "Knivsta"
    assert result.anonymised["meetings.SeminarRegistration"] == 1
    assert text_hits("siv@example.se", "Siv Seminarsson") == []


def test_erase_does_not_touch_longer_addresses_or_names(superuser):
    from meetings.models import FollowUpNote
    from tests.factories import MembershipFactory, MembershipParticipantFactory

    membership = MembershipFactory()
    anna = MembershipParticipantFactory(membership=membership, name="Anna Berg", email="anna@example.se")
    hanna = MembershipParticipantFactory(membership=membership, name="Johanna Bergström", email="hanna@example.se")
    note = FollowUpNote.objects.create(
        membership=membership,
        text="Anna Berg (anna@example.se) och Johanna Bergström (hanna@example.se, anna@example.se.com).",
        author=superuser,
    )
    privacy.erase(privacy.build_person("anna@example.se"), actor=superuser)
    anna.refresh_from_db()
    hanna.refresh_from_db()
    note.refresh_from_db()
    assert anna.name == privacy.ERASED_NAME
    assert (hanna.name, hanna.email) == ("Johanna Bergström", "hanna@example.se")
    assert note.text.startswith(f"{privacy.ERASED_NAME} (erased-")
    assert "Johanna Bergström (hanna@example.se, anna@example.se.com)." in note.text
