import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffRole
from municipalities.models import Municipality, MunicipalityDomain, RegisterImport
from tests.factories import UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    # Assertions read the English source strings, whatever translations exist.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


Role = StaffRole.Role

STAFF_URLS = [reverse("municipalities:list"), reverse("municipalities:detail", args=["0114"])]
ALL_GET_URLS = [*STAFF_URLS, reverse("municipalities:mine"), reverse("municipalities:import")]


@pytest.fixture
def register_import(db):
    return RegisterImport.objects.create(filename="x.csv", content="code,invoice_email\n0114,faktura@vasby.se\n")


@pytest.mark.parametrize("url", ALL_GET_URLS)
def test_views_redirect_anonymous_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", ["import_preview", "import_apply", "import_cancel"])
def test_import_views_redirect_anonymous_to_login(client, register_import, name):
    response = client.post(reverse(f"municipalities:{name}", args=[register_import.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_views_refuse_representatives_and_plain_users(client, url):
    for user in (representative(code="0180"), UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [Role.NETWORK_LEAD, Role.FINANCE, Role.ADMINISTRATOR])
@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_views_open_to_every_staff_role(client, url, role):
    client.force_login(staff(role=role))
    assert client.get(url).status_code == 200


def test_staff_views_open_to_superuser(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for url in STAFF_URLS:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.NETWORK_LEAD, Role.FINANCE])
def test_import_refuses_staff_who_are_not_administrators(client, register_import, role):
    client.force_login(staff(role=role))
    assert client.get(reverse("municipalities:import")).status_code == 403
    assert client.get(reverse("municipalities:import_preview", args=[register_import.pk])).status_code == 403
    assert client.post(reverse("municipalities:import_apply", args=[register_import.pk])).status_code == 403
    assert client.post(reverse("municipalities:import_cancel", args=[register_import.pk])).status_code == 403
    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.PENDING


def test_import_refuses_representatives(client, register_import):
    client.force_login(representative())
    assert client.get(reverse("municipalities:import")).status_code == 403
    assert client.post(reverse("municipalities:import_apply", args=[register_import.pk])).status_code == 403


def test_import_open_to_administrators(client, register_import):
    client.force_login(staff(role=Role.ADMINISTRATOR))
    assert client.get(reverse("municipalities:import")).status_code == 200
    assert client.get(reverse("municipalities:import_preview", args=[register_import.pk])).status_code == 200


def test_import_apply_refuses_get(client, register_import):
    client.force_login(staff(role=Role.ADMINISTRATOR))
    assert client.get(reverse("municipalities:import_apply", args=[register_import.pk])).status_code == 405


def test_mine_shows_only_the_representatives_municipality(client):
    client.force_login(representative(code="0114"))

    response = client.get(reverse("municipalities:mine"))

    assert response.status_code == 200
    assert response.context["municipality"].code == "0114"
    content = response.content.decode()
    assert "Upplands Väsby" in content
    assert "212000-0019" in content
    assert "Vallentuna" not in content
    assert "Edit in the admin" not in content


def test_mine_refuses_staff_without_municipality(client):
    client.force_login(staff())
    assert client.get(reverse("municipalities:mine")).status_code == 403


def test_mine_refuses_plain_users(client):
    client.force_login(UserFactory())
    assert client.get(reverse("municipalities:mine")).status_code == 403


def test_representative_cannot_see_another_municipality_detail(client):
    client.force_login(representative(code="0114"))
    assert client.get(reverse("municipalities:detail", args=["0180"])).status_code == 403


def test_detail_shows_all_facts(client):
    vasby = municipality("0114")
    MunicipalityDomain.objects.create(municipality=vasby, domain="vasby.example.se", is_demo=True)
    MunicipalityDomain.objects.create(municipality=vasby, domain="upplandsvasby.se")
    client.force_login(staff())

    response = client.get(reverse("municipalities:detail", args=["0114"]))

    content = response.content.decode()
    assert "212000-0019" in content
    assert "0007:2120000019" in content
    assert "Stockholms län" in content
    assert "SE11" in content
    assert "A2 Pendlingskommun nära storstad" in content
    assert "source and year unknown" in content
    assert "SKR, Styre i kommuner efter valet 2022, 2023-03-31" in content
    assert "L, S, Väsbys Bästa" in content
    assert "vasby.example.se" in content
    assert "upplandsvasby.se" in content
    assert content.count("demodata") == 1


@pytest.mark.parametrize("code", ["9999", "abc", "0114x", "x" * 500, "%00", "'; DROP TABLE x; --", "<script>"])
def test_detail_unknown_code_is_404(client, code):
    client.force_login(staff())
    assert client.get(reverse("municipalities:detail", args=[code])).status_code == 404


def test_detail_shows_population_source_and_year_when_confirmed(client):
    Municipality.objects.filter(code="0114").update(population=51234, population_year=2025, population_source="kolada")
    client.force_login(staff())

    content = client.get(reverse("municipalities:detail", args=["0114"])).content.decode()

    assert "Kolada N01951, 2025" in content
    assert "source and year unknown" not in content


def test_list_shows_register_columns(client):
    client.force_login(staff())

    response = client.get(reverse("municipalities:list"), {"q": "Väsby"})

    content = response.content.decode()
    assert response.context["page"].paginator.count == 1
    assert "0114" in content
    assert "Stockholms län" in content
    assert "SE11 Stockholm" in content
    assert "A2" in content
    assert "source and year unknown" in content
    assert "Cross-bloc" in content


def test_list_is_paginated_by_50(client):
    client.force_login(staff())

    response = client.get(reverse("municipalities:list"))

    page = response.context["page"]
    assert page.paginator.count == 311
    assert len(page.object_list) == 50
    assert client.get(reverse("municipalities:list"), {"page": "7"}).context["page"].number == 7
    assert client.get(reverse("municipalities:list"), {"page": "junk"}).status_code == 200


def test_list_filters(client):
    client.force_login(staff())
    url = reverse("municipalities:list")
    norrbotten = municipality("2580").county

    assert client.get(url, {"kind": "region"}).context["page"].paginator.count == 21
    assert client.get(url, {"county": norrbotten.pk}).context["page"].paginator.count == 15
    assert client.get(url, {"kommungrupp": "A1"}).context["page"].paginator.count == 3
    assert client.get(url, {"majority": "ovrigt"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "0114"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "2120000019"}).context["page"].paginator.count == 1


def test_list_ignores_invalid_filter_values(client):
    client.force_login(staff())

    response = client.get(
        reverse("municipalities:list"), {"kind": "x", "county": "nope", "majority": "<b>", "kommungrupp": "Z9"}
    )

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 311


def test_list_query_count_is_constant(client):
    client.force_login(staff())
    url = reverse("municipalities:list")
    client.get(url)  # warm up the session

    with CaptureQueriesContext(connection) as small:
        response = client.get(url, {"kind": "region"})
    assert len(response.context["page"].object_list) == 21
    with CaptureQueriesContext(connection) as full:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert len(small) == len(full)
    assert len(full) <= 10
