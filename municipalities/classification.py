"""Size classes and political blocs: how the selection groups municipalities (seeds 000 and 001).

A size class is by population (the register's figure, whatever its source);
regions form a class of their own. The bloc of a political majority is left
(S, V, MP) or right (M, C, L, KD, with or without SD); a cross-bloc, local or
unclear majority belongs to neither, as the seeds' balance rule wants.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality


@dataclass(frozen=True)
class SizeClass:
    key: str
    label: str
    low: int  # inclusive
    high: int | None  # exclusive; None = no upper bound


SIZE_CLASSES = [
    SizeClass("under_15000", _("Under 15 000 inhabitants"), 0, 15_000),
    SizeClass("15000_50000", _("15 000–49 999 inhabitants"), 15_000, 50_000),
    SizeClass("50000_200000", _("50 000–199 999 inhabitants"), 50_000, 200_000),
    SizeClass("over_200000", _("200 000 inhabitants or more"), 200_000, None),
]
REGION_CLASS = SizeClass("region", _("Region"), 0, None)
UNKNOWN_CLASS = SizeClass("unknown", _("Population unknown"), 0, None)
SIZE_CLASS_CHOICES = [(size.key, size.label) for size in [*SIZE_CLASSES, REGION_CLASS, UNKNOWN_CLASS]]

LEFT, RIGHT, NEITHER = "left", "right", ""
BLOC_LABELS = {LEFT: _("Left bloc"), RIGHT: _("Right bloc"), NEITHER: _("Neither bloc")}
_BLOC_OF_MAJORITY = {
    Municipality.Majority.LEFT: LEFT,
    Municipality.Majority.CENTRE_RIGHT: RIGHT,
    Municipality.Majority.CENTRE_RIGHT_SD: RIGHT,
}


def size_class(*, kind: str, population: int | None) -> SizeClass:
    if kind == Municipality.Kind.REGION:
        return REGION_CLASS
    if population is None:
        return UNKNOWN_CLASS
    for size in SIZE_CLASSES:
        if population >= size.low and (size.high is None or population < size.high):
            return size
    return UNKNOWN_CLASS  # a negative population cannot be stored (PositiveIntegerField)


def bloc(majority: str) -> str:
    """``left``, ``right`` or ``""`` (cross-bloc, local parties, unclear or unknown count as neither)."""
    return _BLOC_OF_MAJORITY.get(majority, NEITHER)
