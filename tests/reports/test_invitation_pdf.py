"""The network invitation PDF: the demo networks' facts, who may download it, hostile text, constant queries."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst

from accounts.models import User
from billing.models import FeeSchedule
from billing.money import sek
from meetings.models import AgendaBlock, Meeting
from meetings.selectors import timetable
from networks.models import Network, NetworkCommitment, NetworkContact, NetworkParticipantRole, Organizer
from networks.permissions import PUBLIC_STATUSES
from networks.selectors import public_invitation_or_404
from portal.demo_networks import demo_slugs
from portal.documents import invitation_pdf
from tests.factories import MeetingFactory, NetworkFactory, fee_schedule, representative
from tests.reports import pdfs

pytestmark = pytest.mark.django_db

LEAD = "projektledare@example.se"  # SKR's network lead in the demo
OTHER_LEAD = "projektledare.ksl@example.se"  # KSL's: sees none of SKR's networks


def pdf_url(slug: str) -> str:
    return reverse("portal:invitation_pdf", args=[slug])


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def expected_amounts(network: Network) -> list[str]:
    schedule = FeeSchedule.objects.get(network=network)
    if schedule.kind == FeeSchedule.Kind.FLAT:
        return [plain(sek(schedule.flat_amount))]
    return [plain(sek(tier.amount)) for tier in schedule.tiers.all()]


def meeting_date(meeting: Meeting) -> str:
    if meeting.starts_at:
        return date_format(timezone.localtime(meeting.starts_at), "j F Y")
    return capfirst(date_format(meeting.month, "F Y"))


@pytest.mark.parametrize("slug", demo_slugs())
def test_demo_invitation_has_title_deadline_fee_meetings_and_organiser(seeded, client, slug):
    network = Network.objects.select_related("organizer").get(slug=slug)
    assert network.status in PUBLIC_STATUSES  # every demo cohort is published
    response = client.get(pdf_url(slug))
    data = pdfs.response_pdf(response)
    assert response["Content-Disposition"] == f'attachment; filename="inbjudan-{slug}.pdf"'
    text = pdfs.text(data)
    assert pdfs.title(data) == network.title
    assert pdfs.language(data) == "sv"
    assert 1 <= pdfs.page_count(data) <= 8
    assert f"Sida 1 av {pdfs.page_count(data)}" in text
    assert network.title in text
    assert network.organizer.name in text
    with translation.override("sv"):
        deadline = date_format(timezone.localtime(network.application_deadline), "j F Y")
        meetings = timetable(network)
        dates = [meeting_date(meeting) for meeting in meetings]
    assert deadline in text
    for amount in expected_amounts(network):
        assert amount in text
    assert meetings and all(date in text for date in dates)
    for contact in network.contacts.all():
        assert contact.name in text and contact.email in text


def test_seed_000_fee_tiers_by_population_excluding_vat(seeded, client):
    text = pdfs.text(pdfs.response_pdf(client.get(pdf_url("forenklat-och-effektivare-styrsystem-2017"))))
    assert "15 000 kr" in text and "25 000 kr" in text
    assert "28 april 2017" in text  # the seed's deadline
    assert "exkl. moms" in text
    assert "15 december 2017" in text and "15 april 2018" in text  # invoiced on two occasions


def test_document_is_swedish_for_an_english_reader(seeded, client):
    client.cookies["django_language"] = "en"
    response = client.get(pdf_url("forenklat-och-effektivare-styrsystem-2017"), HTTP_ACCEPT_LANGUAGE="en")
    text = pdfs.text(pdfs.response_pdf(response))
    assert "Sida 1 av" in text
    assert "Sista dag att ansöka" in text  # a label of the template, in Swedish
    assert "En kommun med exakt 15 000 invånare betalar 15 000 kr" in text  # a text made in Python, in Swedish
    assert "28 april 2017" in text


def test_hostile_text_in_every_field_fetches_nothing_and_leaks_no_file(seeded, hit_server):
    hostile = hit_server.hostile_texts()
    joined = "\n\n".join(hostile)
    network = Network.objects.get(slug="effektivare-kommun")
    text_fields = [
        "summary",
        "background",
        "purpose",
        "working_forms",
        "timetable_note",
        "cost_note",
        "selection_process",
        "application_requirements",
        "contact_text",
    ]
    Network.objects.filter(pk=network.pk).update(
        title=hostile[0], place=hostile[2][:200], period_text=hostile[3][:100], **dict.fromkeys(text_fields, joined)
    )
    Organizer.objects.filter(pk=network.organizer_id).update(name=hostile[4][:200])
    Meeting.objects.filter(network=network).update(title=hostile[5][:200], description=joined)
    meeting = Meeting.objects.filter(network=network).first()
    AgendaBlock.objects.create(meeting=meeting, title=hostile[6][:200], audience=hostile[7][:100])
    NetworkCommitment.objects.filter(network=network).update(title=hostile[0], description=joined)
    NetworkContact.objects.filter(network=network).update(name=hostile[1][:150], role=hostile[5][:150])
    for index, role in enumerate(NetworkParticipantRole.objects.filter(network=network)):
        NetworkParticipantRole.objects.filter(pk=role.pk).update(title=f"{index} {hostile[index % len(hostile)]}"[:150])

    data = invitation_pdf(public_invitation_or_404(slug="effektivare-kommun"))

    assert hit_server.hits == []
    text = pdfs.text(data)
    assert "root:" not in text
    assert "127.0.0.1" in text  # shown as text, not fetched


# --- Who may download it ----------------------------------------------------------------------


def test_published_invitation_is_for_anyone_and_unknown_slug_is_404(seeded, client):
    assert client.get(pdf_url("effektivare-kommun")).status_code == 200
    assert client.get(pdf_url("finns-inte")).status_code == 404
    assert client.post(pdf_url("effektivare-kommun")).status_code == 405


def test_downloads_render_once_per_content_and_a_change_renders_anew(seeded, client, monkeypatch):
    from django.core.cache import cache

    from portal import documents

    cache.clear()
    renders = []
    real = documents.pdf.html_to_pdf
    monkeypatch.setattr(documents.pdf, "html_to_pdf", lambda html: renders.append(html) or real(html))
    first = pdfs.response_pdf(client.get(pdf_url("effektivare-kommun")))
    second = pdfs.response_pdf(client.get(pdf_url("effektivare-kommun")))
    assert first == second and len(renders) == 1
    Network.objects.filter(slug="effektivare-kommun").update(title="Effektivare kommun, omgång 2")
    third = pdfs.response_pdf(client.get(pdf_url("effektivare-kommun")))
    assert len(renders) == 2 and "omgång 2" in pdfs.text(third)


@pytest.mark.parametrize("status", [Network.Status.DRAFT, Network.Status.ARCHIVED])
def test_unpublished_invitation_only_for_its_leads(seeded, client, status):
    Network.objects.filter(slug="effektivare-kommun").update(status=status)
    url = pdf_url("effektivare-kommun")
    assert client.get(url).status_code == 404  # anonymous: as the public page, it does not exist
    client.force_login(User.objects.get(email=OTHER_LEAD))
    assert client.get(url).status_code == 404
    client.force_login(representative("0114"))
    assert client.get(url).status_code == 404
    client.force_login(User.objects.get(email=LEAD))
    assert pdfs.title(pdfs.response_pdf(client.get(url))) == "Effektivare kommun"
    client.force_login(User.objects.get(email="granskare@example.se"))  # a lead of the co-organiser RKA
    assert client.get(url).status_code == 200


def test_public_page_and_lead_preview_offer_the_download(seeded, client):
    url = pdf_url("effektivare-kommun")
    page = client.get(reverse("portal:invitation", args=["effektivare-kommun"]))
    assert page.status_code == 200 and url in page.content.decode()
    client.force_login(User.objects.get(email=LEAD))
    preview = client.get(reverse("leads:network_preview", args=["effektivare-kommun"]))
    assert preview.status_code == 200 and url in preview.content.decode()


# --- Queries ----------------------------------------------------------------------------------


def _network_with_meetings(count: int) -> Network:
    network = NetworkFactory(place="Stockholm")
    fee_schedule(network)
    NetworkCommitment.objects.create(network=network, title="En styrgrupp", kind=NetworkCommitment.Kind.STEERING_GROUP)
    NetworkContact.objects.create(network=network, name="Petra", email="petra@example.se")
    for index in range(count):
        meeting = MeetingFactory(network=network, month=None, starts_at=timezone.now(), ends_at=timezone.now())
        AgendaBlock.objects.create(meeting=meeting, title=f"Block {index}", starts=time(10), ends=time(12))
    return network


def _queries(client, network: Network) -> int:
    with CaptureQueriesContext(connection) as queries:
        pdfs.response_pdf(client.get(pdf_url(network.slug)))
    return len(queries)


def test_queries_do_not_grow_with_the_meetings(client):
    one, five = _network_with_meetings(1), _network_with_meetings(5)
    assert _queries(client, one) == _queries(client, five) <= 12


def test_bare_network_without_fee_meetings_or_contacts_still_renders():
    network = NetworkFactory(title="Nätverk utan detaljer", application_deadline=None, applications_open_at=None)
    data = invitation_pdf(network)
    assert pdfs.page_count(data) == 1
    assert "Nätverk utan detaljer" in pdfs.text(data)
