"""The participant and contact list: page and PDF of the running demo cohort, who left, hostile text, access."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import StaffRole, User
from networks.models import Membership, MembershipParticipant, Network, NetworkContact
from reports.contacts import contact_list_context, contact_list_pdf
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
from tests.reports import pdfs

pytestmark = pytest.mark.django_db
Role = StaffRole.Role

ADMINISTRATION = "en-effektivare-administration"  # the running demo cohort: 10 members
LEAD = "projektledare@example.se"  # SKR's network lead in the demo
OTHER_LEAD = "projektledare.ksl@example.se"  # KSL's: sees none of SKR's networks


def page_url(network) -> str:
    return reverse("reports:contacts", args=[network.slug])


def pdf_url(network) -> str:
    return reverse("reports:contacts_pdf", args=[network.slug])


def participants(network) -> list[MembershipParticipant]:
    return list(MembershipParticipant.objects.filter(membership__network=network).select_related("membership"))


def test_demo_contact_list_has_every_member_participant_and_contact(seeded):
    network = Network.objects.get(slug=ADMINISTRATION)
    data = contact_list_pdf(network)
    text = pdfs.text(data)
    assert 1 <= pdfs.page_count(data) <= 12
    assert pdfs.title(data).endswith(network.title)
    assert pdfs.language(data) == "sv"
    assert "Sida 1 av" in text
    members = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).select_related("municipality")
    assert len(members) == 10
    for membership in members:
        assert membership.municipality.name in text
    compact = re.sub(r"\s", "", text)  # a long e-mail address may wrap in its column
    people = participants(network)
    assert len(people) >= 20
    for participant in people:
        assert participant.name in text
        assert participant.email in compact and participant.email.endswith(".example.se")
        assert participant.title in text
    assert "Styrgrupp" in text and "Arbetsgrupp" in text  # roles in the network
    for contact in NetworkContact.objects.filter(network=network):
        assert contact.name in text and contact.email in compact and contact.phone in text
    representatives = User.objects.filter(municipality__in=[m.municipality for m in members])
    assert representatives.exists()
    for user in representatives:
        assert user.email in compact


def test_members_that_left_are_listed_apart_with_the_date_without_their_people(seeded):
    network = Network.objects.get(slug=ADMINISTRATION)
    left = Membership.objects.filter(network=network).select_related("municipality").first()
    left.status, left.left_on = Membership.Status.LEFT, date(2026, 3, 31)
    left.save()
    context = contact_list_context(network)
    assert [membership.pk for membership in context["left"]] == [left.pk]
    assert left.pk not in {member.membership.pk for member in context["members"]}
    text = pdfs.text(contact_list_pdf(network))
    assert re.search(rf"{re.escape(left.municipality.name)}\s*2026-03-31", text)
    compact = re.sub(r"\s", "", text)
    for participant in left.participants.all():
        assert participant.email not in compact


def test_participant_phone_comes_from_their_own_account(seeded):
    network = Network.objects.get(slug=ADMINISTRATION)
    participant = participants(network)[0]
    UserFactory(email=participant.email.lower(), phone="070-123 45 67")
    text = pdfs.text(contact_list_pdf(network))
    assert "070-123 45 67" in text


def test_hostile_texts_make_no_request_and_read_no_file(seeded, hit_server):
    network = Network.objects.get(slug=ADMINISTRATION)
    hostile = hit_server.hostile_texts()
    for index, participant in enumerate(participants(network)):
        text = hostile[index % len(hostile)]
        participant.name, participant.title, participant.role = text[:150], text[:150], text[:150]
        participant.save()
    NetworkContact.objects.filter(network=network).update(name=hostile[0][:150], role=hostile[3][:150])
    User.objects.filter(municipality__memberships__network=network).update(title=hostile[4][:150])
    data = contact_list_pdf(network)
    assert hit_server.hits == []
    text = pdfs.text(data)
    assert "root:" not in text and "127.0.0.1" in text


def test_page_and_pdf_for_the_networks_leads_only(seeded, client):
    network = Network.objects.get(slug=ADMINISTRATION)
    for url in (page_url(network), pdf_url(network)):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
        member = Membership.objects.filter(network=network).select_related("municipality").first()
        for user in (representative(member.municipality.code), UserFactory()):
            client.force_login(user)
            assert client.get(url).status_code == 403
        client.force_login(User.objects.get(email=OTHER_LEAD))
        assert client.get(url).status_code == 404
        client.force_login(User.objects.get(email=LEAD))
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
    assert client.get(reverse("reports:contacts", args=["finns-inte"])).status_code == 404
    assert client.get(reverse("reports:contacts_pdf", args=["finns-inte"])).status_code == 404


def test_page_shows_the_list_and_offers_the_pdf(seeded, client):
    network = Network.objects.get(slug=ADMINISTRATION)
    client.force_login(User.objects.get(email=LEAD))
    response = client.get(page_url(network))
    body = response.content.decode()
    assert f'href="{pdf_url(network)}"' in body
    for participant in participants(network):
        assert participant.email in body
    response = client.get(pdf_url(network))
    data = pdfs.response_pdf(response)
    assert response["Content-Disposition"] == f'attachment; filename="kontaktlista-{ADMINISTRATION}.pdf"'
    assert pdfs.page_count(data) >= 1


def test_english_request_still_gives_a_swedish_pdf(seeded, client):
    client.force_login(User.objects.get(email=LEAD))
    response = client.get(pdf_url(Network.objects.get(slug=ADMINISTRATION)), HTTP_ACCEPT_LANGUAGE="en")
    text = pdfs.text(pdfs.response_pdf(response))
    assert "Sida 1 av" in text and "Befattning" in text and "E-post" in text
    with translation.override("en"):
        assert "Sida 1 av" in pdfs.text(contact_list_pdf(Network.objects.get(slug=ADMINISTRATION)))


def small_and_large_networks(organizer):
    """A network with one member and one with three, each member with participants and a representative."""
    networks = []
    for codes in (["0114"], ["0114", "0180", "1480"]):
        network = NetworkFactory(organizer=organizer, status=Network.Status.RUNNING)
        NetworkContact.objects.create(network=network, name="Petra", email="petra@example.se", phone="08-1")
        for code in codes:
            membership = MembershipFactory(network=network, municipality=municipality(code))
            for n in range(len(codes)):
                MembershipParticipantFactory(membership=membership, groups=["steering_group"], email=f"p{n}@{code}.se")
            representative(code, phone="08-2")
        left = MembershipFactory(network=network, municipality=municipality("2480"), status=Membership.Status.LEFT)
        left.left_on = date(2026, 1, 31)
        left.save()
        networks.append(network)
    return networks


@pytest.mark.parametrize("name", ["reports:contacts", "reports:contacts_pdf"])
def test_same_number_of_queries_for_1_and_3_members(client, django_assert_num_queries, name):
    organizer = OrganizerFactory()
    lead = staff(Role.NETWORK_LEAD, organizer=organizer)
    small, large = small_and_large_networks(organizer)
    client.force_login(lead)
    client.get(reverse(name, args=[small.slug]))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name, args=[small.slug])).status_code == 200
    with django_assert_num_queries(len(queries)):
        assert client.get(reverse(name, args=[large.slug])).status_code == 200
