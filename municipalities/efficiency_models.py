"""Efficiency models and the need of support: our own calculation from Kolada's values.

SKR's definition (seed 002) is effektivitet = kvalitet × volym / resurs. Taken
literally it mixes units and directions, so a model is computed like this
(the same text is shown to users on the model's page):

1. **Parts relative to the median.** Each key figure of the model is divided by
   the median of all kommuner that year, so 1 means "as the median kommun":
   ``value / median`` when higher is better, ``median / value`` when lower is
   better (e.g. waiting days). Parts with different units become comparable.
2. **Quality** Q is the mean of the quality parts, **volume** V the mean of the
   volume parts.
3. **Resource** R is the resource's value relative to its median. It must be a
   cost in kronor and positive. When it is already a cost per unit (kr/elev),
   volume is in it and drops out: E = Q / R. With a total cost, E = Q × V / R
   and every volume part must be a number (antal).
4. **Index.** Efficiency index = 100 × E / the median of E over all kommuner
   with a value that year: the median kommun has 100, higher is more efficient.
   The group index is the same against the median of the kommun's kommungrupp.
5. **Rank** 1 is the most efficient of the kommuner with a value that year.
   **Trend** is the change of the index over the last (up to) five years with a value.

A kommun that lacks a value that year, or has one that cannot be used (a zero
or negative resource, a zero or negative value where lower is better, a
negative value), has no efficiency that year: it is shown as missing with the
reason, never as zero.

**Need of support** (used by the selection): for each basis item — the
network's efficiency models, or RKA's six efficiency indices (Kolada, 0–100)
when the network has none — take the item's latest year and the kommun's
percentile p among all kommuner with a value (0 = least efficient, 100 = most,
ties counted half). The item's need is 100 − p. The score is the mean of the
items the kommun has a value for, so 100 is the greatest need. With no value
for any item the score is missing, never zero.
"""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from municipalities.models import EfficiencyModel, EfficiencyModelKpi, Kpi, KpiValue, Municipality

Role = EfficiencyModelKpi.Role
Unit = Kpi.Unit
Direction = Kpi.Direction

RESOURCE_UNITS = {Unit.COST_PER_UNIT, Unit.COST_TOTAL}
TREND_YEARS = 5
TREND_STEADY = 5.0  # index points: a smaller change over the trend years counts as unchanged
RKA_EFFICIENCY_CATEGORY = "rka_effektivitetsindex"


# --- The rules ------------------------------------------------------------------


class Problem(NamedTuple):
    role: str  # the role whose key figure is at fault, or "" for the model as a whole
    message: str


def model_problems(parts: Sequence[tuple[Kpi, str]]) -> list[Problem]:
    """Why a model of these (key figure, role) parts cannot be computed soundly; empty when it can."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for kpi, role in parts:
        if kpi.id in seen:
            problems.append(
                Problem(role, _("%(kpi)s is used twice. Each key figure can have one role only.") % {"kpi": kpi.id})
            )
        seen.add(kpi.id)
    quality = [kpi for kpi, role in parts if role == Role.QUALITY]
    volume = [kpi for kpi, role in parts if role == Role.VOLUME]
    resources = [kpi for kpi, role in parts if role == Role.RESOURCE]
    if not quality:
        problems.append(Problem(Role.QUALITY, _("Choose at least one key figure for quality or result.")))
    if len(resources) != 1:
        problems.append(Problem(Role.RESOURCE, _("Choose exactly one key figure for the resource.")))
    problems += [Problem(Role.QUALITY, message) for kpi in quality for message in _factor_problems(kpi)]
    problems += [
        Problem(
            Role.QUALITY,
            _("%(kpi)s has no direction (higher or lower is better) and cannot measure quality.") % {"kpi": _name(kpi)},
        )
        for kpi in quality
        if kpi.unit and not kpi.direction
    ]
    problems += [Problem(Role.VOLUME, message) for kpi in volume for message in _factor_problems(kpi)]
    problems += [Problem(Role.RESOURCE, message) for kpi in resources for message in _resource_problems(kpi)]
    if len(resources) == 1 and resources[0].unit == Unit.COST_TOTAL:
        if not volume:
            message = _(
                "With a total cost as the resource the model needs a volume (a number, e.g. pupils): "
                "otherwise a large kommun always looks less efficient than a small one."
            )
            problems.append(Problem(Role.VOLUME, message))
        for kpi in volume:
            if kpi.unit and kpi.unit != Unit.COUNT:
                message = _("The volume %(kpi)s must be a number (antal) when the resource is a total cost.")
                problems.append(Problem(Role.VOLUME, message % {"kpi": _name(kpi)}))
    return problems


def _name(kpi: Kpi) -> str:
    return f"{kpi.id} {kpi.title}"


def _factor_problems(kpi: Kpi) -> list[str]:
    if not kpi.unit:
        return [_unknown_unit(kpi)]
    if kpi.unit == Unit.DEVIATION:
        return [
            _("%(kpi)s is a deviation that can be zero or negative and cannot be a factor of efficiency.")
            % {"kpi": _name(kpi)}
        ]
    if kpi.unit in RESOURCE_UNITS:
        return [_("%(kpi)s is a cost: use it as the resource, not as quality or volume.") % {"kpi": _name(kpi)}]
    return []


def _resource_problems(kpi: Kpi) -> list[str]:
    if kpi.unit in RESOURCE_UNITS:
        return []
    if not kpi.unit:
        return [_unknown_unit(kpi)]
    if kpi.unit == Unit.SHARE:
        reason = _("%(kpi)s is a share: a share is not a resource in kronor and cannot be the divisor.")
    elif kpi.unit == Unit.DEVIATION:
        reason = _("%(kpi)s is a deviation that can be zero or negative and cannot be the divisor.")
    else:
        reason = _("%(kpi)s is not a cost. The resource must be a cost in kronor, in total or per unit.")
    return [reason % {"kpi": _name(kpi)}]


def _unknown_unit(kpi: Kpi) -> str:
    return _(
        "The kind of value of %(kpi)s is not known. An administrator sets it under Key figures before it can be used."
    ) % {"kpi": _name(kpi)}


# --- The computation ------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A kommun's efficiency one year; ``index`` None means missing, with the reason."""

    year: int
    index: float | None
    group_index: float | None = None
    rank: int | None = None
    ranked: int = 0  # kommuner with a value that year
    missing: str = ""
    uses_demo: bool = False


@dataclass
class ModelResult:
    model: EfficiencyModel
    parts: list[EfficiencyModelKpi]
    problems: list[str]
    volume_dropped: bool = False
    years: list[int] = field(default_factory=list)
    points: dict[int, dict[int, Point]] = field(default_factory=dict)  # municipality pk -> year -> point

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def point(self, municipality_id: int, year: int) -> Point:
        """The kommun's point that year; a kommun without any value that year is missing ("No values")."""
        return self.points.get(municipality_id, {}).get(year) or Point(year=year, index=None, missing=_("No values"))

    def series(self, municipality_id: int) -> list[Point]:
        return [self.point(municipality_id, year) for year in self.years]

    def latest(self, municipality_id: int) -> Point | None:
        return None if self.latest_year is None else self.point(municipality_id, self.latest_year)

    def trend(self, municipality_id: int) -> float | None:
        """Index points gained (positive) or lost over the last up to five years with a value."""
        known = [point for point in self.series(municipality_id)[-TREND_YEARS:] if point.index is not None]
        if len(known) < 2:
            return None
        return known[-1].index - known[0].index

    def uses_demo(self) -> bool:
        return any(point.uses_demo for by_year in self.points.values() for point in by_year.values())


def signed(change: float | None) -> str:
    """A change in index points as people write it: +3,2 or −1,5 (one decimal, the locale's comma)."""
    if change is None:
        return ""
    text = number_format(abs(change), 1)
    return f"+{text}" if change > 0 else f"−{text}" if change < 0 else text


def trend_label(change: float | None) -> str:
    if change is None:
        return _("not enough years")
    if change >= TREND_STEADY:
        return _("improving")
    if change <= -TREND_STEADY:
        return _("worsening")
    return _("unchanged")


def compute_model(model: EfficiencyModel) -> ModelResult:
    return compute_models([model])[0]


def compute_models(models: Sequence[EfficiencyModel]) -> list[ModelResult]:
    """Every kommun's efficiency index, group index and rank, each year all of a model's parts have values.

    Three queries whatever the number of models and kommuner: the parts, the kommuner, the values.
    """
    if not models:
        return []
    parts_by_model: dict[int, list[EfficiencyModelKpi]] = defaultdict(list)
    for part in EfficiencyModelKpi.objects.filter(model__in=[model.pk for model in models]).select_related("kpi"):
        parts_by_model[part.model_id].append(part)
    results = []
    for model in models:
        parts = parts_by_model[model.pk]
        problems = model_problems([(part.kpi, part.role) for part in parts])
        result = ModelResult(model=model, parts=parts, problems=[problem.message for problem in problems])
        if not problems:
            resource = next(part.kpi for part in parts if part.role == Role.RESOURCE)
            result.volume_dropped = resource.unit == Unit.COST_PER_UNIT
        results.append(result)
    used_by_result = [
        [part for part in result.parts if not (result.volume_dropped and part.role == Role.VOLUME)]
        if not result.problems
        else []
        for result in results
    ]
    kpi_ids = {part.kpi_id for used in used_by_result for part in used}
    if not kpi_ids:
        return results
    kommuner = dict(
        Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY).values_list("pk", "kommungrupp_code")
    )
    values: dict[str, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    demo: set[tuple[str, int, int]] = set()
    rows = KpiValue.objects.filter(
        kpi__in=kpi_ids,
        gender=KpiValue.Gender.TOTAL,
        municipality__kind=Municipality.Kind.MUNICIPALITY,
        value__isnull=False,
    ).order_by()  # the default ordering joins Kpi and Municipality
    for kpi_id, municipality_id, year, value, is_demo in rows.values_list(
        "kpi_id", "municipality_id", "year", "value", "is_demo"
    ):
        values[kpi_id][year][municipality_id] = value
        if is_demo:
            demo.add((kpi_id, municipality_id, year))
    for result, used in zip(results, used_by_result, strict=True):
        if used:
            _compute(result, used, values, demo, kommuner)
    return results


def _compute(result: ModelResult, used, values, demo, kommuner) -> None:
    result.years = sorted(set.intersection(*(set(values[part.kpi_id]) for part in used)))
    for year in result.years:
        raw: dict[int, float] = {}
        missing: dict[int, str] = {}
        medians = {part.kpi_id: statistics.median(values[part.kpi_id][year].values()) for part in used}
        for municipality_id in kommuner:
            efficiency, reason = _efficiency(used, values, medians, year, municipality_id)
            if efficiency is None:
                missing[municipality_id] = reason
            else:
                raw[municipality_id] = efficiency
        year_demo = {
            municipality_id
            for municipality_id in raw
            if any((part.kpi_id, municipality_id, year) in demo for part in used)
        }
        _rank_year(result, year, raw, missing, kommuner, year_demo)


def _part(part: EfficiencyModelKpi, value: float | None, median: float, year: int) -> tuple[float | None, str]:
    kpi = part.kpi
    if value is None:
        return None, _("No value for %(kpi)s in %(year)s") % {"kpi": kpi.id, "year": year}
    if median <= 0:
        return None, _("The median of %(kpi)s is zero or negative in %(year)s") % {"kpi": kpi.id, "year": year}
    if part.role == Role.RESOURCE:
        if value <= 0:
            return None, _("The resource %(kpi)s is zero or negative") % {"kpi": kpi.id}
        return value / median, ""
    if kpi.direction == Direction.LOWER:
        if value <= 0:
            return None, _("%(kpi)s is zero or negative where lower is better") % {"kpi": kpi.id}
        return median / value, ""
    if value < 0:
        return None, _("%(kpi)s is negative") % {"kpi": kpi.id}
    return value / median, ""


def _efficiency(used, values, medians, year, municipality_id) -> tuple[float | None, str]:
    by_role: dict[str, list[float]] = defaultdict(list)
    for part in used:
        relative, reason = _part(part, values[part.kpi_id][year].get(municipality_id), medians[part.kpi_id], year)
        if relative is None:
            return None, reason
        by_role[part.role].append(relative)
    efficiency = statistics.fmean(by_role[Role.QUALITY]) / by_role[Role.RESOURCE][0]
    if by_role[Role.VOLUME]:
        efficiency *= statistics.fmean(by_role[Role.VOLUME])
    return efficiency, ""


def _rank_year(result: ModelResult, year: int, raw, missing, kommuner, demo) -> None:
    if not raw:
        for municipality_id, reason in missing.items():
            result.points.setdefault(municipality_id, {})[year] = Point(year=year, index=None, missing=reason)
        return
    country = statistics.median(raw.values())
    groups: dict[str, list[float]] = defaultdict(list)
    for municipality_id, efficiency in raw.items():
        if kommuner[municipality_id]:
            groups[kommuner[municipality_id]].append(efficiency)
    group_medians = {code: statistics.median(group) for code, group in groups.items()}
    ordered = sorted(raw.values(), reverse=True)
    for municipality_id, efficiency in raw.items():
        group_median = group_medians.get(kommuner[municipality_id])
        result.points.setdefault(municipality_id, {})[year] = Point(
            year=year,
            index=100 * efficiency / country if country > 0 else None,
            group_index=100 * efficiency / group_median if group_median else None,
            # Competition ranking: equal values share a rank (1, 2, 2, 4).
            rank=_rank_descending(ordered, efficiency),
            ranked=len(ordered),
            uses_demo=municipality_id in demo,
        )
    for municipality_id, reason in missing.items():
        result.points.setdefault(municipality_id, {})[year] = Point(
            year=year, index=None, ranked=len(ordered), missing=reason
        )


def _rank_descending(ordered_desc: list[float], value: float) -> int:
    # The number of values strictly greater, plus one; ordered_desc is sorted high to low.
    negated = [-item for item in ordered_desc]
    return bisect.bisect_left(negated, -value) + 1


# --- Need of support ------------------------------------------------------------


@dataclass(frozen=True)
class NeedPart:
    label: str
    ours: bool  # our calculation (an efficiency model) or Kolada's (an RKA index)
    year: int | None
    value: float | None
    need: float | None


@dataclass(frozen=True)
class NeedOfSupport:
    score: float | None  # 0–100, 100 the greatest need; None when no basis item has a value
    parts: list[NeedPart]

    @property
    def available(self) -> int:
        return sum(1 for part in self.parts if part.need is not None)


def percentile(sorted_values: list[float], value: float) -> float:
    """Where ``value`` stands among ``sorted_values`` (which include it): 0 lowest, 100 highest, ties half."""
    if len(sorted_values) < 2:
        return 50.0
    below = bisect.bisect_left(sorted_values, value)
    equal = bisect.bisect_right(sorted_values, value) - below - 1
    return 100 * (below + equal / 2) / (len(sorted_values) - 1)


def need_of_support(*, models: Sequence[EfficiencyModel], municipality_ids: Iterable[int]) -> dict[int, NeedOfSupport]:
    """The need-of-support score of each municipality (see the module's documentation)."""
    municipality_ids = list(municipality_ids)
    basis: list[tuple[str, bool, int | None, dict[int, float]]] = []
    if models:
        for result in compute_models(models):
            model, year = result.model, result.latest_year
            latest = {}
            if year is not None:
                latest = {
                    municipality_id: by_year[year].index
                    for municipality_id, by_year in result.points.items()
                    if year in by_year and by_year[year].index is not None
                }
            basis.append((model.name, True, year, latest))
    else:
        basis = _rka_basis()
    ordered = [sorted(latest.values()) for _label, _ours, _year, latest in basis]
    scores: dict[int, NeedOfSupport] = {}
    for municipality_id in municipality_ids:
        parts = []
        for (label, ours, year, latest), sorted_values in zip(basis, ordered, strict=True):
            value = latest.get(municipality_id)
            need = None
            if value is not None:
                need = round(100 - percentile(sorted_values, value), 1)
            parts.append(NeedPart(label=label, ours=ours, year=year, value=value, need=need))
        needs = [part.need for part in parts if part.need is not None]
        scores[municipality_id] = NeedOfSupport(score=round(statistics.fmean(needs), 1) if needs else None, parts=parts)
    return scores


def _rka_basis() -> list[tuple[str, bool, int | None, dict[int, float]]]:
    """RKA's efficiency indices, each at its latest year with values: one query for the key figures, one for values."""
    kpis = list(Kpi.objects.filter(category=RKA_EFFICIENCY_CATEGORY).order_by("id"))
    rows = (
        KpiValue.objects.filter(
            kpi__in=[kpi.id for kpi in kpis],
            gender=KpiValue.Gender.TOTAL,
            municipality__kind=Municipality.Kind.MUNICIPALITY,
            value__isnull=False,
        )
        .order_by()
        .values_list("kpi_id", "municipality_id", "year", "value")
    )
    by_kpi: dict[str, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for kpi_id, municipality_id, year, value in rows:
        by_kpi[kpi_id][year][municipality_id] = value
    basis = []
    for kpi in kpis:
        year = max(by_kpi[kpi.id], default=None)
        basis.append((kpi.title, False, year, dict(by_kpi[kpi.id][year]) if year is not None else {}))
    return basis
