"""The sync with Kolada: register check, key-figure metadata, values, population.

Each key figure's values are written in a transaction of their own, after all
its pages have been fetched: a failure (network, malformed answer) leaves that
key figure's earlier values as they were and the sync goes on with the next
one. Everything that happened is written to a ``KoladaSync`` log for staff.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.audit import acting_as, current_actor
from municipalities.efficiency import register_figures_changed
from municipalities.kolada import KoladaClient, KoladaError
from municipalities.models import KoladaSync, Kpi, KpiValue, Municipality

logger = logging.getLogger(__name__)

POPULATION_KPI = "N01951"
DEFAULT_YEARS = 11  # this year and the ten before
KIND_BY_TYPE = {"K": Municipality.Kind.MUNICIPALITY, "L": Municipality.Kind.REGION}
NOT_IN_REGISTER = {"0000"}  # Riket: in Kolada's list, not in ours
DELETE_BATCH = 200
GENDERS = frozenset(KpiValue.Gender.values)  # the enum property builds a new list at every call


def default_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year - DEFAULT_YEARS + 1, this_year + 1))


def kolada_sync(
    *, base_url: str | None = None, kpi_ids: Iterable[str] | None = None, years: Iterable[int] | None = None, actor=None
) -> KoladaSync:
    """Fetch the followed key figures' values (or ``kpi_ids``) for every municipality in the register."""
    client = KoladaClient(base_url)
    years = sorted(set(years)) if years else default_years()
    log = KoladaSync.objects.create(base_url=client.base_url, years=_years_label(years))
    errors: list[str] = []
    differences: list[str] = []
    with acting_as(actor):
        try:
            differences += register_check(client=client)
        except KoladaError as error:
            errors.append(f"register check: {error}")
        kpis = _kpis_to_sync(kpi_ids)
        try:
            differences += kpi_metadata_update(client=client, kpi_ids=kpis)
        except (KoladaError, DatabaseError) as error:
            errors.append(f"key figure metadata: {error}")
        municipality_ids = dict(Municipality.objects.values_list("code", "pk"))
        synced = set()
        for kpi_id in kpis:
            try:
                written, deleted = kpi_values_sync(
                    client=client, kpi_id=kpi_id, years=years, municipality_ids=municipality_ids
                )
            except (KoladaError, DatabaseError) as error:
                logger.warning("Kolada sync of %s failed: %s", kpi_id, error)
                errors.append(f"{kpi_id}: {error}")
                continue
            synced.add(kpi_id)
            log.values_written += written
            log.values_deleted += deleted
        if POPULATION_KPI in synced:
            population_update()
    log.kpis_synced = len(synced)
    log.requests = client.requests
    log.register_differences = "\n".join(differences)
    log.errors = "\n".join(errors)
    if not errors:
        log.status = KoladaSync.Status.SUCCEEDED
    else:
        log.status = KoladaSync.Status.PARTIAL if synced else KoladaSync.Status.FAILED
    log.finished_at = timezone.now()
    log.save()
    return log


def _years_label(years: list[int]) -> str:
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return ",".join(map(str, years))[:50]


def _kpis_to_sync(kpi_ids: Iterable[str] | None) -> list[str]:
    if kpi_ids:
        return sorted({kpi_id.strip().upper() for kpi_id in kpi_ids if kpi_id.strip()})
    return list(Kpi.objects.filter(followed=True).order_by("id").values_list("id", flat=True))


def register_check(*, client: KoladaClient) -> list[str]:
    """Kolada's kommuner and regioner compared with the register; differences are reported, not applied."""
    register = {m.code: m for m in Municipality.objects.all()}
    differences = []
    seen = set()
    for item in client.municipalities():
        code, title, kind = str(item.get("id", "")), str(item.get("title", "")), KIND_BY_TYPE.get(item.get("type"))
        if kind is None or code in NOT_IN_REGISTER:
            continue
        seen.add(code)
        municipality = register.get(code)
        if municipality is None:
            differences.append(f"{code} {title}: in Kolada, not in the register")
            continue
        if municipality.name != title:
            differences.append(f"{code}: named {municipality.name!r} in the register, {title!r} in Kolada")
        if municipality.kind != kind:
            differences.append(f"{code} {title}: {municipality.kind} in the register, type {item['type']} in Kolada")
    for code in sorted(set(register) - seen):
        differences.append(f"{code} {register[code].name}: in the register, not in Kolada")
    return differences


@transaction.atomic
def kpi_metadata_update(*, client: KoladaClient, kpi_ids: list[str]) -> list[str]:
    """Kolada's title, description, publication dates… of the key figures; unknown ids are created unfollowed."""
    existing = Kpi.objects.in_bulk(kpi_ids)
    notes = []
    now = timezone.now()
    found = set()
    for item in client.kpis(kpi_ids):
        kpi_id = str(item.get("id", ""))
        if kpi_id not in kpi_ids:
            continue
        found.add(kpi_id)
        values = _kpi_values(item)
        kpi = existing.get(kpi_id)
        if kpi is None:
            Kpi.objects.create(id=kpi_id, followed=False, synced_at=now, **values)
            continue
        if kpi.title and kpi.title != values["title"]:
            notes.append(f"{kpi_id}: title changed from {kpi.title!r} to {values['title']!r}")
        for name, value in values.items():
            setattr(kpi, name, value)
        kpi.synced_at = now
        kpi.save()
    for kpi_id in sorted(set(kpi_ids) - found):
        notes.append(f"{kpi_id}: key figure not found in Kolada")
    return notes


def _kpi_values(item: dict) -> dict:
    return {
        "title": str(item.get("title") or "")[:300],
        "description": str(item.get("description") or ""),
        "operating_area": str(item.get("operating_area") or "")[:200],
        "perspective": str(item.get("perspective") or "")[:50],
        "is_divided_by_gender": bool(item.get("is_divided_by_gender")),
        "municipality_type": str(item.get("municipality_type") or "")[:1],
        "publication_date": _date(item.get("publication_date")),
        "publ_period": str(item.get("publ_period") or "")[:10],
    }


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def kpi_values_sync(
    *, client: KoladaClient, kpi_id: str, years: list[int], municipality_ids: dict[str, int]
) -> tuple[int, int]:
    """Fetch every page of one key figure, then upsert and delete in one transaction: (written, deleted)."""
    # (municipality pk, year, gender) -> (value, status, isdeleted); a later row wins
    latest: dict[tuple[int, int, str], tuple[float | None, str, bool]] = {}
    for kpi, municipality, period, gender, value, status, isdeleted in client.values([kpi_id], years=years):
        municipality_id = municipality_ids.get(municipality)
        if municipality_id is not None and kpi == kpi_id and gender in GENDERS:
            latest[municipality_id, period, gender] = (value, status, isdeleted)
    rows = [(*key, value, status[:20]) for key, (value, status, isdeleted) in latest.items() if not isdeleted]
    deleted = [key for key, (_value, _status, isdeleted) in latest.items() if isdeleted]
    with transaction.atomic():
        if not Kpi.objects.filter(pk=kpi_id).exists():
            raise KoladaError("key figure unknown to Kolada and to us")
        _upsert_values(kpi_id, rows)
        removed = 0
        for start in range(0, len(deleted), DELETE_BATCH):
            condition = Q()
            for municipality_id, year, gender in deleted[start : start + DELETE_BATCH]:
                condition |= Q(municipality_id=municipality_id, year=year, gender=gender)
            removed += KpiValue.objects.filter(condition, kpi_id=kpi_id).delete()[0]
        register_figures_changed()  # the efficiency profile's cached medians
    return len(rows), removed


UPSERT_COLUMNS = "kpi_id, municipality_id, year, gender, value, status, is_demo, updated_at"
UPSERT_CONFLICT = (
    "ON CONFLICT (kpi_id, municipality_id, year, gender) DO UPDATE SET value = excluded.value, "
    "status = excluded.status, is_demo = excluded.is_demo, updated_at = excluded.updated_at"
)


def _upsert_values(kpi_id: str, rows: list[tuple[int, int, str, float | None, str]]) -> None:
    """Insert or update (municipality pk, year, gender, value, status) rows of one key figure as real values.

    Written through the cursor rather than bulk_create(update_conflicts=True), which
    spent most of a full sync building model instances (make bench: about 23 s for
    174 000 values). PostgreSQL gets the rows by COPY into a temporary table
    and one INSERT … SELECT from it: Django binds parameters client-side, so arrays
    as parameters went over as SQL text, slow to render and to parse. SQLite gets
    one prepared INSERT run per row by executemany, which unlike multi-row INSERTs
    does not have every parameter quoted again for the query log when DEBUG is on.
    """
    if not rows:
        return
    table = KpiValue._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_upsert(cursor, table, kpi_id, now, rows)
            return
        cursor.executemany(
            f"INSERT INTO {table} ({UPSERT_COLUMNS}) "  # noqa: S608 (our table name; values are parameters)  # nosec B608
            "VALUES (%s, %s, %s, %s, %s, %s, FALSE, %s) " + UPSERT_CONFLICT,
            [(kpi_id, m, y, g, v, s, now) for m, y, g, v, s in rows],
        )


def _copy_upsert(cursor, table: str, kpi_id: str, now, rows: list[tuple[int, int, str, float | None, str]]) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then upsert from it; the table is dropped again.

    Dropped explicitly rather than only ON COMMIT: inside an outer transaction (tests)
    the next key figure creates it anew. A failure rolls its creation back with the rest.
    """
    # cursor.copy() bypasses Django's error wrapping: psycopg errors must become DatabaseError
    with connection.wrap_database_errors:
        cursor.execute(
            "CREATE TEMPORARY TABLE kolada_values_in (municipality_id integer, year integer, "
            "gender varchar(1), value double precision, status varchar(20)) ON COMMIT DROP"
        )
        # Text, not binary: psycopg's binary int4 wraps a too large year around silently,
        # where the server's text parsing refuses it (the key figure then fails, as before).
        with cursor.copy("COPY kolada_values_in FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({UPSERT_COLUMNS}) "  # noqa: S608 (our table name; values are parameters)  # nosec B608
            "SELECT %s, municipality_id, year, gender, value, status, FALSE, %s FROM kolada_values_in "
            + UPSERT_CONFLICT,
            [kpi_id, now],
        )
        cursor.execute("DROP TABLE kolada_values_in")


def population_update() -> int:
    """Population and year from N01951 (total) for the latest year with a value; manual figures stay."""
    latest: dict[int, tuple[int, float]] = {}
    rows = KpiValue.objects.filter(
        kpi_id=POPULATION_KPI, gender=KpiValue.Gender.TOTAL, value__isnull=False, is_demo=False
    ).values_list("municipality_id", "year", "value")
    for municipality_id, year, value in rows:
        if municipality_id not in latest or year > latest[municipality_id][0]:
            latest[municipality_id] = (year, value)
    changed = []
    for municipality in Municipality.objects.filter(pk__in=latest).exclude(
        population_source=Municipality.PopulationSource.MANUAL
    ):
        year, value = latest[municipality.pk]
        wanted = (round(value), year, Municipality.PopulationSource.KOLADA)
        if (municipality.population, municipality.population_year, municipality.population_source) != wanted:
            municipality.population, municipality.population_year, municipality.population_source = wanted
            changed.append(municipality)
    if changed:
        with transaction.atomic():
            bulk_update_with_history(
                changed,
                Municipality,
                ["population", "population_year", "population_source"],
                batch_size=500,
                default_user=current_actor(),
            )
    return len(changed)
