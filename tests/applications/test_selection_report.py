"""The selection report: everything a public body needs to explain an urval, printable, in constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffRole
from applications import decisions
from applications.models import Application, SelectionRules
from tests.applications.test_workbench import CODES, MORE_CODES, selection_network, url
from tests.factories import OrganizerFactory, UserFactory, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
Decision = Application.Decision


@pytest.fixture
def setup():
    x, y = OrganizerFactory(name="Org X"), OrganizerFactory(name="Org Y")
    network, applications = selection_network(x)
    return {
        "x": x,
        "network": network,
        "applications": applications,
        "lead": staff(Role.NETWORK_LEAD, organizer=x, name="Lena Lead"),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=y),
    }


def decided_with_an_override(setup):
    network, lead = setup["network"], setup["lead"]
    run = decisions.selection_run(network=network, actor=lead)
    decisions.decisions_from_proposal(network=network, actor=lead)
    left_out = Application.objects.filter(network=network, decision=Decision.WAITLIST).order_by("waitlist_rank").last()
    decisions.decision_set(
        application=left_out,
        actor=lead,
        decision=Decision.REJECTED,
        reason="Ansökan saknade kommunledningsbeslut",
    )
    chosen = Application.objects.get(pk=run.chosen[0])
    decisions.decision_set(
        application=chosen,
        actor=lead,
        decision=Decision.WAITLIST,
        override_reason="Kommunen bad själv att vänta ett år",
    )
    return run, chosen, left_out


def text(response) -> str:
    body = re.sub(r"<svg.*?</svg>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_report_explains_the_urval(setup, client):
    _run, chosen, _left_out = decided_with_an_override(setup)
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"], "report"))
    assert response.status_code == 200
    content = text(response)
    # The network, the date and who ran the proposal.
    assert "Urvalsnätverket" in content and "Lena Lead" in content
    # The criteria: the reviewers' criterion and the rules in words, with the places.
    assert "Problembeskrivningen" in content
    assert any("10" in sentence for sentence in response.context["rules_in_words"])
    assert "15 000" in content  # the default rule: at least two under 15 000 inhabitants
    # The method, in words.
    assert "integer linear programming" in content or "heltalsprogrammering" in content
    # Every applicant with its facts.
    for application in setup["applications"]:
        assert application.municipality.name in content
    # The proposal with each chosen one's share and the binding rules with their gains.
    assert len(response.context["chosen_rows"]) == 10
    for name, _gain in response.context["binding"]:
        assert name in content
    # The decisions with reasons, the override and its reason.
    assert "Ansökan saknade kommunledningsbeslut" in content
    assert "Kommunen bad själv att vänta ett år" in content
    assert [row.application.pk for row in response.context["overrides"]] == [chosen.pk]
    # The waiting list in order: the one left out first, the chosen one put last by the override.
    assert [row.application.waitlist_rank for row in response.context["waiting"]] == [1, 2]
    assert response.context["waiting"][-1].application.pk == chosen.pk
    # The distributions: a chart and a table per dimension.
    assert len(response.context["sections"]) == 5
    assert response.content.decode().count("<svg") == 15  # applicants, proposal, accepted × 5


def test_the_report_is_printable_without_inline_styles_or_scripts(setup, client):
    decided_with_an_override(setup)
    client.force_login(setup["lead"])
    body = client.get(url(setup["network"], "report")).content.decode()
    assert 'href="/static/css/print.css" media="print"' in body
    assert 'src="/static/js/print.js"' in body
    assert " style=" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # every script is a file
    assert 'class="d-print-none' in body  # navigation and buttons stay off the paper


def test_the_report_before_any_run_or_decision(setup, client):
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"], "report"))
    assert response.status_code == 200
    assert response.context["run"] is None and response.context["decided"] == []


def test_the_report_of_an_infeasible_run_names_the_conflicts(setup, client):
    network = setup["network"]
    SelectionRules.objects.create(network=network, size_min={"under_15000": 11})
    run = decisions.selection_run(network=network, actor=setup["lead"])
    client.force_login(setup["lead"])
    content = text(client.get(url(network, "report")))
    for name in run.result["conflicts"]:
        assert name in content


def test_the_report_costs_the_same_number_of_queries_for_3_and_20_applications(client):
    organizer = OrganizerFactory()
    lead = staff(Role.NETWORK_LEAD, organizer=organizer)
    small, _ = selection_network(organizer, ["1984", "0428", "2021"], capacity=2)
    large, _ = selection_network(organizer, CODES + MORE_CODES, capacity=10)
    counts = []
    client.force_login(lead)
    for network in (small, large):
        decisions.selection_run(network=network, actor=lead)
        decisions.decisions_from_proposal(network=network, actor=lead)
        client.get(url(network, "report"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(network, "report")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_report_for_leads_only(setup, client):
    path = url(setup["network"], "report")
    response = client.get(path)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for user in (representative("0114"), staff(Role.FINANCE, organizer=setup["x"]), UserFactory()):
        client.force_login(user)
        assert client.get(path).status_code == 403
    client.force_login(setup["other_lead"])
    assert client.get(path).status_code == 404
    for user in (
        setup["lead"],
        staff(Role.ADMINISTRATOR, organizer=setup["x"]),
        UserFactory(is_superuser=True, is_staff=True),
    ):
        client.force_login(user)
        assert client.get(path).status_code == 200


def test_the_network_and_review_pages_link_to_the_workbench(setup, client):
    client.force_login(setup["lead"])
    workbench_url = url(setup["network"])
    for page in ("leads:network_overview", "reviews:list"):
        body = client.get(reverse(page, args=[setup["network"].slug])).content.decode()
        assert f'href="{workbench_url}"' in body, page
