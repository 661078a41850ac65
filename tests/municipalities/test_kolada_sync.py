import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import StaffRole
from core.beat import collect_specs
from municipalities.kolada_sync import kolada_sync
from municipalities.management.commands.sync_kolada import parse_years
from municipalities.models import KoladaSync, Kpi, KpiValue, Municipality
from municipalities.tasks import sync_kolada_task
from tests.factories import UserFactory, municipality, staff
from tests.municipalities.kolada_server import Reply, start_fake

pytestmark = pytest.mark.django_db

YEARS = [2023, 2024, 2025]
KPIS = ["N01951", "U15900"]


@pytest.fixture
def fake(settings, monkeypatch):
    server, _sleeps = start_fake(settings, monkeypatch)
    for code, title, type_ in [
        ("0000", "Riket", "L"),
        ("0001", "Region Stockholm", "L"),
        ("0114", "Upplands Väsby", "K"),
        ("0180", "Stockholm", "K"),
    ]:
        server.add_municipality(code, title, type_)
    for other in Municipality.objects.exclude(code__in=["0001", "0114", "0180"]):
        server.add_municipality(other.code, other.name, "L" if other.kind == Municipality.Kind.REGION else "K")
    server.add_kpi("N01951", "Invånare totalt, antal", gender=True, municipality_type="A")
    server.add_kpi("U15900", "Effektivitetsindex kommunal grundskola F-9", perspective="Övrigt")
    for code, population in [("0000", 10_600_000.0), ("0114", 50_000.0), ("0180", 990_000.0), ("G92787", 1.0)]:
        for year in (2023, 2024):
            server.add_value("N01951", code, year, population + year, gender="T")
            server.add_value("N01951", code, year, (population + year) / 2, gender="K")
            server.add_value("N01951", code, year, (population + year) / 2, gender="M")
        server.add_value("N01951", code, 2025, None, gender="T")  # not published yet
    server.add_value("U15900", "0114", 2024, 61.0)
    server.add_value("U15900", "0180", 2024, None, status="Saknas")
    yield server
    server.stop()


def data_path(kpi: str, years=YEARS) -> str:
    return f"/v3/data/kpi/{kpi}/year/{','.join(map(str, years))}"


def values(kpi: str) -> dict:
    return {
        (v.municipality.code, v.year, v.gender): v.value
        for v in KpiValue.objects.filter(kpi_id=kpi).select_related("municipality")
    }


def test_sync_fills_the_tables(fake):
    log = kolada_sync(kpi_ids=KPIS, years=YEARS)

    assert log.status == KoladaSync.Status.SUCCEEDED, log.errors
    assert log.base_url == fake.base_url
    assert log.years == "2023–2025"
    assert log.kpis_synced == 2
    assert log.values_written == 2 * 2 * 3 + 2 + 2  # N01951 T/K/M two years, two kommuner; null T 2025; U15900
    assert log.requests == len(fake.requests)
    assert log.finished_at is not None
    population = values("N01951")
    assert population[("0114", 2024, "T")] == 52024.0
    assert population[("0114", 2024, "K")] == 26012.0
    assert population[("0114", 2025, "T")] is None
    assert not any(code in ("0000", "G92787") for code, _year, _gender in population)
    efficiency = KpiValue.objects.get(kpi_id="U15900", municipality__code="0180")
    assert efficiency.value is None and efficiency.status == "Saknas" and efficiency.is_demo is False
    assert data_path("N01951") in fake.paths()


def test_sync_updates_key_figure_metadata_and_notes_title_changes(fake):
    Kpi.objects.filter(pk="U15900").update(title="Old title", publication_date=None)

    log = kolada_sync(kpi_ids=KPIS, years=YEARS)

    kpi = Kpi.objects.get(pk="U15900")
    assert kpi.title == "Effektivitetsindex kommunal grundskola F-9"
    assert str(kpi.publication_date) == "2027-02-24" and kpi.publ_period == "2026"
    assert kpi.synced_at is not None and kpi.followed
    assert "U15900: title changed from 'Old title'" in log.register_differences


def test_sync_records_register_differences_without_changing_the_register(fake):
    fake.municipalities[2]["title"] = "Väsby"
    fake.municipalities.append({"id": "9999", "title": "Nyköping Nya", "type": "K"})
    fake.municipalities.remove(next(m for m in fake.municipalities if m["id"] == "0180"))

    log = kolada_sync(kpi_ids=KPIS, years=YEARS)

    assert "0114: named 'Upplands Väsby' in the register, 'Väsby' in Kolada" in log.register_differences
    assert "9999 Nyköping Nya: in Kolada, not in the register" in log.register_differences
    assert "0180 Stockholm: in the register, not in Kolada" in log.register_differences
    assert "0000" not in log.register_differences
    assert municipality("0114").name == "Upplands Väsby"
    assert not Municipality.objects.filter(code="9999").exists()


def test_sync_sets_population_from_n01951_latest_year_with_a_value(fake):
    manual = municipality("0180")
    manual.population, manual.population_year, manual.population_source = 12345, 2020, "manual"
    manual.save()

    kolada_sync(kpi_ids=KPIS, years=YEARS)

    vasby = municipality("0114")
    assert (vasby.population, vasby.population_year, vasby.population_source) == (52024, 2024, "kolada")
    assert vasby.population_is_confirmed_source
    stockholm = municipality("0180")
    assert (stockholm.population, stockholm.population_year, stockholm.population_source) == (12345, 2020, "manual")


def test_sync_without_n01951_leaves_the_shipped_population(fake):
    before = municipality("0114")

    kolada_sync(kpi_ids=["U15900"], years=YEARS)

    after = municipality("0114")
    assert (after.population, after.population_source) == (before.population, before.population_source)


def test_sync_replaces_demo_values_and_drops_isdeleted_rows(fake):
    kpi = Kpi.objects.get(pk="U15900")
    KpiValue.objects.create(kpi=kpi, municipality=municipality("0114"), year=2024, value=10.0, is_demo=True)
    KpiValue.objects.create(kpi=kpi, municipality=municipality("0180"), year=2023, value=55.0)
    fake.add_value("U15900", "0180", 2023, 55.0, isdeleted=True)

    log = kolada_sync(kpi_ids=["U15900"], years=YEARS)

    replaced = KpiValue.objects.get(kpi=kpi, municipality__code="0114", year=2024)
    assert (replaced.value, replaced.is_demo) == (61.0, False)
    assert not KpiValue.objects.filter(kpi=kpi, municipality__code="0180", year=2023).exists()
    assert log.values_deleted == 1


def test_sync_follows_pages(fake):
    fake.page_size = 3

    log = kolada_sync(kpi_ids=KPIS, years=YEARS)

    assert log.status == KoladaSync.Status.SUCCEEDED
    assert len(values("N01951")) == 14
    assert len([path for path in fake.paths() if path == data_path("N01951")]) > 3


def test_a_failed_key_figure_leaves_its_previous_values_and_the_sync_goes_on(fake):
    fake.page_size = 1
    kpi = Kpi.objects.get(pk="U15900")
    KpiValue.objects.create(kpi=kpi, municipality=municipality("0114"), year=2024, value=40.0)
    # The first page answers, the second is malformed: nothing of U15900 may be written.
    first = fake.answer(data_path("U15900"), {"per_page": "5000"})
    fake.script(data_path("U15900"), first, Reply(200, b"<html>Bad gateway</html>"))

    log = kolada_sync(kpi_ids=KPIS, years=YEARS)

    assert log.status == KoladaSync.Status.PARTIAL
    assert "U15900" in log.errors and "malformed JSON" in log.errors
    assert log.kpis_synced == 1
    assert values("U15900") == {("0114", 2024, "T"): 40.0}
    assert len(values("N01951")) == 14


def test_a_sync_where_kolada_is_down_fails_and_changes_nothing(fake):
    kpi = Kpi.objects.get(pk="N01951")
    KpiValue.objects.create(kpi=kpi, municipality=municipality("0114"), year=2024, value=1.0)
    for path in ["/v3/municipality", "/v3/kpi/N01951,U15900", data_path("N01951"), data_path("U15900")]:
        fake.script(path, *[Reply(503, {})] * 4)

    log = kolada_sync(kpi_ids=KPIS, years=YEARS)

    assert log.status == KoladaSync.Status.FAILED
    assert log.kpis_synced == 0
    assert "register check" in log.errors and "N01951" in log.errors
    assert values("N01951") == {("0114", 2024, "T"): 1.0}
    assert municipality("0114").population_source == "shipped"


def test_sync_of_followed_key_figures_by_default(fake):
    Kpi.objects.exclude(pk__in=KPIS).update(followed=False)

    log = kolada_sync(years=YEARS)

    assert log.kpis_synced == 2
    assert sorted(path for path in fake.paths("/v3/data/")) == [data_path("N01951"), data_path("U15900")]


def test_command_fills_the_tables(fake, capsys):
    call_command(
        "sync_kolada", "--base-url", fake.base_url, "--kpi", "N01951", "--kpi", "u15900", "--years", "2023-2025"
    )

    assert "2 key figures, 16 values written" in capsys.readouterr().out
    assert KpiValue.objects.filter(kpi_id="N01951").count() == 14
    assert KpiValue.objects.filter(kpi_id="U15900").count() == 2


def test_command_fails_when_kolada_is_unreachable(fake):
    fake.script("/v3/municipality", *[Reply(500, {})] * 4)
    fake.script(data_path("U15900"), *[Reply(500, {})] * 4)

    with pytest.raises(CommandError, match="0 key figures"):
        call_command("sync_kolada", "--kpi", "U15900", "--years", "2023-2025")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--years", "2025-2015"], "backwards"),
        (["--years", "twenty"], "not a year"),
        (["--years", "1800"], "outside"),
        (["--kpi", "population"], "not a Kolada key figure id"),
        (["--base-url", "ftp://example.se"], "http"),
    ],
)
def test_command_refuses_bad_input(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("sync_kolada", *arguments)
    assert not KoladaSync.objects.exists()


def test_parse_years():
    assert parse_years("2015-2017") == [2015, 2016, 2017]
    assert parse_years("2024") == [2024]
    assert parse_years("2019,2021-2022") == [2019, 2021, 2022]


def test_weekly_task_runs_the_sync(fake):
    Kpi.objects.exclude(pk__in=KPIS).update(followed=False)

    log = KoladaSync.objects.get(pk=sync_kolada_task.delay().get())

    assert log.status == KoladaSync.Status.SUCCEEDED
    spec = next(spec for spec in collect_specs() if spec.task == "municipalities.tasks.sync_kolada_task")
    assert (spec.day_of_week, spec.hour, spec.minute) == ("1", "3", "30")


URL = reverse("municipalities:kolada_syncs")


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_sync_log_page_needs_login(client):
    response = client.get(URL)
    assert response.status_code == 302


def test_sync_log_page_refuses_non_staff(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_sync_log_page_lists_syncs_for_staff(client, english):
    KoladaSync.objects.create(
        base_url="http://x/v3", status=KoladaSync.Status.PARTIAL, errors="U15900: HTTP 500", values_written=7
    )
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD))

    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Partly failed" in content and "U15900: HTTP 500" in content
