"""Staff of one organiser cannot see another organiser's data."""

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from tests.factories import OrganizerFactory, UserFactory, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role


@pytest.fixture
def two_organizers():
    return OrganizerFactory(name="Org X", slug="org-x"), OrganizerFactory(name="Org Y", slug="org-y")


def test_organizer_list_shows_only_own_organizers(client, two_organizers):
    x, _y = two_organizers
    client.force_login(staff(Role.NETWORK_LEAD, organizer=x))
    response = client.get(reverse("networks:organizer_list"))
    assert response.status_code == 200
    assert list(response.context["organizers"]) == [x]
    assert "Org Y" not in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_organizer_detail_of_another_organizer_is_404(client, two_organizers, role):
    x, y = two_organizers
    client.force_login(staff(role, organizer=x))
    assert client.get(reverse("networks:organizer_detail", args=[x.slug])).status_code == 200
    assert client.get(reverse("networks:organizer_detail", args=[y.slug])).status_code == 404


def test_organizer_pages_refuse_anonymous_representative_and_roleless(client, two_organizers):
    x, _ = two_organizers
    urls = [reverse("networks:organizer_list"), reverse("networks:organizer_detail", args=[x.slug])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for user in (representative("0114"), UserFactory()):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403


def test_superuser_sees_every_organizer(client, two_organizers):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("networks:organizer_list"))
    assert set(two_organizers) <= set(response.context["organizers"])


def test_organizer_admin_scoped_to_administrators_organizers(client, two_organizers):
    x, y = two_organizers
    admin = staff(Role.ADMINISTRATOR, organizer=x, is_staff=True)
    client.force_login(admin)
    changelist = client.get(reverse("admin:networks_organizer_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].queryset) == [x]
    assert client.get(reverse("admin:networks_organizer_change", args=[x.pk])).status_code == 200
    other = client.get(reverse("admin:networks_organizer_change", args=[y.pk]))
    assert other.status_code in (302, 403, 404)
    assert "Org Y" not in other.content.decode()


def test_organizer_admin_refuses_network_lead_with_admin_access(client, two_organizers):
    x, _ = two_organizers
    client.force_login(staff(Role.NETWORK_LEAD, organizer=x, is_staff=True))
    assert client.get(reverse("admin:networks_organizer_changelist")).status_code == 403


def test_organizer_detail_query_count_is_constant(client, two_organizers, django_assert_max_num_queries):
    x, _ = two_organizers
    lead = staff(Role.NETWORK_LEAD, organizer=x)
    for _ in range(10):
        staff(Role.FINANCE, organizer=x)
    client.force_login(lead)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("networks:organizer_detail", args=[x.slug])).status_code == 200
