"""The waiting list: when a member leaves, the first on the list is offered the place.

The offer is e-mailed (after the commit) with a deadline: 23:59
Europe/Stockholm a number of days later (the network's selection rules, 14 by
default). Accepting makes the municipality a member
(``decisions.membership_from_application``) and sends the acceptance letter;
declining, or no answer by the deadline (the periodic ``expire_offers``), passes
the offer on to the next on the list. Each applicant is offered a place at
most once. Everything is visible on the selection workbench.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.decisions import DecisionError, membership_from_application
from applications.models import Application, WaitlistOffer
from applications.selection_data import selection_rules
from core.audit import acting_as
from networks.models import Membership, Network
from networks.permissions import can_lead

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OFFER_DAYS = 14

Decision = Application.Decision
Offer = WaitlistOffer.Status


def offer_deadline(now: datetime, days: int = OFFER_DAYS) -> datetime:
    """23:59 Europe/Stockholm ``days`` days after ``now``'s date."""
    day = timezone.localtime(now, STOCKHOLM).date() + timedelta(days=days)
    return datetime.combine(day, time(23, 59), tzinfo=STOCKHOLM)


def waiting_list(network: Network):
    """The published waiting list in order, with each applicant's offers."""
    return (
        Application.objects.filter(
            network=network, status=Application.Status.SUBMITTED, published_decision=Decision.WAITLIST
        )
        .select_related("municipality")
        .prefetch_related("waitlist_offers")
        .order_by("waitlist_rank", "pk")
    )


def free_places(network: Network) -> int:
    members = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).count()
    offered = WaitlistOffer.objects.filter(network=network, status=Offer.OPEN).count()
    return network.capacity - members - offered


def _next_in_line(network: Network) -> Application | None:
    members = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).values("municipality_id")
    return (
        Application.objects.filter(
            network=network, status=Application.Status.SUBMITTED, published_decision=Decision.WAITLIST
        )
        .exclude(waitlist_offers__isnull=False)
        .exclude(municipality_id__in=members)
        .order_by("waitlist_rank", "pk")
        .first()
    )


@transaction.atomic
def offer_next_place(*, network: Network, vacated_by: Membership | None = None, now=None) -> WaitlistOffer | None:
    """Offer a free place to the first on the waiting list not yet offered one (None: no place or nobody left)."""
    from applications.tasks import send_waitlist_offer

    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.status not in (Network.Status.SELECTION, Network.Status.RUNNING) or free_places(network) <= 0:
        return None
    application = _next_in_line(network)
    if application is None:
        return None
    now = now or timezone.now()
    offer = WaitlistOffer.objects.create(
        application=application,
        network=network,
        vacated_by=vacated_by,
        offered_at=now,
        deadline=offer_deadline(now, selection_rules(network).offer_days),
    )
    transaction.on_commit(lambda: send_waitlist_offer.delay(offer.pk))
    return offer


@transaction.atomic
def member_leave(
    *, membership: Membership, actor, reason: str, left_on=None
) -> tuple[Membership, WaitlistOffer | None]:
    """A member leaves the network (marked by a lead); the offer its departure made, if any.

    ``networks.services.membership_leave`` sends ``membership_left``, on which
    ``applications.receivers`` offers the place (``offer_next_place``).
    """
    from networks.services import membership_leave

    if not can_lead(actor, membership.network):
        raise DecisionError(_("Only the network's leads may end a membership."))
    membership = membership_leave(membership=membership, actor=actor, reason=reason, left_on=left_on)
    offer = WaitlistOffer.objects.filter(vacated_by=membership, status=Offer.OPEN).first()
    return membership, offer


def _open_offer(offer: WaitlistOffer, now) -> WaitlistOffer:
    offer = WaitlistOffer.objects.select_for_update().select_related("application__network").get(pk=offer.pk)
    if offer.status != Offer.OPEN:
        raise DecisionError(_("The offer has already been answered or has passed."))
    if now > offer.deadline:
        raise DecisionError(_("The time to answer the offer has passed."))
    return offer


@transaction.atomic
def offer_accept(*, offer: WaitlistOffer, actor, now=None) -> Membership:
    """The municipality takes the place: a member from now on, and the acceptance letter is sent."""
    from applications.tasks import send_decision_letters

    now = now or timezone.now()
    offer = _open_offer(offer, now)
    application = offer.application
    with acting_as(actor):
        offer.status, offer.answered_at, offer.answered_by = Offer.ACCEPTED, now, actor
        offer.save()
        application.decision = application.published_decision = Decision.ACCEPTED
        application.waitlist_rank = None
        application.decision_reason = _("Offered a place from the waiting list.")
        application.decision_published_at = now
        application.save()
        membership, _created = membership_from_application(application, started_on=timezone.localdate(now))
    network_id = application.network_id
    transaction.on_commit(lambda: send_decision_letters.delay(network_id))
    return membership


@transaction.atomic
def offer_decline(*, offer: WaitlistOffer, actor, now=None) -> WaitlistOffer | None:
    """The municipality declines; the place is offered to the next on the list (returned)."""
    now = now or timezone.now()
    offer = _open_offer(offer, now)
    with acting_as(actor):
        offer.status, offer.answered_at, offer.answered_by = Offer.DECLINED, now, actor
        offer.save()
    return offer_next_place(network=offer.network, vacated_by=offer.vacated_by, now=now)


@transaction.atomic
def offer_withdraw(*, offer: WaitlistOffer, actor, now=None) -> WaitlistOffer:
    """A lead withdraws an open offer (e.g. the member stayed after all); it does not pass on."""
    if not can_lead(actor, offer.network):
        raise DecisionError(_("Only the network's leads may withdraw an offer."))
    offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != Offer.OPEN:
        raise DecisionError(_("The offer has already been answered or has passed."))
    with acting_as(actor):
        offer.status, offer.answered_at, offer.answered_by = Offer.WITHDRAWN, now or timezone.now(), actor
        offer.save()
    return offer


def expire_offers(*, now=None) -> int:
    """Close every open offer past its deadline and pass each place on; return how many expired."""
    now = now or timezone.now()
    expired = 0
    for offer_id in WaitlistOffer.objects.filter(status=Offer.OPEN, deadline__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            offer = WaitlistOffer.objects.select_for_update().filter(pk=offer_id, status=Offer.OPEN).first()
            if offer is None:
                continue
            with acting_as(None):
                offer.status = Offer.EXPIRED
                offer.save()
            expired += 1
            offer_next_place(network=offer.network, vacated_by=offer.vacated_by, now=now)
    return expired
