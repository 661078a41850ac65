"""The efficiency profile of a municipality: followed key figures against its group and the country.

The values are Kolada's (or demo values until the first sync); the medians are
our own calculation over the kommuner's values (gender T) and must not be
attributed to Kolada. Two queries whatever the number of key figures: the
key figures, then all their values, with the medians computed in Python.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from municipalities.models import Kpi, KpiValue, Municipality

TREND_YEARS = 10
# The order of the page: efficiency first, then what it is made of, then the rest (as in kolada_kpis.csv).
CATEGORY_ORDER = [
    "rka_effektivitetsindex",
    "rka_resursindex",
    "rka_kvalitetsindex",
    "nettokostnadsavvikelse_pct",
    "nettokostnadsavvikelse_mnkr",
    "resurs_kostnad",
    "resurs_personaltäthet",
    "resultat_kvalitet",
    "volym",
    "ekonomi",
    "population",
]


@dataclass(frozen=True)
class YearFigures:
    year: int
    value: float | None  # the municipality's value; None when missing (never shown as zero)
    group_median: float | None
    country_median: float | None
    is_demo: bool


@dataclass(frozen=True)
class KpiProfile:
    kpi: Kpi
    trend: list[YearFigures]  # oldest first
    uses_demo: bool  # any value behind the figures is a demo value

    @property
    def latest(self) -> YearFigures:
        return self.trend[-1]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def efficiency_profile(*, municipality: Municipality, kpi_ids: Iterable[str] | None = None) -> list[KpiProfile]:
    """Each followed key figure with values: the last ``TREND_YEARS`` years, latest last."""
    kpis = Kpi.objects.filter(followed=True).order_by("id")
    if kpi_ids is not None:
        kpis = kpis.filter(id__in=list(kpi_ids))
    rank = {category: number for number, category in enumerate(CATEGORY_ORDER)}
    kpis = sorted(kpis, key=lambda kpi: (rank.get(kpi.category, len(rank)), kpi.id))
    rows = (
        KpiValue.objects.filter(
            kpi__in=[kpi.id for kpi in kpis],
            gender=KpiValue.Gender.TOTAL,
            municipality__kind=Municipality.Kind.MUNICIPALITY,
        )
        .order_by()
        .values_list("kpi_id", "municipality_id", "municipality__kommungrupp_code", "year", "value", "is_demo")
    )
    # No ordering: the default one joins Kpi and Municipality (slow on 87 000 rows).
    # kpi -> year -> the kommuner's values, the group's values, the municipality's (value, is_demo)
    country: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    group: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    own: dict[str, dict[int, tuple[float | None, bool]]] = defaultdict(dict)
    demo_kpis: set[str] = set()
    kommungrupp = municipality.kommungrupp_code
    for kpi_id, municipality_id, group_code, year, value, is_demo in rows:
        if municipality_id == municipality.pk:
            own[kpi_id][year] = (value, is_demo)
        if value is None:
            continue
        if is_demo:
            demo_kpis.add(kpi_id)
        country[kpi_id][year].append(value)
        if kommungrupp and group_code == kommungrupp:
            group[kpi_id][year].append(value)
    profiles = []
    for kpi in kpis:
        years = sorted(set(country[kpi.id]) | {y for y, (v, _demo) in own[kpi.id].items() if v is not None})
        if not years:
            continue
        trend = [
            YearFigures(
                year=year,
                value=own[kpi.id].get(year, (None, False))[0],
                group_median=_median(group[kpi.id].get(year, [])),
                country_median=_median(country[kpi.id].get(year, [])),
                is_demo=own[kpi.id].get(year, (None, False))[1],
            )
            for year in years[-TREND_YEARS:]
        ]
        profiles.append(KpiProfile(kpi=kpi, trend=trend, uses_demo=kpi.id in demo_kpis))
    return profiles
