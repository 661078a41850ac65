"""The network leads' efficiency model pages: access, the form's rules and bad input, results, the profile page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffRole
from municipalities.models import EfficiencyModel, EfficiencyModelKpi, Kpi, KpiValue
from networks.models import Network
from tests.factories import NetworkFactory, OrganizerFactory, UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
A, B, C = "0114", "1440", "0764"


@pytest.fixture
def org_x():
    return OrganizerFactory(name="Org X", slug="org-x")


@pytest.fixture
def org_y():
    return OrganizerFactory(name="Org Y", slug="org-y")


def values(kpi_id, year, by_code):
    for code, value in by_code.items():
        KpiValue.objects.create(kpi_id=kpi_id, municipality=municipality(code), year=year, value=value)


@pytest.fixture
def model(org_x):
    """Grundskola: N15419 (share, higher is better) per N15008 (kr/elev), values for three kommuner."""
    model = EfficiencyModel.objects.create(organizer=org_x, name="Grundskola")
    EfficiencyModelKpi.objects.create(model=model, kpi_id="N15419", role=EfficiencyModelKpi.Role.QUALITY)
    EfficiencyModelKpi.objects.create(model=model, kpi_id="N15008", role=EfficiencyModelKpi.Role.RESOURCE)
    values("N15419", 2024, {A: 80, B: 60, C: 40})
    values("N15008", 2024, {A: 100_000, B: 100_000, C: 50_000})
    return model


def users(org_x, org_y) -> dict:
    return {
        "anonymous": None,
        "representative": representative(A),
        "lead": staff(Role.NETWORK_LEAD, organizer=org_x),
        "administrator": staff(Role.ADMINISTRATOR, organizer=org_x),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=org_y),
        "finance": staff(Role.FINANCE, organizer=org_x),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


EXPECTED = {
    "anonymous": 302,
    "representative": 403,
    "lead": 200,
    "administrator": 200,
    "other_lead": 404,
    "finance": 403,
    "superuser": 200,
}


@pytest.mark.parametrize("name", ["efficiency_models:detail", "efficiency_models:edit", "efficiency_models:delete"])
def test_model_pages_are_for_the_organisers_leads_only(client, org_x, org_y, model, name):
    for who, user in users(org_x, org_y).items():
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(reverse(name, args=[model.pk]))
        assert response.status_code == EXPECTED[who], who


def test_list_shows_only_the_users_organisers_models(client, org_x, org_y, model):
    EfficiencyModel.objects.create(organizer=org_y, name="Annans modell")
    expected = {"anonymous": 302, "representative": 403, "finance": 403}
    for who, user in users(org_x, org_y).items():
        client.logout()
        if user:
            client.force_login(user)
        for name in ("efficiency_models:list", "efficiency_models:create"):
            response = client.get(reverse(name))
            assert response.status_code == expected.get(who, 200), (who, name)
        if who in ("lead", "administrator"):
            page = client.get(reverse("efficiency_models:list")).content.decode()
            assert "Grundskola" in page and "Annans modell" not in page
        if who == "other_lead":
            page = client.get(reverse("efficiency_models:list")).content.decode()
            assert "Grundskola" not in page and "Annans modell" in page


def test_navigation_leads_to_the_models(client, org_x):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("efficiency_models:list") in page
    client.force_login(representative(A))
    assert reverse("efficiency_models:list") not in client.get(reverse("portal:home")).content.decode()


def test_detail_shows_rank_index_and_need_labelled_as_ours(client, org_x, model):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.get(reverse("efficiency_models:detail", args=[model.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "vår beräkning" in page.lower()
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["Upplands Väsby"]["point"].index == pytest.approx(100)
    assert rows["Ale"]["point"].index == pytest.approx(75)
    assert rows["Ale"]["need"] == 100.0
    assert response.context["rows"][-1]["name"] == "Ale"  # rank 3 last
    assert len(response.context["missing"]) == 290 - 3  # every other kommun, with its reason
    assert "<svg" in page  # the group chart
    assert "Saknas" in page or "saknas" in page


def test_detail_query_count_does_not_grow_with_municipalities_or_values(client, org_x, model):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    url = reverse("efficiency_models:detail", args=[model.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    values("N15419", 2023, {A: 50, B: 60, C: 70, "1984": 40})
    values("N15008", 2023, {A: 90_000, B: 80_000, C: 70_000, "1984": 60_000})
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def valid_post(**overrides):
    data = {
        "name": "Äldreomsorg",
        "description": "Brukarbedömning per kostnad",
        "quality": ["U21468", "U23471"],
        "volume": [],
        "resource": "N20048",
    }
    data.update(overrides)
    return data


def test_a_lead_creates_and_edits_a_model(client, org_x):
    lead = staff(Role.NETWORK_LEAD, organizer=org_x)
    client.force_login(lead)
    response = client.post(reverse("efficiency_models:create"), valid_post(organizer=org_x.pk))
    model = EfficiencyModel.objects.get(name="Äldreomsorg")
    assert response.status_code == 302 and response.url == reverse("efficiency_models:detail", args=[model.pk])
    assert model.created_by == lead and model.organizer == org_x
    assert dict(model.components.values_list("kpi_id", "role")) == {
        "U21468": "quality",
        "U23471": "quality",
        "N20048": "resource",
    }
    # The edit form starts from the saved parts; changing roles keeps one row per key figure.
    form = client.get(reverse("efficiency_models:edit", args=[model.pk])).context["form"]
    assert form.initial["resource"] == "N20048" and set(form.initial["quality"]) == {"U21468", "U23471"}
    response = client.post(
        reverse("efficiency_models:edit", args=[model.pk]),
        valid_post(organizer=org_x.pk, quality=["U21468"], volume=["N20891"], resource="N20048"),
        follow=True,
    )
    assert dict(model.components.values_list("kpi_id", "role")) == {
        "U21468": "quality",
        "N20891": "volume",
        "N20048": "resource",
    }
    # The volume drops out with a cost per unit, and the lead is told so.
    assert "volym" in response.content.decode().lower()
    assert model.history.count() >= 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"resource": "N15419"}, "resource"),  # a share as divisor
        ({"resource": "N00097"}, "resource"),  # a net-cost deviation as divisor
        ({"quality": ["N11024"]}, "quality"),  # a deviation as a factor
        ({"quality": ["N11102"]}, "quality"),  # a key figure whose kind of value is not known (see below)
        ({"quality": ["N01951"]}, "quality"),  # population: no direction, so it cannot measure quality
        ({"resource": ""}, "resource"),  # missing
        ({"quality": []}, "quality"),  # missing
        ({"name": ""}, "name"),  # missing
        ({"resource": "'; DROP TABLE municipalities_kpi; --"}, "resource"),  # hostile
        ({"quality": ["<script>alert(1)</script>"]}, "quality"),  # hostile
        ({"organizer": "999999"}, "organizer"),  # not one of the user's organisers
        ({"name": "x" * 10_000}, "name"),  # huge
        ({"description": "y" * 100_000}, "description"),  # huge
    ],
)
def test_bad_input_gets_a_swedish_message_and_saves_nothing(client, org_x, overrides, field):
    if field == "quality" and overrides.get("quality") == ["N11102"]:
        Kpi.objects.filter(id="N11102").update(direction="", unit="")  # a key figure whose kind is not known
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = valid_post(organizer=org_x.pk)
    data.update(overrides)
    response = client.post(reverse("efficiency_models:create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert EfficiencyModel.objects.count() == 0
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert any(word in page for word in ("måste", "kan inte", "Välj", "Säkerställ", "Detta fält", "inte känt"))


def test_share_as_divisor_is_explained(client, org_x):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.post(reverse("efficiency_models:create"), valid_post(organizer=org_x.pk, resource="N15419"))
    [message] = response.context["form"].errors["resource"]
    assert "N15419" in message and "andel" in message


def test_another_organisers_lead_cannot_post_to_a_model(client, org_x, org_y, model):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_y))
    response = client.post(reverse("efficiency_models:edit", args=[model.pk]), valid_post(organizer=org_y.pk))
    assert response.status_code == 404
    response = client.post(reverse("efficiency_models:delete", args=[model.pk]))
    assert response.status_code == 404
    assert EfficiencyModel.objects.filter(pk=model.pk, name="Grundskola").exists()


def test_delete_refuses_a_model_a_network_uses(client, org_x, model):
    network = NetworkFactory(organizer=org_x, title="Effektivare kommun", slug="effektivare")
    network.efficiency_models.add(model)
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.post(reverse("efficiency_models:delete", args=[model.pk]), follow=True)
    assert EfficiencyModel.objects.filter(pk=model.pk).exists()
    assert "Effektivare kommun" in response.content.decode()
    network.efficiency_models.clear()
    response = client.post(reverse("efficiency_models:delete", args=[model.pk]))
    assert response.status_code == 302
    assert not EfficiencyModel.objects.filter(pk=model.pk).exists()


def test_the_network_form_offers_only_the_leads_organisers_models(org_x, org_y, model):
    from networks.forms import NetworkForm

    theirs = EfficiencyModel.objects.create(organizer=org_y, name="Deras")
    lead = staff(Role.NETWORK_LEAD, organizer=org_x)
    form = NetworkForm(user=lead, instance=Network(organizer=org_x))
    assert list(form.fields["efficiency_models"].queryset) == [model]
    assert theirs not in form.fields["efficiency_models"].queryset


def test_profile_page_shows_the_staffs_models_and_not_to_representatives(client, org_x, org_y, model):
    url = reverse("municipalities:efficiency", args=[A])
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    page = client.get(url).content.decode()
    assert "Grundskola" in page and "vår beräkning" in page.lower()
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_y))
    assert "Grundskola" not in client.get(url).content.decode()
    client.force_login(representative(A))
    assert "Grundskola" not in client.get(url).content.decode()


def test_profile_page_queries_do_not_grow_with_models(client, org_x, model):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    url = reverse("municipalities:efficiency", args=[A])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for name in ("Två", "Tre"):
        other = EfficiencyModel.objects.create(organizer=org_x, name=name)
        EfficiencyModelKpi.objects.create(model=other, kpi_id="N15505", role=EfficiencyModelKpi.Role.QUALITY)
        EfficiencyModelKpi.objects.create(model=other, kpi_id="N15008", role=EfficiencyModelKpi.Role.RESOURCE)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert len(three) == len(one)
    assert "Två" in page and "Tre" in page


def test_a_lead_chooses_the_networks_models_in_the_invitation_editor(client, org_x, org_y, model):
    from tests.networks.test_lead_pages import form_data

    theirs = EfficiencyModel.objects.create(organizer=org_y, name="Deras")
    network = NetworkFactory(organizer=org_x, title="Effektivare kommun", slug="effektivare")
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    url = reverse("leads:network_edit", args=[network.slug])
    data = form_data(organizer=org_x.pk, slug="effektivare", efficiency_models=[theirs.pk])
    response = client.post(url, data)
    assert response.status_code == 200 and "efficiency_models" in response.context["form"].errors
    assert list(network.efficiency_models.all()) == []
    assert (
        client.post(url, form_data(organizer=org_x.pk, slug="effektivare", efficiency_models=[model.pk])).status_code
        == 302
    )
    assert list(network.efficiency_models.all()) == [model]


def test_review_list_shows_need_of_support_where_the_network_selects_by_it(client, org_x, model):
    from tests.factories import ApplicationFactory

    network = NetworkFactory(organizer=org_x, title="Effektivare kommun", slug="effektivare")
    for code in (A, B, "1984"):
        ApplicationFactory(network=network, municipality=municipality(code), status="submitted")
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    url = reverse("reviews:list", args=[network.slug])
    assert "Behov av stöd" not in client.get(url).content.decode()  # not a network that selects by need

    network.efficiency_models.add(model)
    response = client.get(url)
    needs = {row.application.municipality.code: row.need_of_support for row in response.context["rows"]}
    assert needs == {A: 25.0, B: 100.0, "1984": None}  # index 100, 75 (C has 100 but did not apply); Arboga missing
    assert "Behov av stöd" in response.content.decode()
    csv = client.get(reverse("reviews:export_csv", args=[network.slug])).content.decode("utf-8-sig")
    assert "Behov av stöd (vår beräkning)" in csv.splitlines()[0]


@pytest.mark.usefixtures("page_cache_off")  # counts or inspects what a render does
def test_review_list_queries_do_not_grow_with_applications(client, org_x, model):
    from tests.factories import ApplicationFactory

    network = NetworkFactory(organizer=org_x, title="Effektivare kommun", slug="effektivare")
    network.efficiency_models.add(model)
    ApplicationFactory(network=network, municipality=municipality(A), status="submitted")
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    url = reverse("reviews:list", args=[network.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for code in (B, C, "1984"):
        ApplicationFactory(network=network, municipality=municipality(code), status="submitted")
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)
