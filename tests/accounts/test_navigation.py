import pytest
from django.urls import reverse

from accounts.models import StaffRole
from tests.factories import OrganizerFactory, UserFactory, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role


def nav_urls(client, path="/"):
    return [item["url"] for item in client.get(path).context["nav_items"]]


PUBLIC = ["/", "/natverk/"]


def test_navigation_anonymous_sees_start_and_networks(client):
    assert nav_urls(client) == PUBLIC


def test_navigation_representative_sees_own_municipality_only(client):
    client.force_login(representative("0114"))
    assert nav_urls(client) == [
        *PUBLIC,
        reverse("applications:mine"),
        reverse("municipalities:mine"),
        reverse("members:list"),
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.NETWORK_LEAD,
            [
                "leads:network_list",
                "efficiency_models:list",
                "networks:organizer_list",
                "municipalities:list",
                "accounts:representatives",
            ],
        ),
        (Role.FINANCE, ["networks:organizer_list", "municipalities:list"]),
        (
            Role.ADMINISTRATOR,
            [
                "leads:network_list",
                "efficiency_models:list",
                "networks:organizer_list",
                "municipalities:list",
                "accounts:representatives",
                "audit:list",
            ],
        ),
    ],
)
def test_navigation_staff_see_what_their_role_may_use(client, role, expected):
    client.force_login(staff(role, organizer=OrganizerFactory()))
    assert nav_urls(client) == [*PUBLIC, *[reverse(name) for name in expected]]


def test_navigation_admin_site_only_for_admin_site_users(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert reverse("admin:index") in nav_urls(client)


def test_navigation_history_for_administrators_personal_data_for_superusers(client):
    client.force_login(UserFactory(is_superuser=True))
    urls = nav_urls(client)
    assert reverse("audit:list") in urls
    assert reverse("privacy:administration") in urls
    client.force_login(staff(Role.ADMINISTRATOR, organizer=OrganizerFactory()))
    assert reverse("privacy:administration") not in nav_urls(client)


def test_navigation_marks_one_item_current(client):
    client.force_login(staff(Role.ADMINISTRATOR, organizer=OrganizerFactory()))
    items = client.get(reverse("municipalities:import")).context["nav_items"]
    assert [item["url"] for item in items if item["active"]] == [reverse("municipalities:list")]


def test_register_list_offers_import_to_administrators_only(client):
    organizer = OrganizerFactory()
    import_url = reverse("municipalities:import")
    client.force_login(staff(Role.ADMINISTRATOR, organizer=organizer))
    assert import_url in client.get(reverse("municipalities:list")).content.decode()
    client.force_login(staff(Role.NETWORK_LEAD, organizer=organizer))
    assert import_url not in client.get(reverse("municipalities:list")).content.decode()
