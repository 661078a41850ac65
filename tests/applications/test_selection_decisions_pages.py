"""Deciding, publishing and the waiting list from the workbench: forms, refusals, letters, members, access."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import StaffRole
from applications import decisions, waitlist
from applications.models import Application, WaitlistOffer
from networks.models import Membership, Network
from tests.applications.test_workbench import selection_network, submitted, url
from tests.factories import OrganizerFactory, UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
Decision = Application.Decision


@pytest.fixture
def setup():
    x, y = OrganizerFactory(name="Org X"), OrganizerFactory(name="Org Y")
    network, applications = selection_network(x)
    lead = staff(Role.NETWORK_LEAD, organizer=x)
    return {
        "x": x,
        "y": y,
        "network": network,
        "applications": applications,
        "lead": lead,
        "other_lead": staff(Role.NETWORK_LEAD, organizer=y),
    }


@pytest.fixture
def proposed(setup):
    """The proposal has been run: (chosen application, left-out application)."""
    run = decisions.selection_run(network=setup["network"], actor=setup["lead"])
    left_out = next(a for a in setup["applications"] if a.pk not in run.chosen)
    chosen = Application.objects.get(pk=run.chosen[0])
    return chosen, left_out


def errors(response) -> str:
    match = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else ""


# The decision form -----------------------------------------------------------------------


def test_the_form_starts_from_the_proposal_and_explains_it(setup, proposed, client):
    chosen, left_out = proposed
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"], "decide", chosen.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["decision"] == Decision.ACCEPTED
    assert response.context["row"].contribution is not None
    response = client.get(url(setup["network"], "decide", left_out.pk))
    assert response.context["form"].initial["decision"] == Decision.WAITLIST
    assert response.context["row"].swap.replaces_name in response.content.decode()


def test_an_override_without_a_reason_is_refused_and_keeps_what_was_entered(setup, proposed, client):
    _chosen, left_out = proposed
    client.force_login(setup["lead"])
    response = client.post(
        url(setup["network"], "decide", left_out.pk),
        {"decision": Decision.ACCEPTED, "rank": "", "reason": "Stark ansökan om styrning", "override_reason": ""},
    )
    assert response.status_code == 400
    assert left_out.municipality.name in errors(response)
    body = response.content.decode()
    assert "Stark ansökan om styrning" in body  # the entered reason is kept
    assert re.search(r'value="accepted"[^>]*checked', body)
    left_out.refresh_from_db()
    assert left_out.decision == "" and not left_out.overrides_proposal


def test_an_override_with_a_reason_is_saved_and_shown(setup, proposed, client):
    _chosen, left_out = proposed
    client.force_login(setup["lead"])
    response = client.post(
        url(setup["network"], "decide", left_out.pk),
        {
            "decision": Decision.ACCEPTED,
            "reason": "",
            "override_reason": "Enda kommunen från sitt län med ny styrmodell",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#application-{left_out.pk}")
    left_out.refresh_from_db()
    assert left_out.decision == Decision.ACCEPTED and left_out.overrides_proposal
    assert left_out.override_reason == "Enda kommunen från sitt län med ny styrmodell"
    assert left_out.decided_by == setup["lead"]
    body = client.get(url(setup["network"])).content.decode()
    assert "Enda kommunen från sitt län" in body


def test_waiting_list_rank_and_not_accepted_instead_of_the_waiting_list(setup, proposed, client):
    _chosen, left_out = proposed
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "decide", left_out.pk), {"decision": Decision.WAITLIST, "rank": "3"})
    assert response.status_code == 302
    left_out.refresh_from_db()
    # The only one on the list: ranks run 1, 2, 3 … without gaps.
    assert (left_out.decision, left_out.waitlist_rank, left_out.overrides_proposal) == (Decision.WAITLIST, 1, False)
    # "Not accepted" instead of the proposed waiting list is no departure: no reason needed.
    response = client.post(url(setup["network"], "decide", left_out.pk), {"decision": Decision.REJECTED, "rank": "3"})
    assert response.status_code == 302
    left_out.refresh_from_db()
    assert (left_out.decision, left_out.waitlist_rank, left_out.overrides_proposal) == (Decision.REJECTED, None, False)


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "maybe"},
        {},
        {"decision": Decision.WAITLIST, "rank": "-1"},
        {"decision": Decision.WAITLIST, "rank": "many"},
        {"decision": Decision.ACCEPTED, "reason": "x" * 5000},
        {"decision": Decision.WAITLIST, "rank": str(10**30)},
        {"decision": Decision.ACCEPTED, "override_reason": "y" * 100_000},
        {"decision": "<script>alert(1)</script>"},
    ],
)
def test_invalid_decisions_are_form_errors(setup, client, data):
    application = setup["applications"][0]
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "decide", application.pk), data)
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.decision == ""


def test_deciding_without_a_proposal_needs_no_reason(setup, client):
    application = setup["applications"][0]
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "decide", application.pk), {"decision": Decision.REJECTED})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.decision == Decision.REJECTED and not application.overrides_proposal


def test_deciding_another_networks_or_an_unsubmitted_application_is_a_404(setup, client):
    _network, (other,) = selection_network(setup["y"], ["0180"])
    draft = Application.objects.create(
        network=setup["network"], municipality=municipality("0115"), created_by=UserFactory()
    )
    client.force_login(setup["lead"])
    for pk in (other.pk, draft.pk, 999_999):
        assert client.get(url(setup["network"], "decide", pk)).status_code == 404
        assert client.post(url(setup["network"], "decide", pk), {"decision": Decision.ACCEPTED}).status_code == 404
    other.refresh_from_db()
    assert other.decision == ""


def test_use_the_proposal_sets_every_decision(setup, proposed, client):
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "use_proposal"), follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    decided = Application.objects.filter(network=setup["network"])
    assert decided.filter(decision=Decision.ACCEPTED).count() == 10
    assert sorted(decided.filter(decision=Decision.WAITLIST).values_list("waitlist_rank", flat=True)) == [1, 2]


def test_use_the_proposal_without_a_run_is_a_message(setup, client):
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "use_proposal"), follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    assert not Application.objects.filter(network=setup["network"]).exclude(decision="").exists()


# Publishing ------------------------------------------------------------------------------


def test_publishing_with_problems_is_refused_and_the_page_says_why(setup, proposed, client):
    chosen, _left_out = proposed
    decisions.decision_set(application=chosen, actor=setup["lead"], decision=Decision.ACCEPTED)
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"], "publish"))
    assert response.status_code == 200
    assert response.context["problems"]
    body = response.content.decode()
    assert re.search(r'<button type="submit" class="btn btn-success btn-lg" disabled', body)
    undecided = setup["applications"][1] if setup["applications"][0] == chosen else setup["applications"][0]
    assert undecided.municipality.name in body
    response = client.post(url(setup["network"], "publish"), follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    assert not Membership.objects.filter(network=setup["network"]).exists()
    assert not Application.objects.filter(network=setup["network"]).exclude(published_decision="").exists()
    assert mail.outbox == []


def test_more_accepted_than_places_cannot_be_published(setup, proposed, client):
    _chosen, left_out = proposed
    decisions.decisions_from_proposal(network=setup["network"], actor=setup["lead"])
    decisions.decision_set(
        application=left_out, actor=setup["lead"], decision=Decision.ACCEPTED, override_reason="Vill ha elva"
    )
    client.force_login(setup["lead"])
    assert client.get(url(setup["network"], "publish")).context["problems"]
    client.post(url(setup["network"], "publish"))
    assert not Membership.objects.filter(network=setup["network"]).exists()


def test_the_demo_journey_run_override_publish_letters_members(setup, client, django_capture_on_commit_callbacks):
    """Run, see why, override one (with reasons), publish: the letters go out and the accepted are members."""
    network, lead = setup["network"], setup["lead"]
    client.force_login(lead)
    client.post(url(network, "run"))
    client.post(url(network, "use_proposal"))
    run = decisions.latest_run(network)
    left_out = Application.objects.filter(network=network, decision=Decision.WAITLIST).order_by("waitlist_rank").last()
    chosen = Application.objects.get(pk=run.chosen[-1])
    reason = "Byter plats enligt styrgruppens beslut"
    for application, decision in ((chosen, Decision.WAITLIST), (left_out, Decision.ACCEPTED)):
        response = client.post(
            url(network, "decide", application.pk), {"decision": decision, "override_reason": reason}
        )
        assert response.status_code == 302
    page = client.get(url(network, "publish"))
    assert page.context["problems"] == [] and len(page.context["changes"]) == 12
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(network, "publish"), follow=True)
    assert response.status_code == 200
    assert any("12" in str(message) for message in response.context["messages"])
    members = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE)
    assert members.count() == 10 and members.filter(municipality=left_out.municipality).exists()
    assert not members.filter(municipality=chosen.municipality).exists()
    assert len(mail.outbox) == 12
    assert {message.to[0] for message in mail.outbox} >= {left_out.created_by.email, chosen.created_by.email}
    network.refresh_from_db()
    assert network.status == Network.Status.RUNNING
    bench = response.context["bench"]
    assert bench.published == 12 and bench.unpublished == 0 and response.context["members"] == 10
    # Publishing again sends nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(network, "publish"), follow=True)
    assert len(mail.outbox) == 12 and list(response.context["messages"])


# The waiting list ------------------------------------------------------------------------


@pytest.fixture
def published(setup, django_capture_on_commit_callbacks):
    network, lead = setup["network"], setup["lead"]
    decisions.selection_run(network=network, actor=lead)
    decisions.decisions_from_proposal(network=network, actor=lead)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decisions_publish(network=network, actor=lead)
    mail.outbox.clear()
    return list(waitlist.waiting_list(network))


def leave_one(network):
    member = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).first()
    Membership.objects.filter(pk=member.pk).update(status=Membership.Status.LEFT)
    return member


def test_the_panel_shows_the_published_waiting_list_and_an_offer(
    setup, published, client, django_capture_on_commit_callbacks
):
    network = setup["network"]
    client.force_login(setup["lead"])
    response = client.get(url(network))
    assert [a.pk for a in response.context["waiting_list"]] == [a.pk for a in published]
    assert response.context["free_places"] == 0
    assert url(network, "offer_next") not in response.content.decode()
    leave_one(network)
    with django_capture_on_commit_callbacks(execute=True):
        offer = waitlist.offer_next_place(network=network)
    assert offer.application == published[0]
    assert len(mail.outbox) >= 1  # the offer is e-mailed
    body = client.get(url(network)).content.decode()
    assert url(network, "offer_withdraw", offer.pk) in body
    assert published[0].municipality.name in body


def test_withdraw_an_offer_and_offer_the_place_again(setup, published, client, django_capture_on_commit_callbacks):
    network = setup["network"]
    leave_one(network)
    offer = waitlist.offer_next_place(network=network)
    client.force_login(setup["lead"])
    response = client.post(url(network, "offer_withdraw", offer.pk))
    assert response.status_code == 302 and response["Location"].endswith("#waiting-list")
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.WITHDRAWN and offer.answered_by == setup["lead"]
    # Withdrawing twice is a message, not an error.
    assert client.post(url(network, "offer_withdraw", offer.pk), follow=True).status_code == 200
    body = client.get(url(network)).content.decode()
    assert url(network, "offer_next") in body  # a free place again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(network, "offer_next"), follow=True)
    assert response.status_code == 200
    second = WaitlistOffer.objects.get(network=network, status=WaitlistOffer.Status.OPEN)
    assert second.application == published[1]  # each applicant is offered a place once


def test_offer_next_without_a_free_place_is_a_message(setup, published, client):
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "offer_next"), follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    assert not WaitlistOffer.objects.exists()


def test_another_networks_offer_is_a_404(setup, published, client, django_capture_on_commit_callbacks):
    other_network, _applications = selection_network(setup["x"], ["1984", "0428", "2021"], capacity=2)
    lead = setup["lead"]
    decisions.selection_run(network=other_network, actor=lead)
    decisions.decisions_from_proposal(network=other_network, actor=lead)
    decisions.decisions_publish(network=other_network, actor=lead)
    leave_one(other_network)
    offer = waitlist.offer_next_place(network=other_network)
    client.force_login(lead)
    assert client.post(url(setup["network"], "offer_withdraw", offer.pk)).status_code == 404
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.OPEN


# Access ----------------------------------------------------------------------------------


def urls_for(setup):
    network, application = setup["network"], setup["applications"][0]
    return {
        "decide": url(network, "decide", application.pk),
        "publish": url(network, "publish"),
        "offer_withdraw": url(network, "offer_withdraw", 1),
        "offer_next": url(network, "offer_next"),
    }


@pytest.mark.parametrize("view", ["decide", "publish"])
def test_leads_and_admins_open_the_forms(setup, client, view):
    for user in (setup["lead"], staff(Role.ADMINISTRATOR, organizer=setup["x"]), UserFactory(is_superuser=True)):
        client.force_login(user)
        assert client.get(urls_for(setup)[view]).status_code == 200


@pytest.mark.parametrize("view", ["decide", "publish", "offer_withdraw", "offer_next"])
def test_everybody_else_is_refused(setup, client, view):
    path = urls_for(setup)[view]
    data = {"decision": Decision.ACCEPTED}
    response = client.post(path, data)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert reverse("account_login") in client.get(path)["Location"]
    for user in (representative("0114"), staff(Role.FINANCE, organizer=setup["x"]), UserFactory()):
        client.force_login(user)
        assert client.post(path, data).status_code == 403
        assert client.get(path).status_code == 403
    client.force_login(setup["other_lead"])
    assert client.post(path, data).status_code == 404
    assert client.get(path).status_code in (404, 405)
    assert not Application.objects.filter(network=setup["network"]).exclude(decision="").exists()
    assert not Membership.objects.exists() and not WaitlistOffer.objects.exists()


def test_offer_actions_refuse_get(setup, client):
    client.force_login(setup["lead"])
    assert client.get(urls_for(setup)["offer_next"]).status_code == 405
    assert client.get(urls_for(setup)["offer_withdraw"]).status_code == 405


def test_an_application_submitted_after_the_run_is_explained_on_the_form(setup, proposed, client):
    """The run did not include it: the proposal says nothing about it, so no decision departs from it."""
    (late,) = submitted(setup["network"], ["0115"])
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"], "decide", late.pk))
    assert response.status_code == 200 and not response.context["row"].in_run
    response = client.post(url(setup["network"], "decide", late.pk), {"decision": Decision.ACCEPTED})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.decision == Decision.ACCEPTED and not late.overrides_proposal


def test_a_hostile_reason_is_kept_as_text_and_shown_escaped(setup, client):
    application = setup["applications"][0]
    client.force_login(setup["lead"])
    hostile = '<script>alert("x")</script> =HYPERLINK("http://example.com")'
    response = client.post(
        url(setup["network"], "decide", application.pk), {"decision": Decision.REJECTED, "reason": hostile}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.decision_reason == hostile
    for page in (url(setup["network"]), url(setup["network"], "report")):
        body = client.get(page).content.decode()
        assert "<script>alert" not in body and "&lt;script&gt;alert" in body
