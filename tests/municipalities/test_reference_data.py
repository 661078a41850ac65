import datetime

import pytest

from municipalities import reference_data
from municipalities.models import County, Municipality

pytestmark = pytest.mark.django_db


def test_register_has_290_kommuner_21_regions_and_21_counties():
    assert Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY).count() == 290
    assert Municipality.objects.filter(kind=Municipality.Kind.REGION).count() == 21
    assert County.objects.count() == 21


@pytest.mark.parametrize(
    ("code", "name", "county", "nuts2"),
    [
        ("0114", "Upplands Väsby", "Stockholms län", "SE11"),
        ("2580", "Luleå", "Norrbottens län", "SE33"),
        ("0980", "Gotland", "Gotlands län", "SE21"),
        ("1480", "Göteborg", "Västra Götalands län", "SE23"),
        ("0001", "Region Stockholm", "Stockholms län", "SE11"),
        ("0014", "Västra Götalandsregionen", "Västra Götalands län", "SE23"),
    ],
)
def test_register_county_and_riksomrade_of_samples(code, name, county, nuts2):
    municipality = Municipality.objects.select_related("county").get(code=code)
    assert municipality.name == name
    assert municipality.county.name == county
    assert municipality.county.nuts2_code == nuts2


def test_register_kommun_facts_from_shipped_data():
    vasby = Municipality.objects.get(code="0114")
    assert vasby.kind == Municipality.Kind.MUNICIPALITY
    assert (vasby.kommungrupp_code, vasby.kommungrupp_name) == ("A2", "Pendlingskommun nära storstad")
    assert vasby.population == 50550
    assert vasby.population_source == Municipality.PopulationSource.SHIPPED
    assert vasby.population_year is None
    assert not vasby.population_is_confirmed_source
    assert vasby.organisation_number == "2120000019"
    assert vasby.peppol_id == "0007:2120000019"
    assert vasby.political_majority == Municipality.Majority.CROSS_BLOC
    assert vasby.majority_parties == "L;S;Väsbys Bästa"
    assert vasby.kso_party == "S"
    assert vasby.majority_source == "SKR, Styre i kommuner efter valet 2022"
    assert vasby.majority_source_date == datetime.date(2023, 3, 31)


def test_register_regions_have_no_population_or_majority_and_three_lack_orgnr():
    regions = Municipality.objects.filter(kind=Municipality.Kind.REGION)
    assert not regions.exclude(population=None).exists()
    assert not regions.exclude(political_majority="").exists()
    assert set(regions.filter(organisation_number="").values_list("code", flat=True)) == {"0004", "0017", "0019"}
    assert set(regions.filter(peppol_id="").values_list("code", flat=True)) == {"0004", "0017", "0019"}
    assert Municipality.objects.get(code="0009").organisation_number == "2120000803"


def test_register_majority_bloc_counts_match_skr():
    counts = {
        value: Municipality.objects.filter(political_majority=value).count() for value in Municipality.Majority.values
    }
    assert counts == {
        "borgerligt": 71,
        "borgerligt_sd": 39,
        "vanster": 35,
        "blockoverskridande": 144,
        "ovrigt": 1,
        "oklart": 0,
    }


def test_load_is_idempotent_and_cheap(django_assert_max_num_queries):
    before = Municipality.history.count()
    with django_assert_max_num_queries(6):
        summary = reference_data.load()
    assert "0 created, 0 updated; municipalities and regions: 0 created, 0 updated" in summary
    assert Municipality.history.count() == before


def test_load_keeps_staff_edits():
    vasby = Municipality.objects.get(code="0114")
    vasby.organisation_number = "2021005489"
    vasby.peppol_id = "0007:2021005489"
    vasby.invoice_email = "faktura@vasby.se"
    vasby.political_majority = Municipality.Majority.LEFT
    vasby.majority_parties = "S;V"
    vasby.majority_source = "Kommunens webbplats"
    vasby.majority_source_date = datetime.date(2025, 1, 1)
    vasby.population = 51000
    vasby.population_year = 2025
    vasby.population_source = Municipality.PopulationSource.KOLADA
    vasby.save()

    reference_data.load()

    vasby.refresh_from_db()
    assert vasby.organisation_number == "2021005489"
    assert vasby.peppol_id == "0007:2021005489"
    assert vasby.invoice_email == "faktura@vasby.se"
    assert (vasby.political_majority, vasby.majority_parties) == ("vanster", "S;V")
    assert vasby.majority_source_date == datetime.date(2025, 1, 1)
    assert (vasby.population, vasby.population_year, vasby.population_source) == (51000, 2025, "kolada")


def test_load_restores_register_identity_and_fills_empty_facts():
    lulea = Municipality.objects.get(code="2580")
    Municipality.objects.filter(pk=lulea.pk).update(
        name="Lulea", kommungrupp_code="", organisation_number="", peppol_id="", political_majority=""
    )
    Municipality.objects.filter(pk=lulea.pk).update(majority_parties="", kso_party="", majority_source="")
    Municipality.objects.filter(pk=lulea.pk).update(majority_source_date=None)

    summary = reference_data.load()

    lulea.refresh_from_db()
    assert "municipalities and regions: 0 created, 1 updated" in summary
    assert lulea.name == "Luleå"
    assert lulea.kommungrupp_code != ""
    assert lulea.organisation_number == "2120002742"
    assert lulea.peppol_id == "0007:2120002742"
    assert lulea.political_majority == "vanster"
    assert lulea.history.first().history_type == "~"


def test_load_creates_a_missing_municipality():
    Municipality.objects.filter(code="0004").delete()

    reference_data.load()

    assert Municipality.objects.get(code="0004").name == "Region Sörmland"
