"""The efficiency profile's cached medians: shared between municipalities, forgotten when values change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from municipalities.demo_values import seed_demo_kpi_values
from municipalities.efficiency import efficiency_profile, register_figures_changed
from municipalities.models import Kpi, KpiValue
from tests.factories import municipality

pytestmark = pytest.mark.django_db

OWN = "0114"  # Upplands Väsby, group A2
SAME_GROUP = "1440"  # A2
OTHER_GROUP = "0764"  # B4
REGION = "0010"


@pytest.fixture
def kpi():
    return Kpi.objects.create(id="X00001", title="Testindex", category="rka_effektivitetsindex", followed=True)


def add(kpi, code, year, value, **kwargs):
    return KpiValue.objects.create(kpi=kpi, municipality=municipality(code), year=year, value=value, **kwargs)


def test_second_profile_reads_only_its_own_values(kpi):
    add(kpi, OWN, 2024, 10)
    add(kpi, SAME_GROUP, 2024, 30)
    add(kpi, OTHER_GROUP, 2024, 200)
    efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])  # computes and caches the medians

    other = municipality(SAME_GROUP)
    with CaptureQueriesContext(connection) as queries:
        [profile] = efficiency_profile(municipality=other, kpi_ids=[kpi.id])
    values_query = queries.captured_queries[-1]["sql"]
    assert len(queries) == 2
    assert f'"municipality_id" = {other.pk}' in values_query
    assert profile.latest.value == 30
    assert profile.latest.group_median == 20  # 10 and 30: the group's, from the cache
    assert profile.latest.country_median == 30


def test_cached_profile_equals_the_computed_one(kpi):
    for code, value in [(OWN, 10), (SAME_GROUP, 30), (OTHER_GROUP, 200), (REGION, 5000)]:
        add(kpi, code, 2023, value, is_demo=True)
        add(kpi, code, 2024, value + 1)
    add(kpi, OWN, 2025, None)
    for code in (OWN, OTHER_GROUP, REGION):
        register_figures_changed()
        computed = efficiency_profile(municipality=municipality(code), kpi_ids=[kpi.id])
        cached = efficiency_profile(municipality=municipality(code), kpi_ids=[kpi.id])
        assert cached == computed
    assert [point.value for point in computed[0].trend] == [None, None]  # a region: the medians, no own values
    assert computed[0].latest.country_median == 31  # 11, 31, 201 (the region's value left out)


def test_a_saved_value_changes_the_medians(kpi):
    add(kpi, OWN, 2024, 10)
    add(kpi, OTHER_GROUP, 2024, 30)
    assert efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])[0].latest.country_median == 20
    add(kpi, SAME_GROUP, 2024, 100)
    [profile] = efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])
    assert profile.latest.country_median == 30
    assert profile.latest.group_median == 55


def test_demo_values_written_in_sql_change_the_medians():
    Kpi.objects.exclude(id="U11901").update(followed=False)
    kpi = Kpi.objects.get(id="U11901")
    assert efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id]) == []  # cached: no values
    seed_demo_kpi_values()
    [profile] = efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])
    assert profile.latest.country_median is not None and profile.uses_demo


def test_profiles_of_other_key_figures_are_cached_apart(kpi):
    other = Kpi.objects.create(id="X00002", title="Annat index", category="volym", followed=True)
    add(kpi, OWN, 2024, 1)
    add(other, OWN, 2024, 2)
    assert [p.kpi.id for p in efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])] == [kpi.id]
    assert [p.kpi.id for p in efficiency_profile(municipality=municipality(OWN), kpi_ids=[other.id])] == [other.id]
