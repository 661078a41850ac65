import pytest
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.models import StaffRole, User
from core import privacy
from tests.factories import PASSWORD, UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'
HUGE = "x" * 10_000


def _data(**overrides):
    return {
        "email": "ny@example.se",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": "Ny Person",
        "phone": "",
        "title": "",
        "requested_municipality": "",
    } | overrides


def test_signup_form_offers_active_municipalities_by_name():
    inactive = municipality("0180")
    inactive.is_active = False
    inactive.save()
    choices = list(SignupForm().fields["requested_municipality"].queryset)
    assert inactive not in choices
    assert [m.name for m in choices] == sorted(m.name for m in choices)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": HUGE}, "name"),
        ({"phone": HUGE}, "phone"),
        ({"title": HUGE}, "title"),
        ({"requested_municipality": "999999999"}, "requested_municipality"),
        ({"requested_municipality": HOSTILE}, "requested_municipality"),
        ({"email": "not-an-email"}, "email"),
        ({"email": HUGE + "@example.se"}, "email"),
        ({"email": ""}, "email"),
        ({"password2": "something-else-entirely"}, "password2"),
        ({"name": "nul\x00byte"}, "name"),
    ],
)
def test_signup_bad_values_give_form_errors(client, mailoutbox, overrides, field):
    response = client.post(reverse("account_signup"), _data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="ny@example.se").exists() or field == "email"
    assert mailoutbox == []
    html = response.content.decode()
    assert f'aria-describedby="id_{field}_error' in html
    assert HOSTILE not in html


def test_signup_hostile_text_is_stored_as_text_and_escaped(client, mailoutbox):
    response = client.post(reverse("account_signup"), _data(name=HOSTILE, title=HOSTILE))
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.se")
    assert user.name == HOSTILE
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


def test_signup_stores_requested_municipality(client, mailoutbox):
    vasby = municipality("0114")
    client.post(reverse("account_signup"), _data(requested_municipality=vasby.pk))
    user = User.objects.get(email="ny@example.se")
    assert user.requested_municipality == vasby
    assert user.municipality is None


def test_profile_anonymous_is_sent_to_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_shows_email_roles_municipality_and_security_links(client):
    user = representative("0114", email="rep@example.se")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "rep@example.se" in html
    assert municipality("0114").name in html
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert f'href="{reverse(name)}"' in html


def test_profile_edits_name_phone_title(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"name": "Ändrat Namn", "phone": "070", "title": "Chef"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.phone, user.title) == ("Ändrat Namn", "070", "Chef")


@pytest.mark.parametrize("data", [{"name": ""}, {"name": HUGE}, {"name": "Ok", "phone": HUGE}, {}])
def test_profile_bad_values_give_form_errors(client, data):
    user = UserFactory(name="Före")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.name == "Före"


def test_privacy_registers_user_and_staff_role():
    user = staff(StaffRole.Role.FINANCE, email="eko@example.se", phone="08-1")
    extract = privacy.export_for_user(user)
    assert extract["accounts.User"][0]["email"] == "eko@example.se"
    assert extract["accounts.StaffRole"][0]["role"] == StaffRole.Role.FINANCE


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/staffrole/",
        "/admin/accounts/staffrole/add/",
    ],
)
def test_admin_pages_render_for_superuser(client, url):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200


def test_admin_user_change_page_renders(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    user = staff(StaffRole.Role.NETWORK_LEAD)
    response = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200
    assert b"municipality" in response.content


def test_admin_creates_user_by_email(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "ny.admin@example.se",
            "name": "Ny",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "staff_roles-TOTAL_FORMS": "0",
            "staff_roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="ny.admin@example.se").check_password(PASSWORD)


def test_signup_page_shows_personal_data_information(client):
    assert 'id="signup-privacy"' in client.get(reverse("account_signup")).content.decode()
