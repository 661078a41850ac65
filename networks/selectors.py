from django.db.models import Case, Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import roles
from networks.models import Membership, Network, Organizer
from networks.permissions import networks_led_by, public_networks


def organizers_for_user(*, user) -> QuerySet[Organizer]:
    """The organisers whose data ``user`` may see (all of them for a superuser)."""
    return roles.scope_to_organizers(Organizer.objects.all(), user, field="pk")


def organizer_for_user_or_404(*, user, slug: str) -> Organizer:
    """One organiser, or 404 when it is not the user's: others' organisers do not exist for them."""
    return get_object_or_404(organizers_for_user(user=user), slug=slug)


# Application statuses by code: networks sits below applications and does not import it.
APPLICATION_DRAFT = "draft"
APPLICATION_SUBMITTED = "submitted"


def _with_parts(queryset: QuerySet[Network]) -> QuerySet[Network]:
    return queryset.select_related("organizer").prefetch_related(
        "co_organizers", "contacts", "commitments", "participant_roles"
    )


def networks_for_lead_list(*, user) -> QuerySet[Network]:
    """The networks ``user`` leads, with their application and membership counts."""
    # Re-select by pk: networks_led_by joins co-organisers, which would multiply the counts.
    led = Network.objects.filter(pk__in=networks_led_by(user).values("pk"))
    # Counted in subqueries, one network at a time: joining applications and memberships together would make
    # (applications × members) rows per network before counting, which grows with every network led.
    return (
        led.select_related("organizer")
        .prefetch_related("co_organizers")
        .annotate(
            applications_draft=_count(Network.applications.rel.related_model, status=APPLICATION_DRAFT),
            applications_submitted=_count(Network.applications.rel.related_model, status=APPLICATION_SUBMITTED),
            members=_count(Membership, status=Membership.Status.ACTIVE),
        )
        .order_by(F("application_deadline").desc(nulls_first=True), "title", "pk")
    )


def _count(model, **filters) -> Subquery:
    """The number of ``model`` rows of the outer network matching ``filters``, 0 when none."""
    rows = (
        model.objects.filter(network=OuterRef("pk"), **filters)
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return Subquery(rows, output_field=IntegerField())


def network_for_lead_with_parts_or_404(*, user, slug: str) -> Network:
    """A network ``user`` leads, with what its invitation shows (404 for others' networks)."""
    return get_object_or_404(_with_parts(networks_led_by(user)), slug=slug)


def network_overview_counts(*, network: Network) -> dict:
    """Applications by status, submitted ones by county and municipality group, and memberships."""
    applications = network.applications.all()
    by_status = dict(applications.values_list("status").annotate(n=Count("pk")).order_by())
    submitted = applications.filter(status=APPLICATION_SUBMITTED)
    by_county = list(
        submitted.values("municipality__county__name").annotate(n=Count("pk")).order_by("municipality__county__name")
    )
    by_group = list(
        submitted.values("municipality__kommungrupp_name")
        .annotate(n=Count("pk"))
        .order_by("municipality__kommungrupp_name")
    )
    return {
        "applications_by_status": by_status,
        "applications_total": sum(by_status.values()),
        "by_county": [(row["municipality__county__name"], row["n"]) for row in by_county],
        "by_group": [(row["municipality__kommungrupp_name"], row["n"]) for row in by_group],
        "members": network.memberships.filter(status=Membership.Status.ACTIVE).count(),
    }


def public_catalogue(*, now=None) -> QuerySet[Network]:
    """Published networks, those accepting applications first (soonest deadline first), then the rest."""
    now = now or timezone.now()
    accepting = (
        Q(status=Network.Status.OPEN)
        & (Q(applications_open_at__isnull=True) | Q(applications_open_at__lte=now))
        & (Q(application_deadline__isnull=True) | Q(application_deadline__gte=now))
    )
    return (
        public_networks()
        .select_related("organizer")
        .prefetch_related("co_organizers")
        .annotate(rank=Case(When(accepting, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by(
            "rank",
            Case(When(accepting, then=F("application_deadline"))).asc(nulls_last=True),
            F("application_deadline").desc(nulls_last=True),
            "title",
        )
    )


def public_invitation_or_404(*, slug: str) -> Network:
    """A published network with what its invitation shows; drafts and archived ones are 404."""
    return get_object_or_404(_with_parts(public_networks()), slug=slug)
