"""Who may see and change networks.

A network's leads are the network leads (and administrators) of its invoicing
organiser and its co-organisers. Staff of other organisers do not see it at all
(404, not 403: another organiser's networks do not exist for them).
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts import roles
from networks.models import Membership, MembershipCommitment, MembershipParticipant, Network, NetworkCommitment


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


# --- Memberships ---------------------------------------------------------------------------


def _count(queryset: QuerySet, outer: str) -> Coalesce:
    """``queryset``'s rows for the outer row's ``outer``, counted in a subquery (no join to multiply)."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_progress(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships with their participants and confirmed commitments counted, and what they belong to."""
    commitments = NetworkCommitment.objects.filter(network=OuterRef("network")).order_by()
    return queryset.select_related("network__organizer", "municipality__county").annotate(
        participants_count=_count(MembershipParticipant.objects.all(), "membership"),
        commitments_confirmed=_count(MembershipCommitment.objects.filter(confirmed=True), "membership"),
        commitments_total=Coalesce(
            Subquery(commitments.values("network").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            0,
        ),
    )


def memberships_of_own_municipality(user) -> QuerySet[Membership]:
    """The memberships of the representative's municipality (none for anyone else)."""
    if not roles.is_representative(user):
        return Membership.objects.none()
    return Membership.objects.filter(municipality_id=user.municipality_id)


def membership_for_representative_or_404(user, pk: int) -> Membership:
    """One membership of the user's own municipality; another municipality's is a 404."""
    return get_object_or_404(
        memberships_of_own_municipality(user).select_related("network__organizer", "municipality__county"), pk=pk
    )


def membership_for_lead_or_404(user, slug: str, pk: int) -> Membership:
    """One membership of a network ``user`` leads, looked up within that network (others' ids are a 404)."""
    network = network_for_lead_or_404(user, slug)
    membership = get_object_or_404(
        Membership.objects.filter(network=network).select_related("municipality__county"), pk=pk
    )
    membership.network = network
    return membership


def can_edit_membership(user, membership: Membership) -> bool:
    """The municipality's own representatives and the network's leads may complete a membership."""
    return roles.is_representative(user, membership.municipality_id) or can_lead(user, membership.network)
