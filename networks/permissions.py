"""Who may see and change networks.

A network's leads are the network leads (and administrators) of its invoicing
organiser and its co-organisers. Staff of other organisers do not see it at all
(404, not 403: another organiser's networks do not exist for them).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts import roles
from networks.models import Network


def networks_led_by(user) -> QuerySet[Network]:
    """The networks ``user`` leads: all of them for a superuser, none for others."""
    allowed = roles.organizer_ids(user, {roles.Role.NETWORK_LEAD, roles.Role.ADMINISTRATOR})
    queryset = Network.objects.all()
    if allowed is None:
        return queryset
    return queryset.filter(Q(organizer_id__in=allowed) | Q(co_organizers__in=allowed)).distinct()


def network_for_lead_or_404(user, slug: str) -> Network:
    return get_object_or_404(networks_led_by(user), slug=slug)


def can_lead(user, network: Network) -> bool:
    if roles.is_superuser(user):
        return True
    allowed = roles.organizer_ids(user, {roles.Role.NETWORK_LEAD, roles.Role.ADMINISTRATOR}) or set()
    if network.organizer_id in allowed:
        return True
    return network.co_organizers.filter(pk__in=allowed).exists()


PUBLIC_STATUSES = (
    Network.Status.OPEN,
    Network.Status.SELECTION,
    Network.Status.RUNNING,
    Network.Status.FINISHED,
)


def public_networks() -> QuerySet[Network]:
    """Networks anyone may read: published (not drafts, not archived)."""
    return Network.objects.filter(status__in=PUBLIC_STATUSES)
