"""Reads of the register that views and other apps share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from municipalities.models import County, Municipality, RegisterImport


def municipality_list(
    *,
    search: str = "",
    kind: str = "",
    county: County | None = None,
    kommungrupp: str = "",
    majority: str = "",
) -> QuerySet[Municipality]:
    """The register filtered for the staff list, with the county joined (one query per page)."""
    queryset = Municipality.objects.select_related("county").order_by("code")
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(code__startswith=search) | Q(organisation_number__startswith=search)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if county is not None:
        queryset = queryset.filter(county=county)
    if kommungrupp:
        queryset = queryset.filter(kommungrupp_code=kommungrupp)
    if majority:
        queryset = queryset.filter(political_majority=majority)
    return queryset


def municipality_get(*, code: str) -> Municipality | None:
    """One municipality or region by code, with its county and domains, or None."""
    if len(code) > 4:
        return None
    return Municipality.objects.select_related("county").prefetch_related("domains").filter(code=code).first()


def kommungrupp_choices() -> list[tuple[str, str]]:
    """The SKR groups present in the register, as (code, "code name") pairs."""
    rows = (
        Municipality.objects.exclude(kommungrupp_code="")
        .values_list("kommungrupp_code", "kommungrupp_name")
        .distinct()
        .order_by("kommungrupp_code")
    )
    return [(code, f"{code} {name}") for code, name in rows]


def register_imports_recent(*, limit: int = 20) -> QuerySet[RegisterImport]:
    return RegisterImport.objects.select_related("uploaded_by", "applied_by").defer("content")[:limit]
