"""The efficiency profile: medians, trend, missing values, demo values, the page and its access."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.demo_values import demo_years, seed_demo_kpi_values
from municipalities.efficiency import efficiency_profile
from municipalities.models import Kpi, KpiValue
from tests.factories import UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db

OWN = "0114"  # Upplands Väsby, group A2
SAME_GROUP = ["1440", "1489"]  # A2
OTHER_GROUP = ["0764", "1984"]  # B4, C7
REGION = "0010"


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def kpi():
    return Kpi.objects.create(id="X00001", title="Testindex", category="rka_effektivitetsindex", followed=True)


def add(kpi, code, year, value, *, gender="T", is_demo=False):
    return KpiValue.objects.create(
        kpi=kpi, municipality=municipality(code), year=year, gender=gender, value=value, is_demo=is_demo
    )


def test_profile_medians_of_group_and_country(kpi):
    add(kpi, OWN, 2024, 10)
    add(kpi, SAME_GROUP[0], 2024, 20)
    add(kpi, SAME_GROUP[1], 2024, 40)
    add(kpi, OTHER_GROUP[0], 2024, 100)
    add(kpi, OTHER_GROUP[1], 2024, 200)
    add(kpi, REGION, 2024, 5000)  # a region is not a kommun: left out of the medians
    add(kpi, SAME_GROUP[0], 2024, 9999, gender="K")  # only totals count

    [profile] = efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])

    assert profile.latest.year == 2024
    assert profile.latest.value == 10
    assert profile.latest.group_median == 20
    assert profile.latest.country_median == 40
    assert profile.uses_demo is False


def test_profile_trend_is_ordered_by_year_and_latest_last(kpi):
    for year, value in [(2023, 3), (2021, 1), (2022, 2)]:
        add(kpi, OWN, year, value)

    [profile] = efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])

    assert [point.year for point in profile.trend] == [2021, 2022, 2023]
    assert [point.value for point in profile.trend] == [1, 2, 3]
    assert profile.latest.year == 2023


def test_profile_missing_values_stay_missing(kpi):
    add(kpi, OWN, 2022, 7)
    add(kpi, OWN, 2024, None)  # suppressed by Kolada
    add(kpi, OTHER_GROUP[0], 2023, 50)
    add(kpi, OTHER_GROUP[0], 2024, 60)

    [profile] = efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id])

    assert [(p.year, p.value) for p in profile.trend] == [(2022, 7), (2023, None), (2024, None)]
    assert profile.latest.group_median is None  # nobody in the group has a value
    assert profile.latest.country_median == 60


def test_profile_leaves_out_key_figures_without_values_and_unfollowed_ones(kpi):
    unfollowed = Kpi.objects.create(id="X00002", title="Not followed", followed=False)
    add(unfollowed, OWN, 2024, 1)
    assert efficiency_profile(municipality=municipality(OWN), kpi_ids=[kpi.id, unfollowed.id]) == []


def test_profile_query_count_is_constant(django_assert_num_queries):
    kpis = list(Kpi.objects.filter(followed=True).order_by("id")[:10])
    codes = [OWN, *SAME_GROUP, *OTHER_GROUP]
    KpiValue.objects.bulk_create(
        KpiValue(kpi=k, municipality=municipality(c), year=y, value=1.0) for k in kpis for c in codes for y in (1, 2)
    )
    own = municipality(OWN)
    with django_assert_num_queries(2):
        assert len(efficiency_profile(municipality=own, kpi_ids=[kpis[0].id])) == 1
    with django_assert_num_queries(2):
        assert len(efficiency_profile(municipality=own, kpi_ids=[k.id for k in kpis])) == 10


def test_page_query_count_does_not_grow_with_key_figures(client):
    kpis = list(Kpi.objects.filter(followed=True).order_by("id")[:10])
    client.force_login(staff())
    url = reverse("municipalities:efficiency", args=[OWN])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(kpis[0], OWN, 2024, 1.0)
    one = count()
    for other in kpis[1:]:
        add(other, OWN, 2024, 1.0)
    assert count() == one


@pytest.fixture
def few_followed():
    """Seed only a few key figures, so the seed tests stay fast."""
    Kpi.objects.exclude(id__in=["N01951", "U11901", "N00097", "N11038"]).update(followed=False)


def test_seed_demo_values_are_idempotent_plausible_and_marked(few_followed):
    created = seed_demo_kpi_values()
    values = KpiValue.objects.filter(is_demo=True)
    assert created == values.count() > 0
    assert seed_demo_kpi_values() == 0
    assert values.count() == created
    assert set(values.values_list("gender", flat=True)) == {"T"}
    assert set(values.exclude(kpi_id="N01951").values_list("year", flat=True)) == set(demo_years())
    indices = values.filter(kpi_id="U11901").values_list("value", flat=True)
    assert len(indices) == 290 * 5
    assert all(0 <= value <= 100 for value in indices)
    assert all(-15 <= value <= 15 for value in values.filter(kpi_id="N00097").values_list("value", flat=True))


def test_seed_demo_values_are_deterministic(few_followed):
    seed_demo_kpi_values()
    ordered = list(KpiValue.objects.order_by("kpi", "municipality", "year").values_list("value", flat=True))
    KpiValue.objects.all().delete()
    seed_demo_kpi_values()
    assert list(KpiValue.objects.order_by("kpi", "municipality", "year").values_list("value", flat=True)) == ordered


def test_seed_demo_population_is_the_shipped_figure_for_the_latest_year(few_followed):
    seed_demo_kpi_values()
    own = municipality(OWN)
    [value] = KpiValue.objects.filter(kpi_id="N01951", municipality=own)
    assert (value.year, value.value, value.is_demo) == (demo_years()[-1], float(own.population), True)
    own.refresh_from_db()
    assert own.population_source == "shipped"


def test_seed_demo_never_overwrites_a_real_value(few_followed):
    year = demo_years()[-1]
    real = add(Kpi.objects.get(id="U11901"), OWN, year, 42.5)
    suppressed = add(Kpi.objects.get(id="N00097"), OWN, year, None)

    seed_demo_kpi_values()

    for row, expected in ((real, 42.5), (suppressed, None)):
        row.refresh_from_db()
        assert (row.value, row.is_demo) == (expected, False)


def test_page_shows_values_medians_sources_and_demo_badge(client, kpi):
    kpi.title = "<script>alert(1)</script> index"
    kpi.save()
    add(kpi, OWN, 2023, 12.5, is_demo=True)
    add(kpi, OWN, 2024, None)
    add(kpi, SAME_GROUP[0], 2024, 30)
    client.force_login(representative(OWN))

    response = client.get(reverse("municipalities:efficiency", args=[OWN]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; index" in html
    assert "Källa: Kolada" in html
    assert "our calculation" in html
    assert "demodata" in html
    assert "replaced by real values at the first sync" in html
    assert "12.5" in html
    assert "missing" in html
    assert 'role="img"' in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_detail_page_links_to_the_profile(client):
    client.force_login(staff())
    response = client.get(reverse("municipalities:detail", args=[OWN]))
    assert reverse("municipalities:efficiency", args=[OWN]) in response.content.decode()


def test_page_sends_anonymous_to_login(client):
    response = client.get(reverse("municipalities:efficiency", args=[OWN]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_page_refuses_other_municipalities_and_plain_users(client):
    url = reverse("municipalities:efficiency", args=[OWN])
    for user in (representative("0180"), UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_page_open_to_own_representative_and_staff(client):
    url = reverse("municipalities:efficiency", args=[OWN])
    for user in (representative(OWN), staff(), UserFactory(is_superuser=True)):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_page_unknown_code_is_404(client):
    client.force_login(staff())
    assert client.get(reverse("municipalities:efficiency", args=["9999"])).status_code == 404


def test_profile_lists_efficiency_indices_before_the_economy():
    kpis = {k.id: k for k in Kpi.objects.filter(id__in=["N00901", "U11901", "N00097"])}
    for kpi in kpis.values():
        add(kpi, OWN, 2024, 1.0)
    profiles = efficiency_profile(municipality=municipality(OWN), kpi_ids=list(kpis))
    assert [profile.kpi.id for profile in profiles] == ["U11901", "N00097", "N00901"]


def test_only_real_values_are_attributed_to_kolada(client, kpi):
    client.force_login(representative(OWN))
    url = reverse("municipalities:efficiency", args=[OWN])
    add(kpi, OWN, 2024, 40.0, is_demo=True)
    demo_count = client.get(url).content.decode().count("Källa: Kolada")
    KpiValue.objects.filter(kpi=kpi, municipality__code=OWN).update(is_demo=False)
    real_count = client.get(url).content.decode().count("Källa: Kolada")
    assert real_count == demo_count + 1
