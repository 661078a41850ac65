"""The selection report PDF: the demo cohort in selection, hostile text, who may download it, constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import StaffRole, User
from applications import decisions, workbench
from applications.models import Application
from networks.models import Network
from reports.selection_report import selection_report_html, selection_report_pdf
from tests.applications.test_workbench import CODES, MORE_CODES, selection_network
from tests.factories import OrganizerFactory, UserFactory, representative, staff
from tests.reports import pdfs

pytestmark = pytest.mark.django_db
Role = StaffRole.Role

STYRSYSTEM = "forenklat-och-effektivare-styrsystem"  # the demo cohort in selection: 21 applicants, 10 places
LEAD = "projektledare@example.se"  # SKR's network lead in the demo
OTHER_LEAD = "projektledare.ksl@example.se"  # KSL's: sees none of SKR's networks


def pdf_url(network) -> str:
    return reverse("reports:selection_report_pdf", args=[network.slug])


def decided(network: Network, lead: User) -> None:
    """A proposal, and decisions that follow it (the chosen accepted, the rest on the waiting list)."""
    decisions.selection_run(network=network, actor=lead)
    decisions.decisions_from_proposal(network=network, actor=lead)


def test_demo_selection_report_has_criteria_applicants_proposal_decisions_and_distributions(seeded):
    network = Network.objects.get(slug=STYRSYSTEM)
    decided(network, User.objects.get(email=LEAD))
    data = selection_report_pdf(network)
    text = pdfs.text(data)
    assert 3 <= pdfs.page_count(data) <= 20
    assert pdfs.title(data) == f"Urvalsrapport: {network.title}"
    assert pdfs.language(data) == "sv"
    assert "Sida 1 av" in text and "Sveriges Kommuner och Regioner" in text
    # The criteria and the rules with their weights.
    for criterion in network.review_criteria.all():
        assert criterion.title in text
    assert "10 platser." in text
    # Every applicant, the proposal and the decisions.
    bench = workbench.workbench(network)
    assert bench.applicants > network.capacity
    for row in bench.all_rows:
        assert row.name in text
    assert bench.count(Application.Decision.ACCEPTED) == network.capacity
    assert f"Antagen ({network.capacity})" in text and "Reservlista" in text
    # The distributions: titles, series and each table's numbers.
    for distribution in workbench.distributions(bench.all_rows, bench.chosen_ids):
        assert distribution.title in text
        for bucket in distribution.buckets:
            assert re.search(rf"{re.escape(bucket.label)}\s*{bucket.applicants} \(", text), bucket
        totals = distribution.totals
        assert re.search(rf"Totalt\s*{totals.applicants}\s*{totals.proposal}\s*{totals.accepted}", text)
    assert "Sökande" in text and "Förslag" in text
    # The charts: one SVG per dimension and series (applicants, proposal, accepted), each with a title.
    html = selection_report_html(network)
    assert html.count("<svg") == 5 * 3
    assert '<title id="distribution-county-applicants-title">Sökande: Län</title>' in html


def test_demo_report_before_any_proposal(seeded):
    data = selection_report_pdf(Network.objects.get(slug=STYRSYSTEM))
    text = pdfs.text(data)
    assert "Inget förslag har körts." in text
    assert 2 <= pdfs.page_count(data) <= 20


def test_report_is_swedish_whatever_the_request_language(seeded):
    with translation.override("en"):
        data = selection_report_pdf(Network.objects.get(slug=STYRSYSTEM))
    text = pdfs.text(data)
    assert "Sida 1 av" in text and "Urvalsrapport" in text and "Riksområde" in text


def test_hostile_texts_make_no_request_and_read_no_file(seeded, hit_server):
    network = Network.objects.get(slug=STYRSYSTEM)
    lead = User.objects.get(email=LEAD)
    hostile = " ".join(hit_server.hostile_texts())
    network.review_criteria.update(title=hostile[:200], description=hostile)
    lead.name = hostile[:150]
    lead.save(update_fields=["name"])
    decided(network, lead)
    applications = Application.objects.filter(network=network, decision=Application.Decision.WAITLIST)
    applications.update(decision_reason=hostile, override_reason=hostile)
    Network.objects.filter(pk=network.pk).update(title=hostile[:200])
    network.refresh_from_db()
    data = selection_report_pdf(network)
    assert hit_server.hits == []
    text = pdfs.text(data)
    assert "root:" not in text
    assert "127.0.0.1" in text  # shown as text, not fetched


def test_download_for_the_networks_leads_only(seeded, client):
    network = Network.objects.get(slug=STYRSYSTEM)
    url = pdf_url(network)
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for user in (representative("0114"), UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(User.objects.get(email=OTHER_LEAD))
    assert client.get(url).status_code == 404
    client.force_login(User.objects.get(email=LEAD))
    assert client.get(reverse("reports:selection_report_pdf", args=["finns-inte"])).status_code == 404
    assert client.post(url).status_code == 405
    response = client.get(url)
    data = pdfs.response_pdf(response)
    assert response["Content-Disposition"] == f'attachment; filename="urvalsrapport-{STYRSYSTEM}.pdf"'
    assert "Urvalsrapport" in pdfs.text(data)


def test_english_request_still_gives_a_swedish_pdf(seeded, client):
    client.force_login(User.objects.get(email=LEAD))
    response = client.get(pdf_url(Network.objects.get(slug=STYRSYSTEM)), HTTP_ACCEPT_LANGUAGE="en")
    text = pdfs.text(pdfs.response_pdf(response))
    assert "Sida 1 av" in text and "Urvalsrapport" in text


def test_report_page_offers_the_pdf(seeded, client):
    network = Network.objects.get(slug=STYRSYSTEM)
    client.force_login(User.objects.get(email=LEAD))
    body = client.get(reverse("selection:report", args=[network.slug])).content.decode()
    assert f'href="{pdf_url(network)}"' in body


def test_the_pdf_costs_the_same_number_of_queries_for_3_and_20_applications(client):
    organizer = OrganizerFactory()
    lead = staff(Role.NETWORK_LEAD, organizer=organizer)
    small, _ = selection_network(organizer, ["1984", "0428", "2021"], capacity=2)
    large, _ = selection_network(organizer, CODES + MORE_CODES, capacity=10)
    client.force_login(lead)
    counts = []
    for network in (small, large):
        decided(network, lead)
        client.get(pdf_url(network))
        with CaptureQueriesContext(connection) as queries:
            pdfs.response_pdf(client.get(pdf_url(network)))
        counts.append(len(queries))
    assert counts[0] == counts[1]
