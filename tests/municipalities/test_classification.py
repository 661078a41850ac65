"""Size classes and political blocs for the selection."""

import pytest

from municipalities.classification import bloc, size_class
from municipalities.models import Municipality

Kind, Majority = Municipality.Kind, Municipality.Majority


@pytest.mark.parametrize(
    "kind, population, expected",
    [
        (Kind.MUNICIPALITY, 0, "under_15000"),
        (Kind.MUNICIPALITY, 14_999, "under_15000"),
        (Kind.MUNICIPALITY, 15_000, "15000_50000"),
        (Kind.MUNICIPALITY, 49_999, "15000_50000"),
        (Kind.MUNICIPALITY, 50_000, "50000_200000"),
        (Kind.MUNICIPALITY, 199_999, "50000_200000"),
        (Kind.MUNICIPALITY, 200_000, "over_200000"),
        (Kind.MUNICIPALITY, 1_000_000, "over_200000"),
        (Kind.MUNICIPALITY, None, "unknown"),
        (Kind.REGION, 2_400_000, "region"),
    ],
)
def test_size_class_boundaries(kind, population, expected):
    assert size_class(kind=kind, population=population).key == expected


@pytest.mark.parametrize(
    "majority, expected",
    [
        (Majority.LEFT, "left"),
        (Majority.CENTRE_RIGHT, "right"),
        (Majority.CENTRE_RIGHT_SD, "right"),
        (Majority.CROSS_BLOC, ""),
        (Majority.OTHER, ""),
        (Majority.UNCLEAR, ""),
        ("", ""),
    ],
)
def test_bloc_cross_bloc_and_unclear_count_as_neither(majority, expected):
    assert bloc(majority) == expected
