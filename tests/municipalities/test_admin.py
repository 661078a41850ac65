import pytest
from django.urls import reverse

from accounts.models import StaffRole
from municipalities.models import RegisterImport
from tests.factories import UserFactory, municipality, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", ["county", "municipality", "municipalitydomain", "registerimport"])
def test_admin_changelists_render(client, superuser, model):
    RegisterImport.objects.create(filename="x.csv", content="code\n0114\n", uploaded_by=superuser)
    response = client.get(reverse(f"admin:municipalities_{model}_changelist"))
    assert response.status_code == 200


def test_admin_municipality_search_and_filters(client, superuser):
    url = reverse("admin:municipalities_municipality_changelist")
    assert "Upplands Väsby" in client.get(url, {"q": "2120000019"}).content.decode()
    assert client.get(url, {"kind__exact": "region", "political_majority__exact": ""}).status_code == 200


def test_admin_municipality_change_page_and_history(client, superuser):
    vasby = municipality("0114")
    assert client.get(reverse("admin:municipalities_municipality_change", args=[vasby.pk])).status_code == 200
    assert client.get(reverse("admin:municipalities_municipality_history", args=[vasby.pk])).status_code == 200


def test_admin_network_lead_may_view_but_not_change_the_register(client):
    client.force_login(staff(role=StaffRole.Role.NETWORK_LEAD, is_staff=True))
    vasby = municipality("0114")
    url = reverse("admin:municipalities_municipality_change", args=[vasby.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"invoice_email": "x@example.se"})

    assert response.status_code == 403
    vasby.refresh_from_db()
    assert vasby.invoice_email == ""
