"""Calendar feeds: create, revoke and replace the secret addresses of subscribable calendars.

A network's feed is made by its leads; a participant's feed is made by the system
(for the participant's personal page and e-mails). At most one feed per network
and per participant is active: the partial unique constraints hold that even when
two requests race, and the loser reads the winner's feed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import CalendarFeed
from networks.models import MembershipParticipant, Network
from networks.permissions import can_lead


def _active_or_create(*, actor=None, **target) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(revoked_at__isnull=True, **target).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(created_by=actor, **target)
    except IntegrityError:
        # Another request created it between our read and our insert.
        return CalendarFeed.objects.get(revoked_at__isnull=True, **target)


def _check_may_manage(*, feed: CalendarFeed, actor) -> None:
    # A participant's feed may also be managed by the system (no actor), e.g. from their personal link.
    if actor is None and feed.participant_id is not None:
        return
    network = feed.network if feed.network_id is not None else feed.participant.membership.network
    if actor is None or not can_lead(actor, network):
        raise PermissionDenied(_("Only the network’s leads may manage its calendar feeds."))


@transaction.atomic
def feed_for_network(*, network: Network, actor) -> CalendarFeed:
    """The network's active feed, created if it has none. Only the network's leads may ask."""
    if not can_lead(actor, network):
        raise PermissionDenied(_("Only the network’s leads may manage its calendar feeds."))
    return _active_or_create(actor=actor, network=network)


@transaction.atomic
def feed_for_participant(*, participant: MembershipParticipant) -> CalendarFeed:
    """The participant's active feed, created if there is none (by the system; idempotent)."""
    return _active_or_create(participant=participant)


@transaction.atomic
def feed_revoke(*, feed: CalendarFeed, actor) -> CalendarFeed:
    """Turn the feed's address off for good; revoking a revoked feed changes nothing."""
    _check_may_manage(feed=feed, actor=actor)
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    feed.refresh_from_db(fields=["revoked_at"])
    return feed


@transaction.atomic
def feed_rotate(*, feed: CalendarFeed, actor) -> CalendarFeed:
    """Revoke ``feed`` and give its network or participant a new active feed (a new secret address)."""
    feed_revoke(feed=feed, actor=actor)
    if feed.network_id is not None:
        return _active_or_create(actor=actor, network=feed.network)
    return _active_or_create(actor=actor, participant=feed.participant)
