"""Reviewing applications: the scoring service and the review list selector.

A review is one reviewer's score (0–5) of one application on one of the network's
criteria; no score means "ej bedömd" (not assessed) and is left out of every
average. The spread shown beside the average is the population standard
deviation of the same scores (all reviewers, all criteria).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Abs, Cast, Sqrt
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Review
from core.audit import acting_as
from municipalities.efficiency_models import need_of_support
from networks.models import ReviewCriterion

MAX_SCORE = 5

# What the list can be sorted by: the public key and the field it sorts on.
ORDERINGS = {
    "municipality": "municipality__name",
    "county": "municipality__county__name",
    "submitted": "submitted_at",
    "average": "average",
    "spread": "spread",
}
DEFAULT_ORDER = "municipality"


class ReviewNotAllowed(ValidationError):
    """The application cannot be scored (it is not submitted)."""


@dataclass(frozen=True)
class ReviewFilters:
    """What the review list is narrowed to. ``status`` "" means every status."""

    status: str = Application.Status.SUBMITTED
    county_id: int | None = None
    kommungrupp: str = ""
    size_group: str = ""


def review_criteria(*, network) -> list[ReviewCriterion]:
    return list(network.review_criteria.all())


def criterion_key(criterion_id: int) -> str:
    return f"criterion_{criterion_id}_average"


@transaction.atomic
def review_save(
    *,
    application: Application,
    reviewer,
    scores: Mapping[int, tuple[int | None, str]],
    actor,
) -> list[Review]:
    """Save ``reviewer``'s scores of ``application``: {criterion id: (score or None, comment)}.

    Only the network's own criteria are accepted; a row that did not change is not
    saved again, so the history shows real changes only.
    """
    if application.status != Application.Status.SUBMITTED:
        raise ReviewNotAllowed(_("Only submitted applications can be scored."), code="not_submitted")
    criteria = {c.pk: c for c in ReviewCriterion.objects.filter(network_id=application.network_id)}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise ValidationError(_("Unknown review criterion."), code="unknown_criterion")
    existing = {
        r.criterion_id: r for r in Review.objects.select_for_update().filter(application=application, reviewer=reviewer)
    }
    saved = []
    with acting_as(actor):
        for criterion_id, (score, comment) in scores.items():
            review = existing.get(criterion_id) or Review(
                application=application, criterion=criteria[criterion_id], reviewer=reviewer
            )
            if review.pk and review.score == score and review.comment == comment:
                saved.append(review)
                continue
            review.score, review.comment = score, comment
            review.full_clean(exclude=["application", "criterion", "reviewer"], validate_unique=False)
            review.save()
            saved.append(review)
    return saved


def reviews_of(*, application: Application) -> QuerySet[Review]:
    """Every reviewer's scores of ``application``, with reviewer and criterion, in criterion order."""
    return (
        Review.objects.filter(application=application)
        .select_related("reviewer", "criterion")
        .order_by("reviewer__name", "reviewer__email", "criterion__order", "criterion__pk")
    )


def application_review_list(
    *,
    network,
    filters: ReviewFilters | None = None,
    order: str = DEFAULT_ORDER,
    reviewer=None,
    criteria: list[ReviewCriterion] | None = None,
) -> QuerySet[Application]:
    """The network's applications for review, in one query whatever their number.

    Annotated with ``average`` and ``spread`` (population standard deviation) of
    the non-null scores of all reviewers and criteria, ``reviewer_count``,
    ``criterion_<id>_average`` per criterion and, with ``reviewer``,
    ``own_review_count`` (criteria that reviewer has scored, "ej bedömd" included).
    ``order`` is a key of ORDERINGS, "-" in front for descending.
    """
    filters = filters or ReviewFilters()
    if criteria is None:
        criteria = review_criteria(network=network)
    queryset = Application.objects.filter(network=network).select_related("municipality__county")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.county_id:
        queryset = queryset.filter(municipality__county_id=filters.county_id)
    if filters.kommungrupp:
        queryset = queryset.filter(municipality__kommungrupp_code=filters.kommungrupp)
    if filters.size_group:
        queryset = queryset.filter(municipality__kolada_size_group=filters.size_group)

    annotations = {
        "average": Avg("reviews__score"),
        "spread": _population_std_dev("reviews__score"),
        "reviewer_count": Count("reviews__reviewer", distinct=True),
    }
    for criterion in criteria:
        annotations[criterion_key(criterion.pk)] = Avg("reviews__score", filter=Q(reviews__criterion=criterion.pk))
    if reviewer is not None:
        annotations["own_review_count"] = Count(
            "reviews__criterion", distinct=True, filter=Q(reviews__reviewer=reviewer.pk)
        )
    queryset = queryset.annotate(**annotations)
    return queryset.order_by(*_ordering(order))


def _population_std_dev(field: str):
    # sqrt(avg(x²) − avg(x)²) rather than StdDev: SQLite's STDDEV_POP fails on NULLs and
    # on empty groups, and NULL ("ej bedömd") must simply be left out as in Avg. Abs()
    # absorbs a rounding error of −1e-16 that sqrt would refuse.
    score = Cast(field, FloatField())
    variance = Avg(score * score) - Avg(score) * Avg(score)
    return Sqrt(Abs(variance), output_field=FloatField())


def _ordering(order: str) -> list:
    descending = order.startswith("-")
    key = order.lstrip("-")
    if key not in ORDERINGS:
        key, descending = DEFAULT_ORDER, False
    expression = F(ORDERINGS[key])
    expression = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [expression, "municipality__name", "pk"]


@dataclass
class ReviewRow:
    """One line of the review list: the application and its figures, for pages and exports."""

    application: Application
    average: float | None
    spread: float | None
    reviewer_count: int
    criterion_averages: list[float | None]
    own_review_done: bool | None
    need_of_support: float | None = None  # 0–100, our calculation; None when no basis value exists


def uses_need_of_support(network) -> bool:
    """Seed 002 selects by need of support: networks that ask for a problem description, or have models for it."""
    return network.requires_problem_description or network.efficiency_models.exists()


def add_need_of_support(rows: list[ReviewRow], *, network) -> list[ReviewRow]:
    """Each row's need-of-support score from the network's efficiency models (or RKA's indices without one)."""
    if not uses_need_of_support(network):
        return rows
    scores = need_of_support(
        models=list(network.efficiency_models.all()),
        municipality_ids=[row.application.municipality_id for row in rows],
    )
    for row in rows:
        row.need_of_support = scores[row.application.municipality_id].score
    return rows


def review_rows(queryset: QuerySet[Application], criteria: list[ReviewCriterion]) -> list[ReviewRow]:
    """The annotated applications as rows; ``own_review_done`` is None without a reviewer."""
    rows = []
    for application in queryset:
        own = getattr(application, "own_review_count", None)
        rows.append(
            ReviewRow(
                application=application,
                average=_rounded(application.average),
                spread=_rounded(application.spread),
                reviewer_count=application.reviewer_count,
                criterion_averages=[_rounded(getattr(application, criterion_key(c.pk))) for c in criteria],
                own_review_done=None if own is None else bool(criteria) and own >= len(criteria),
            )
        )
    return rows


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 2)
