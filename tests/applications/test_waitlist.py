"""The waiting list: a member leaves, the first in line is offered the place; declined or unanswered, it passes on."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from applications import decisions, waitlist
from applications.models import Application, WaitlistOffer
from applications.tasks import expire_waitlist_offers
from networks.models import Membership
from tests.applications.test_decisions import selection_network
from tests.factories import representative, staff

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
Offer = WaitlistOffer.Status


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """Twelve applicants for ten places, decided from the proposal and published: two on the waiting list."""
    lead = staff()
    network, _applications = selection_network(lead)
    decisions.selection_run(network=network, actor=lead)
    decisions.decisions_from_proposal(network=network, actor=lead)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decisions_publish(network=network, actor=lead)
    mail.outbox.clear()
    waiting = list(waitlist.waiting_list(network))
    assert [a.waitlist_rank for a in waiting] == [1, 2]
    return lead, network, waiting


def leave(lead, network, callbacks):
    member = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).first()
    with callbacks(execute=True):
        return waitlist.member_leave(membership=member, actor=lead, reason="Omorganisation.")


def test_the_deadline_is_23_59_in_stockholm_fourteen_days_later():
    now = datetime(2026, 3, 20, 23, 30, tzinfo=UTC)  # already 21 March in Stockholm
    assert waitlist.offer_deadline(now) == datetime(2026, 4, 4, 23, 59, tzinfo=STOCKHOLM)


def test_no_offer_while_the_network_is_full(published):
    _lead, network, _waiting = published
    assert waitlist.free_places(network) == 0
    assert waitlist.offer_next_place(network=network) is None


def test_a_member_leaving_offers_the_place_to_the_first_in_line(published, django_capture_on_commit_callbacks):
    lead, network, waiting = published
    membership, offer = leave(lead, network, django_capture_on_commit_callbacks)
    assert membership.status == Membership.Status.LEFT and membership.left_reason == "Omorganisation."
    assert offer.application == waiting[0] and offer.status == Offer.OPEN and offer.vacated_by == membership
    assert offer.deadline > offer.offered_at + timedelta(days=13)
    assert waitlist.free_places(network) == 0  # the open offer holds the place
    assert len(mail.outbox) == 1 and waiting[0].submitted_by.email in mail.outbox[0].to
    assert reverse("applications:offer", args=[waiting[0].pk, offer.pk]) in mail.outbox[0].body
    # The task running twice sends nothing new.
    from applications.tasks import send_waitlist_offer

    assert send_waitlist_offer(offer.pk) == 0


def test_accepting_makes_a_member_and_sends_the_welcome(published, django_capture_on_commit_callbacks):
    lead, network, waiting = published
    _membership, offer = leave(lead, network, django_capture_on_commit_callbacks)
    rep = waiting[0].submitted_by
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member = waitlist.offer_accept(offer=offer, actor=rep)
    assert member.status == Membership.Status.ACTIVE and member.municipality == waiting[0].municipality
    assert member.participants.count() == 1
    application = Application.objects.get(pk=waiting[0].pk)
    assert application.published_decision == Application.Decision.ACCEPTED and application.waitlist_rank is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [rep.email]
    assert Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).count() == 10
    with pytest.raises(decisions.DecisionError):
        waitlist.offer_accept(offer=offer, actor=rep)


def test_declining_passes_the_offer_on(published, django_capture_on_commit_callbacks):
    lead, network, waiting = published
    _membership, offer = leave(lead, network, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        following = waitlist.offer_decline(offer=offer, actor=waiting[0].submitted_by)
    offer.refresh_from_db()
    assert offer.status == Offer.DECLINED
    assert following.application == waiting[1] and following.status == Offer.OPEN
    # Declined once: never offered again, and with the list exhausted nobody is offered.
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.offer_decline(offer=following, actor=waiting[1].submitted_by) is None
    assert waitlist.free_places(network) == 1


def test_no_answer_by_the_deadline_passes_the_offer_on(published, django_capture_on_commit_callbacks):
    lead, network, waiting = published
    _membership, offer = leave(lead, network, django_capture_on_commit_callbacks)
    assert waitlist.expire_offers(now=offer.deadline - timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.expire_offers(now=offer.deadline + timedelta(minutes=1)) == 1
    offer.refresh_from_db()
    assert offer.status == Offer.EXPIRED
    nxt = WaitlistOffer.objects.get(network=network, status=Offer.OPEN)
    assert nxt.application == waiting[1]
    with pytest.raises(decisions.DecisionError):
        waitlist.offer_accept(offer=offer, actor=waiting[0].submitted_by)
    assert expire_waitlist_offers() == 0  # the periodic task: nothing else is due now


def test_a_lead_withdraws_an_offer_and_outsiders_cannot(published, django_capture_on_commit_callbacks):
    lead, network, _waiting = published
    _membership, offer = leave(lead, network, django_capture_on_commit_callbacks)
    with pytest.raises(decisions.DecisionError):
        waitlist.offer_withdraw(offer=offer, actor=staff())
    waitlist.offer_withdraw(offer=offer, actor=lead)
    offer.refresh_from_db()
    assert offer.status == Offer.WITHDRAWN
    with pytest.raises(decisions.DecisionError):
        waitlist.member_leave(
            membership=Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).first(),
            actor=staff(),
            reason="",
        )


def test_the_representative_answers_on_the_offer_page(published, client, django_capture_on_commit_callbacks):
    lead, network, waiting = published
    _membership, offer = leave(lead, network, django_capture_on_commit_callbacks)
    url = reverse("applications:offer", args=[waiting[0].pk, offer.pk])
    # Another municipality, a lead and anonymous cannot answer.
    client.force_login(representative("0180") if waiting[0].municipality.code != "0180" else representative("0114"))
    assert client.get(url).status_code == 404
    client.force_login(lead)
    assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(waiting[0].submitted_by)
    page = client.get(url)
    assert page.status_code == 200 and network.title in page.content.decode()
    assert client.post(url, {"action": "<script>"}).status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.OPEN
    detail = client.get(reverse("applications:detail", args=[waiting[0].pk]))
    assert url in detail.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.ACCEPTED
    assert Membership.objects.get(network=network, municipality=waiting[0].municipality).status == "active"
    # A wrong offer id for the right application is a 404.
    assert client.get(reverse("applications:offer", args=[waiting[0].pk, offer.pk + 999])).status_code == 404


def test_the_published_decision_shows_on_the_application(published, client):
    _lead, _network, waiting = published
    client.force_login(waiting[1].submitted_by)
    page = client.get(reverse("applications:detail", args=[waiting[1].pk])).content.decode()
    assert "Reservlista" in page or "Waiting list" in page
    other = Application.objects.filter(network=waiting[1].network, published_decision="accepted").first()
    assert client.get(reverse("applications:detail", args=[other.pk])).status_code == 404


def test_ending_a_membership_on_the_lead_page_offers_the_place(published, client, django_capture_on_commit_callbacks):
    lead, network, waiting = published
    member = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).first()
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("leads:member_leave", args=[network.slug, member.pk]), {"reason": "Flyttar resurser."}
        )
    assert response.status_code == 302
    offer = WaitlistOffer.objects.get(network=network)
    assert (offer.application, offer.vacated_by, offer.status) == (waiting[0], member, Offer.OPEN)
    assert len(mail.outbox) == 1
