"""Load the register (21 counties, 290 kommuner, 21 regioner) from the CSVs shipped in ``data/``.

Runs on every deployment, on ``make run`` and after every test flush, so it
must be idempotent and cheap: two SELECTs when nothing changed, bulk writes
otherwise. Register identity (name, county, groups, Kolada ids) follows the
shipped data. Facts staff maintain (organisation number, invoice details,
political majority, a population from Kolada or entered by hand) are only
filled where empty and never overwritten.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from municipalities.models import County, Kpi, Municipality

DATA_DIR = Path(__file__).resolve().parent / "data"
MAJORITY_SOURCE = "SKR, Styre i kommuner efter valet 2022"

# Updated from the shipped data whenever it differs.
IDENTITY_FIELDS = (
    "name",
    "kind",
    "county_id",
    "kommungrupp_code",
    "kommungrupp_name",
    "huvudgrupp_name",
    "kolada_kommungrupp_id",
    "kolada_size_group_id",
    "kolada_size_group",
)
MAJORITY_FIELDS = ("political_majority", "majority_parties", "kso_party", "majority_source", "majority_source_date")
POPULATION_FIELDS = ("population", "population_year", "population_source")


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    fields: set[str] = field(default_factory=set)


def load() -> str:
    with transaction.atomic():
        counties = load_counties()
        municipalities = load_municipalities()
        kpis = load_followed_kpis()
    return (
        f"counties: {counties.created} created, {counties.updated} updated; "
        f"municipalities and regions: {municipalities.created} created, {municipalities.updated} updated; "
        f"followed key figures: {kpis} created"
    )


def load_followed_kpis() -> int:
    """The key figures the app follows by default (kolada_kpis.csv, from Kolada's v3 catalogue).

    Only missing ones are created (followed): metadata is Kolada's to update on
    sync, and whether a key figure is followed is the administrators' to change.
    Direction and kind of value (ours) are filled in only where both are blank,
    so an administrator's correction stays.
    """
    rows = read_csv("kolada_kpis.csv")
    existing = {
        kpi_id: (direction, unit) for kpi_id, direction, unit in Kpi.objects.values_list("id", "direction", "unit")
    }
    described = [
        Kpi(id=row["id"], direction=row["direction"], unit=row["unit"])
        for row in rows
        if existing.get(row["id"]) == ("", "") and (row["direction"] or row["unit"])
    ]
    if described:
        Kpi.objects.bulk_update(described, ["direction", "unit"])
    new = [
        Kpi(
            id=row["id"],
            title=row["title"],
            description=row["description"],
            operating_area=row["operating_area"],
            perspective=row["perspective"],
            municipality_type=row["municipality_type"],
            is_divided_by_gender=row["is_divided_by_gender"] == "true",
            category=row["category"],
            direction=row["direction"],
            unit=row["unit"],
            followed=True,
        )
        for row in rows
        if row["id"] not in existing
    ]
    Kpi.objects.bulk_create(new)
    return len(new)


def load_counties() -> Counts:
    counts = Counts()
    existing = {county.code: county for county in County.objects.all()}
    new, changed = [], []
    for row in read_csv("riksomraden.csv"):
        values = {"name": row["county_name"], "nuts2_code": row["nuts2_code"], "riksomrade": row["riksomrade"]}
        county = existing.get(row["county_code"])
        if county is None:
            new.append(County(code=row["county_code"], **values))
        elif _assign(county, values, counts.fields):
            changed.append(county)
    if new:
        County.objects.bulk_create(new)
    if changed:
        County.objects.bulk_update(changed, sorted(counts.fields))
    counts.created, counts.updated = len(new), len(changed)
    return counts


def shipped_rows() -> list[dict]:
    """The register as shipped: one dict of model field values per kommun and region."""
    county_ids = dict(County.objects.values_list("code", "pk"))
    orgnrs = {row["code"]: row["orgnr"] for row in read_csv("municipality_orgnr.csv")}
    majorities = {row["code"]: row for row in read_csv("political_majority_2022.csv")}
    rows = []
    for row in read_csv("municipalities.csv"):
        code = row["municipality_code"]
        rows.append(
            {
                "code": code,
                "identity": {
                    "name": row["name"],
                    "kind": Municipality.Kind.MUNICIPALITY,
                    "county_id": county_ids[row["county_code"]],
                    "kommungrupp_code": row["skr_kommungrupp_2023_code"],
                    "kommungrupp_name": row["skr_kommungrupp_2023"],
                    "huvudgrupp_name": row["skr_huvudgrupp_2023"],
                    "kolada_kommungrupp_id": row["kolada_kommungrupp_group_id"],
                    "kolada_size_group_id": row["kolada_size_group_id"],
                    "kolada_size_group": row["kolada_size_group"],
                },
                "population": int(row["population_unverified"]) if row["population_unverified"] else None,
                "orgnr": orgnrs.get(code, ""),
                "majority": _majority(majorities.get(code)),
            }
        )
    for row in read_csv("regions.csv"):
        code = row["kolada_region_id"]
        identity = dict.fromkeys(IDENTITY_FIELDS, "")
        identity.update(name=row["name"], kind=Municipality.Kind.REGION, county_id=county_ids[row["county_code"]])
        orgnr = orgnrs.get(code, "")
        rows.append({"code": code, "identity": identity, "population": None, "orgnr": orgnr, "majority": None})
    return rows


def _majority(row: dict | None) -> dict | None:
    if row is None or not row["bloc"]:
        return None
    return {
        "political_majority": row["bloc"],
        "majority_parties": row["majority_parties"],
        "kso_party": row["kso_party"],
        "majority_source": MAJORITY_SOURCE,
        "majority_source_date": datetime.date.fromisoformat(row["source_date"]) if row["source_date"] else None,
    }


def load_municipalities() -> Counts:
    counts = Counts()
    existing = {municipality.code: municipality for municipality in Municipality.objects.all()}
    new, changed = [], []
    for shipped in shipped_rows():
        municipality = existing.get(shipped["code"])
        if municipality is None:
            municipality = Municipality(code=shipped["code"])
            _apply(municipality, shipped, set())
            new.append(municipality)
        elif _apply(municipality, shipped, counts.fields):
            changed.append(municipality)
    if new:
        bulk_create_with_history(new, Municipality, batch_size=500)
    if changed:
        fields = sorted(name.removesuffix("_id") if name == "county_id" else name for name in counts.fields)
        bulk_update_with_history(changed, Municipality, fields, batch_size=500)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def _apply(municipality: Municipality, shipped: dict, changed_fields: set[str]) -> bool:
    """Bring ``municipality`` up to the shipped data without overwriting facts staff maintain."""
    values = dict(shipped["identity"])
    source, current = municipality.population_source, municipality.population
    if shipped["population"] is not None and (source == "shipped" or (source == "" and current is None)):
        values.update(population=shipped["population"], population_year=None, population_source="shipped")
    if shipped["majority"] and not any(getattr(municipality, name) for name in MAJORITY_FIELDS):
        values.update(shipped["majority"])
    if shipped["orgnr"] and not municipality.organisation_number:
        values["organisation_number"] = shipped["orgnr"]
    orgnr = values.get("organisation_number", municipality.organisation_number)
    if orgnr and not municipality.peppol_id:
        # Municipality.save derives it too, but bulk writes bypass save().
        values["peppol_id"] = f"0007:{orgnr}"
    return _assign(municipality, values, changed_fields)


def _assign(instance, values: dict, changed_fields: set[str]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed_fields.add(name)
            changed = True
    return changed
