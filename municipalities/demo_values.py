"""Demo values for the followed key figures, so the efficiency pages work offline (``seed_demo``).

Every value is marked ``is_demo`` and the UI labels it "demodata". The values
are made up but plausible, and deterministic: each is derived from a hash of
the municipality code, the key figure and the year, so running the seed twice
gives the same numbers. Existing rows are never touched (``ON CONFLICT DO NOTHING``
on the unique key figure/municipality/year/gender), so a real value from Kolada is
never overwritten; the sync replaces demo values with real ones.
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction
from django.utils import timezone

from municipalities.efficiency import register_figures_changed
from municipalities.models import Kpi, KpiValue, Municipality

YEARS = 5
POPULATION_KPI = "N01951"
CHUNK = 1_000  # rows per INSERT: 7 000 parameters, within SQLite's (32 766) and PostgreSQL's (65 535) limits

# (low, high) of a plausible value, by category; per key figure where a category mixes units.
CATEGORY_RANGES = {
    "rka_effektivitetsindex": (0.0, 100.0),
    "rka_resursindex": (0.0, 100.0),
    "rka_kvalitetsindex": (0.0, 100.0),
    "nettokostnadsavvikelse_pct": (-15.0, 15.0),
    "resultat_kvalitet": (60.0, 95.0),
    "volym": (2.0, 15.0),
}
KPI_RANGES = {
    "N11008": (150_000.0, 200_000.0),
    "N15008": (100_000.0, 140_000.0),
    "N15027": (110_000.0, 150_000.0),
    "N17005": (130_000.0, 170_000.0),
    "N17007": (120_000.0, 180_000.0),
    "N20048": (200_000.0, 320_000.0),
    "N21006": (250_000.0, 450_000.0),
    "N23009": (900_000.0, 1_300_000.0),
    "N31001": (800.0, 3_500.0),
    "N00096": (60_000.0, 80_000.0),
    "N11102": (4.5, 6.5),
    "N15033": (11.0, 14.0),
    "N15505": (190.0, 260.0),
    "N15507": (190.0, 260.0),
    "U23401": (20.0, 120.0),
    "N31814": (20.0, 60.0),
    "N03001": (-5.0, 8.0),
    "N03106": (-10.0, 70.0),
    "N00901": (19.5, 23.5),
}
DEFAULT_RANGE = (0.0, 100.0)
# Net cost deviation in million kronor: a deviation of ±15 % on roughly 8 000 kr per inhabitant.
MNKR_PER_INHABITANT_AND_PERCENT = 8_000 / 100 / 1_000_000


def demo_years() -> list[int]:
    """The last five complete years (Kolada publishes a year's figures during the next)."""
    last = timezone.localdate().year - 1
    return list(range(last - YEARS + 1, last + 1))


def _unit(*parts: str) -> float:
    """A deterministic number in [0, 1) from the parts."""
    digest = hashlib.blake2b(":".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def demo_value(*, kpi: Kpi, code: str, year: int, first_year: int, population: int | None) -> float:
    """A plausible value: a level per municipality, a small trend and yearly noise."""
    if kpi.category == "nettokostnadsavvikelse_mnkr":
        low, high = CATEGORY_RANGES["nettokostnadsavvikelse_pct"]
        scale = (population or 20_000) * MNKR_PER_INHABITANT_AND_PERCENT
    else:
        low, high = KPI_RANGES.get(kpi.id) or CATEGORY_RANGES.get(kpi.category, DEFAULT_RANGE)
        scale = 1.0
    span = high - low
    level = 0.15 + 0.7 * _unit(code, kpi.id)
    trend = (_unit(code, kpi.id, "trend") - 0.5) * 0.04 * (year - first_year)
    noise = (_unit(code, kpi.id, str(year)) - 0.5) * 0.06
    fraction = min(1.0, max(0.0, level + trend + noise))
    return round((low + span * fraction) * scale, 1 if span < 1_000 else 0)


@transaction.atomic
def seed_demo_kpi_values() -> int:
    """Demo values (gender T) for every followed key figure and kommun for the last five years.

    The population (N01951) is the shipped figure, for the latest year only.
    Returns the number of values created; existing ones (real or demo) are kept.
    """
    years = demo_years()
    kpis = [kpi for kpi in Kpi.objects.filter(followed=True) if kpi.municipality_type != "L"]
    municipalities = list(
        Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY).values_list("pk", "code", "population")
    )
    # Skipping what exists keeps a second run cheap; ignore_conflicts covers a sync running meanwhile.
    existing = set(
        KpiValue.objects.filter(gender=KpiValue.Gender.TOTAL, year__in=years)
        .order_by()  # the default ordering joins Kpi and Municipality
        .values_list("kpi_id", "municipality_id", "year")
    )
    rows = []
    for kpi in kpis:
        for pk, code, population in municipalities:
            if kpi.id == POPULATION_KPI:
                if population is not None and (kpi.id, pk, years[-1]) not in existing:
                    rows.append((kpi.id, pk, years[-1], float(population)))
                continue
            for year in years:
                if (kpi.id, pk, year) not in existing:
                    value = demo_value(kpi=kpi, code=code, year=year, first_year=years[0], population=population)
                    rows.append((kpi.id, pk, year, value))
    if rows:
        _insert(rows)
        register_figures_changed()  # the efficiency profile's cached medians
    return len(rows)


def _insert(rows: list[tuple[str, int, int, float]]) -> None:
    """Insert, skipping rows that exist (ON CONFLICT DO NOTHING).

    bulk_create took some 6 s for the 86 000 rows on SQLite (999 parameters a
    query) and longer on PostgreSQL; PostgreSQL gets one INSERT from arrays,
    SQLite multi-row INSERTs of CHUNK rows: about two seconds on either.
    """
    table = KpiValue._meta.db_table
    columns = "kpi_id, municipality_id, year, gender, value, status, is_demo, updated_at"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    total = str(KpiValue.Gender.TOTAL)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            kpi_ids, municipality_ids, years, values = (list(column) for column in zip(*rows, strict=True))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (our table name, parameters only)  # nosec B608
                "SELECT k, m, y, %s, v, '', TRUE, %s FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::float8[]) "
                "AS t(k, m, y, v) ON CONFLICT DO NOTHING",
                [total, now, kpi_ids, municipality_ids, years, values],
            )
            return
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, '', %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {placeholders} ON CONFLICT DO NOTHING",  # noqa: S608 (as above)  # nosec B608
                [param for kpi_id, pk, year, value in chunk for param in (kpi_id, pk, year, total, value, True, now)],
            )
