"""The public catalogue (/natverk/) and a network's invitation (/natverk/<slug>/)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Network, NetworkContact, NetworkParticipantRole
from tests.factories import NetworkCommitmentFactory, NetworkFactory, OrganizerFactory

pytestmark = pytest.mark.django_db
Status = Network.Status
STOCKHOLM = ZoneInfo("Europe/Stockholm")

HOSTILE = '<script>alert(1)</script> [klicka](javascript:alert(1)) <a href="javascript:alert(2)">x</a>'
TEXT_FIELDS = (
    "summary",
    "background",
    "purpose",
    "working_forms",
    "timetable_note",
    "cost_note",
    "selection_process",
    "application_requirements",
    "contact_text",
)


def seed_000(**overrides) -> Network:
    """The invitation of seed 000 (Förenklat och effektivare styrsystem), in short."""
    skl = OrganizerFactory(name="Sveriges Kommuner och Landsting", short_name="SKL", slug="skl")
    fields = {
        "title": "Förenklat och effektivare styrsystem",
        "slug": "forenklat-och-effektivare-styrsystem",
        "organizer": skl,
        "summary": "Tänk om det fanns en styrmodell som fungerade perfekt.",
        "background": "SKL bjuder nu in till ett nätverksarbete.",
        "purpose": "Ambitionen för deltagande kommuner ska vara:\n\n- Att genom analys skapa en tydlig bild",
        "working_forms": "Under projektets gång bjuds kommunerna in till tre nätverksträffar.",
        "timetable_note": "Maj: Styrgrupp + projektledare – uppstartsmöte",
        "cost_note": "25 000 kr per kommun (> 15 000 invånare), 15 000 kr per kommun (< 15 000 invånare).",
        "selection_process": "Urvalet bygger på intresseanmälan och geografisk spridning.",
        "application_requirements": "En kort beskrivning varför kommunen vill ingå i nätverket.",
        "contact_text": "Har du frågor eller funderingar kring nätverkets upplägg hör av dig till oss.",
        "capacity": 10,
        "participants_min": 3,
        "participants_max": 4,
    }
    fields.update(overrides)
    network = NetworkFactory(**fields)
    NetworkContact.objects.create(
        network=network,
        name="Christine Feuk",
        role="projektledare",
        phone="08-452 79 94",
        email="christine.feuk@skl.se",
    )
    NetworkCommitmentFactory(network=network, title="En styrgrupp som aktivt deltar i arbetet")
    NetworkParticipantRole.objects.create(network=network, title="Ekonomi")
    return network


def test_invitation_laid_out_like_the_seed(client):
    network = seed_000()
    response = client.get(reverse("portal:invitation", args=[network.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Förenklat och effektivare styrsystem",
        "Sveriges Kommuner och Landsting",
        "<li>Att genom analys skapa en tydlig bild</li>",
        "tre nätverksträffar",
        "uppstartsmöte",
        "25 000 kr per kommun",
        "geografisk spridning",
        "varför kommunen vill ingå",
        "En styrgrupp som aktivt deltar i arbetet",
        "Ekonomi",
        "3–4",
        "Christine Feuk",
        "08-452 79 94",
        'href="mailto:christine.feuk@skl.se"',
    ):
        assert text in html, text
    # Headings in the seed's order, one h1.
    headings = [
        "Syfte och mål",
        "Arbetsformer",
        "Tidplan",
        "Kostnad",
        "Urvalsprocess",
        "Ansökan",
        "Information och kontakt",
    ]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert html.count("<h1") == 1


def test_invitation_deadline_in_swedish(client):
    network = seed_000(
        applications_open_at=datetime(2017, 3, 1, tzinfo=STOCKHOLM),
        application_deadline=datetime(2017, 4, 28, 23, 59, tzinfo=STOCKHOLM),
        status=Status.SELECTION,
    )
    html = client.get(reverse("portal:invitation", args=[network.slug])).content.decode()
    assert "28 april 2017" in html and "23.59" in html


def test_apply_button_only_while_accepting(client):
    network = seed_000()
    url = reverse("portal:invitation", args=[network.slug])
    html = client.get(url).content.decode()
    try:
        apply_url = reverse("applications:apply", args=[network.slug])
    except Exception:  # the application page is another engineer's; until it exists there is no button
        apply_url = None
    if apply_url:
        assert f'href="{apply_url}"' in html
    network.application_deadline = timezone.now() - timedelta(minutes=1)
    network.save()
    assert "/ansok/" not in client.get(url).content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ARCHIVED])
def test_unpublished_invitation_is_404(client, status):
    network = NetworkFactory(status=status)
    assert client.get(reverse("portal:invitation", args=[network.slug])).status_code == 404


@pytest.mark.parametrize("status", [Status.OPEN, Status.SELECTION, Status.RUNNING, Status.FINISHED])
def test_published_invitation_is_public(client, status):
    network = NetworkFactory(status=status)
    assert client.get(reverse("portal:invitation", args=[network.slug])).status_code == 200


def test_unknown_invitation_is_404(client):
    assert client.get("/natverk/finns-inte/").status_code == 404


def test_invitation_never_shows_scripts_or_javascript_links(client):
    network = seed_000(title="<script>alert(0)</script>", **dict.fromkeys(TEXT_FIELDS, HOSTILE))
    network.commitments.update(description=HOSTILE, title="<script>alert(3)</script>")
    network.contacts.update(name="<script>alert(4)</script>", role=HOSTILE)
    for url in (reverse("portal:invitation", args=[network.slug]), reverse("portal:catalogue")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        # Typed HTML shows as text; no link anywhere leads to javascript:.
        assert not re.search(r"<[^>]*\bhref\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE)
        assert "&lt;script&gt;" in html


def test_catalogue_lists_public_networks_open_first_by_deadline(client):
    now = timezone.now()
    later = NetworkFactory(title="Öppet senare", application_deadline=now + timedelta(days=30))
    sooner = NetworkFactory(title="Öppet snart", application_deadline=now + timedelta(days=3))
    running = NetworkFactory(title="Pågår", status=Status.RUNNING, application_deadline=now - timedelta(days=90))
    closed = NetworkFactory(title="Urval", status=Status.SELECTION, application_deadline=now - timedelta(days=2))
    NetworkFactory(title="Utkast", status=Status.DRAFT)
    NetworkFactory(title="Arkiverat", status=Status.ARCHIVED)
    response = client.get(reverse("portal:catalogue"))
    assert response.status_code == 200
    assert list(response.context["networks"]) == [sooner, later, closed, running]
    html = response.content.decode()
    assert "Utkast" not in html and "Arkiverat" not in html
    assert reverse("portal:invitation", args=[sooner.slug]) in html


def test_catalogue_open_past_deadline_comes_after_open_ones(client):
    now = timezone.now()
    past = NetworkFactory(title="Passerat", application_deadline=now - timedelta(days=1))
    current = NetworkFactory(title="Aktuellt", application_deadline=now + timedelta(days=1))
    assert list(client.get(reverse("portal:catalogue")).context["networks"]) == [current, past]


def test_catalogue_shows_organisers_summary_deadline(client):
    network = seed_000(application_deadline=datetime(2030, 4, 28, 23, 59, tzinfo=STOCKHOLM))
    network.co_organizers.add(OrganizerFactory(name="Rådet för främjande av kommunala analyser"))
    html = client.get(reverse("portal:catalogue")).content.decode()
    assert "Sveriges Kommuner och Landsting" in html
    assert "Rådet för främjande av kommunala analyser" in html
    assert "styrmodell som fungerade perfekt" in html
    assert "28 april 2030" in html and "23.59" in html


def test_catalogue_empty(client):
    assert client.get(reverse("portal:catalogue")).status_code == 200


def _many(n):
    for _ in range(n):
        network = NetworkFactory()
        network.co_organizers.add(OrganizerFactory())
        NetworkCommitmentFactory(network=network)
        NetworkContact.objects.create(network=network, name="Kontakt")


def test_catalogue_query_count_constant(client, django_assert_max_num_queries):
    _many(1)
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("portal:catalogue"))
    _many(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("portal:catalogue"))
    assert len(response.context["networks"]) == 10


def test_invitation_query_count_constant(client, django_assert_max_num_queries):
    network = seed_000()
    url = reverse("portal:invitation", args=[network.slug])
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    for n in range(9):
        NetworkContact.objects.create(network=network, name=f"Kontakt {n}")
        NetworkCommitmentFactory(network=network, title=f"Åtagande {n}")
        NetworkParticipantRole.objects.create(network=network, title=f"Roll {n}")
        network.co_organizers.add(OrganizerFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)
