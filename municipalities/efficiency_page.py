"""The efficiency profile of a municipality as its page shows it; the page and its PDF (reports.profile) share it.

Who may see it: staff (any organiser) and the municipality's own representatives; an unknown code is a 404,
anyone else a 403. What it shows: each followed key figure against the medians of the municipality group and
of all municipalities (an index where the median is 100, and what that means in words), the trend over the
years as a chart with its numbers, and for staff their organisers' efficiency models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles
from core import charts
from municipalities import selectors
from municipalities.efficiency import KpiProfile, efficiency_profile
from municipalities.efficiency_models import TREND_YEARS, ModelResult, Point, compute_models, signed, trend_label
from municipalities.models import EfficiencyModel, Kpi, Municipality

SAME = 0.05  # index points: a smaller distance from 100 reads as "as the median"


def efficiency_municipality_or_404(user, code: str) -> Municipality:
    """The municipality whose efficiency profile ``user`` may see: 404 for an unknown code, else 403 unless
    the user is staff or one of its own representatives."""
    municipality = selectors.municipality_get(code=code)
    if municipality is None:
        raise Http404
    if not (roles.is_representative(user, municipality) or roles.is_staff_member(user)):
        raise PermissionDenied
    return municipality


@dataclass(frozen=True)
class Comparison:
    """The municipality's value against one median: the median, the index (median = 100) and it in words."""

    median: float | None
    index: float | None
    words: str


@dataclass
class KpiSection:
    municipality_name: str
    profile: KpiProfile
    group: Comparison
    country: Comparison

    @cached_property
    def chart(self) -> charts.Chart:
        """Made when first shown (the PDF shows a few of the charts only)."""
        return _trend_chart(self.municipality_name, self.profile)


def efficiency_page_context(*, municipality: Municipality, user) -> dict:
    """Everything the page (and the PDF) shows; a constant number of queries."""
    staff = roles.is_staff_member(user)
    profiles = efficiency_profile(municipality=municipality)
    sections = [_kpi_section(municipality, profile) for profile in profiles]
    models = []
    if staff:
        # Staff see their organisers' models; the results are ours, not Kolada's, and labelled so.
        visible = roles.scope_to_organizers(EfficiencyModel.objects.select_related("organizer"), user)
        models = [_model_item(municipality, result) for result in compute_models(list(visible))]
    return {
        "models": models,
        "municipality": municipality,
        "is_own": roles.is_representative(user, municipality) and not staff,
        "profiles": sections,
        "uses_demo": any(profile.uses_demo for profile in profiles),
    }


# --- Key figures ---------------------------------------------------------------------------------------------


def _kpi_section(municipality: Municipality, profile: KpiProfile) -> KpiSection:
    latest, kpi = profile.latest, profile.kpi
    # A deviation (can be zero or negative) has no index: the difference from the median says it all.
    ratio = kpi.unit != Kpi.Unit.DEVIATION
    return KpiSection(
        municipality_name=municipality.name,
        profile=profile,
        group=compare(
            latest.value, latest.group_median, whom=_("the municipality group"), direction=kpi.direction, ratio=ratio
        ),
        country=compare(
            latest.value, latest.country_median, whom=_("all municipalities"), direction=kpi.direction, ratio=ratio
        ),
    )


def compare(
    value: float | None, median: float | None, *, whom: str, direction: str = "", ratio: bool = True
) -> Comparison:
    """``value`` against ``median`` in words, e.g. "5,1 above the median of the municipality group; better
    than the median: higher is better". Without a value or a median there is nothing to compare. The index
    (100 × value / median) only where a ratio means something: ``ratio`` and a positive median."""
    if value is None or median is None:
        return Comparison(median=median, index=None, words="")
    index = 100 * value / median if ratio and median > 0 and value >= 0 else None
    difference = value - median
    numbers = {"difference": charts.format_value(abs(difference)), "whom": whom}
    if difference > 0:
        words = _("%(difference)s above the median of %(whom)s") % numbers
    elif difference < 0:
        words = _("%(difference)s below the median of %(whom)s") % numbers
    else:
        words = _("equal to the median of %(whom)s") % numbers
    judgement = _judgement(difference, direction)
    return Comparison(median=median, index=index, words=f"{words}; {judgement}" if judgement else words)


def _judgement(difference: float, direction: str) -> str:
    if difference == 0 or direction not in (Kpi.Direction.HIGHER, Kpi.Direction.LOWER):
        return ""
    better = (difference > 0) == (direction == Kpi.Direction.HIGHER)
    if direction == Kpi.Direction.HIGHER:
        return _("better than the median: higher is better") if better else _("worse than the median: higher is better")
    return _("better than the median: lower is better") if better else _("worse than the median: lower is better")


def _trend_chart(name: str, profile: KpiProfile) -> charts.Chart:
    title = profile.kpi.title or profile.kpi.id
    return charts.line_figure(
        chart_id=f"trend-{profile.kpi.id}",
        title=title,
        description=_(
            "%(title)s per year: %(name)s compared with the median of its municipality group and of all "
            "municipalities (medians: our calculation). The numbers are in the table next to the chart."
        )
        % {"title": title, "name": name},
        years=[point.year for point in profile.trend],
        series=[
            charts.Series(name, [point.value for point in profile.trend]),
            charts.Series(_("Municipality group median"), [point.group_median for point in profile.trend]),
            charts.Series(_("Median of all municipalities"), [point.country_median for point in profile.trend]),
        ],
    )


# --- Efficiency models ---------------------------------------------------------------------------------------


def _model_item(municipality: Municipality, result: ModelResult) -> dict:
    series = result.series(municipality.pk)[-TREND_YEARS:]
    change = result.trend(municipality.pk)
    latest = result.latest(municipality.pk)
    return {
        "result": result,
        "series": series,
        "latest": latest,
        "trend": change,
        "trend_text": signed(change),
        "trend_label": trend_label(change),
        "index_words": index_words(latest.index if latest else None, whom=_("all municipalities")),
        "group_index_words": index_words(latest.group_index if latest else None, whom=_("its municipality group")),
        "chart": _model_chart(municipality.name, result, series),
    }


def index_words(index: float | None, *, whom: str) -> str:
    """An efficiency index (the median = 100) in words: "12,0 per cent more efficient than the median of …"."""
    if index is None:
        return ""
    numbers = {"percent": charts.format_value(abs(index - 100)), "whom": whom}
    if abs(index - 100) < SAME:
        return _("as efficient as the median of %(whom)s") % numbers
    if index > 100:
        return _("%(percent)s per cent more efficient than the median of %(whom)s") % numbers
    return _("%(percent)s per cent less efficient than the median of %(whom)s") % numbers


def _model_chart(name: str, result: ModelResult, series: list[Point]) -> charts.Chart:
    return charts.line_figure(
        chart_id=f"model-{result.model.pk}",
        title=_("%(model)s: efficiency index") % {"model": result.model.name},
        description=_(
            "Efficiency index per year (our calculation): %(name)s against all municipalities (median = 100) and "
            "against its municipality group (median = 100). The numbers are in the table next to the chart."
        )
        % {"name": name},
        years=[point.year for point in series],
        series=[
            charts.Series(_("Index, all municipalities = 100"), [point.index for point in series]),
            charts.Series(_("Index, municipality group = 100"), [point.group_index for point in series]),
        ],
    )
