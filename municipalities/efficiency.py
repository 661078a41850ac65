"""The efficiency profile of a municipality: followed key figures against its group and the country.

The values are Kolada's (or demo values until the first sync); the medians are
our own calculation over the kommuner's values (gender T) and must not be
attributed to Kolada. Two queries whatever the number of key figures: the
key figures, then all their values, with the medians computed in Python.

The medians of the country and of each municipality group are the same for every
municipality: they are cached (``RegisterFigures``) until key figure values change
(``register_figures_changed``: a save, the Kolada sync, the demo values)
or ``REGISTER_CACHE_SECONDS`` pass, and a profile then reads only its own values.
The apply page shows the profile, so 290 municipalities applying at once would
otherwise read all 87 000 values at every showing and saving of the form.
"""

from __future__ import annotations

import hashlib
import secrets
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from municipalities.models import Kpi, KpiValue, Municipality

TREND_YEARS = 10
REGISTER_CACHE_SECONDS = 15 * 60  # also bounds how long a changed municipality group goes unnoticed
_VERSION_KEY = "efficiency:register-version"
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


@dataclass(frozen=True)
class RegisterFigures:
    """What every municipality's profile shares: medians by key figure and year, and which use demo values."""

    country: dict[str, dict[int, float]]  # kpi -> year -> median of the kommuner
    group: dict[str, dict[int, dict[str, float]]]  # kpi -> year -> municipality group code -> median
    demo_kpis: frozenset[str]


def register_figures_changed(**_kwargs) -> None:
    """Forget the cached medians now and again after the commit (a profile read meanwhile saw the old values).

    Connected to KpiValue's post_save; the writers in SQL (the Kolada sync, the demo values) call it themselves.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(_VERSION_KEY, secrets.token_hex(8), None)


def _register_key(kpi_ids: list[str]) -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(_VERSION_KEY)
    digest = hashlib.sha256(",".join(kpi_ids).encode()).hexdigest()[:16]
    return f"efficiency:register:{version}:{digest}"


def efficiency_profile(*, municipality: Municipality, kpi_ids: Iterable[str] | None = None) -> list[KpiProfile]:
    """Each followed key figure with values: the last ``TREND_YEARS`` years, latest last."""
    kpis = Kpi.objects.filter(followed=True).order_by("id")
    if kpi_ids is not None:
        kpis = kpis.filter(id__in=list(kpi_ids))
    rank = {category: number for number, category in enumerate(CATEGORY_ORDER)}
    kpis = sorted(kpis, key=lambda kpi: (rank.get(kpi.category, len(rank)), kpi.id))
    ids = sorted(kpi.id for kpi in kpis)
    key = _register_key(ids)
    register = cache.get(key)
    if register is None:
        register, own = _all_values(ids, municipality)
        cache.set(key, register, REGISTER_CACHE_SECONDS)
    else:
        own = _own_values(ids, municipality)
    kommungrupp = municipality.kommungrupp_code
    profiles = []
    for kpi in kpis:
        country = register.country.get(kpi.id, {})
        group = register.group.get(kpi.id, {})
        mine = own.get(kpi.id, {})
        years = sorted(set(country) | {y for y, (v, _demo) in mine.items() if v is not None})
        if not years:
            continue
        trend = [
            YearFigures(
                year=year,
                value=mine.get(year, (None, False))[0],
                group_median=group.get(year, {}).get(kommungrupp) if kommungrupp else None,
                country_median=country.get(year),
                is_demo=mine.get(year, (None, False))[1],
            )
            for year in years[-TREND_YEARS:]
        ]
        profiles.append(KpiProfile(kpi=kpi, trend=trend, uses_demo=kpi.id in register.demo_kpis))
    return profiles


def _kommun_values(kpi_ids: list[str]):
    return KpiValue.objects.filter(
        kpi__in=kpi_ids,
        gender=KpiValue.Gender.TOTAL,
        municipality__kind=Municipality.Kind.MUNICIPALITY,
    ).order_by()  # No ordering: the default one joins Kpi and Municipality (slow on 87 000 rows).


def _own_values(kpi_ids: list[str], municipality: Municipality) -> dict[str, dict[int, tuple[float | None, bool]]]:
    """The municipality's own values (a kommun's: a region's are not in the profile), one query."""
    own: dict[str, dict[int, tuple[float | None, bool]]] = defaultdict(dict)
    rows = _kommun_values(kpi_ids).filter(municipality=municipality)
    for kpi_id, year, value, is_demo in rows.values_list("kpi_id", "year", "value", "is_demo"):
        own[kpi_id][year] = (value, is_demo)
    return own


def _all_values(kpi_ids: list[str], municipality: Municipality):
    """The medians of every kommun's values, and the municipality's own values, from one query."""
    rows = _kommun_values(kpi_ids).values_list(
        "kpi_id", "municipality_id", "municipality__kommungrupp_code", "year", "value", "is_demo"
    )
    # kpi -> year -> the kommuner's values, kpi -> year -> group -> the group's values
    country: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    group: dict[str, dict[int, dict[str, list[float]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    own: dict[str, dict[int, tuple[float | None, bool]]] = defaultdict(dict)
    demo_kpis: set[str] = set()
    for kpi_id, municipality_id, group_code, year, value, is_demo in rows:
        if municipality_id == municipality.pk:
            own[kpi_id][year] = (value, is_demo)
        if value is None:
            continue
        if is_demo:
            demo_kpis.add(kpi_id)
        country[kpi_id][year].append(value)
        if group_code:
            group[kpi_id][year][group_code].append(value)
    register = RegisterFigures(
        country={kpi: {year: _median(values) for year, values in years.items()} for kpi, years in country.items()},
        group={
            kpi: {year: {code: _median(values) for code, values in codes.items()} for year, codes in years.items()}
            for kpi, years in group.items()
        },
        demo_kpis=frozenset(demo_kpis),
    )
    return register, own
