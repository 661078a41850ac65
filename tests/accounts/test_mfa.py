import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from accounts.models import StaffRole
from tests.factories import PASSWORD, UserFactory, representative, staff

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/arrangorer/"


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: staff(StaffRole.Role.NETWORK_LEAD),
        lambda: staff(StaffRole.Role.FINANCE),
        lambda: UserFactory(is_superuser=True, is_staff=True),
        lambda: UserFactory(is_staff=True),
    ],
    ids=["network_lead", "finance", "superuser", "admin_site_access"],
)
def test_mfa_staff_without_totp_is_sent_to_totp_setup(client, mfa_required, make_user):
    client.force_login(make_user())
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_mfa_our_account_pages_are_not_exempt(client, mfa_required):
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD))
    response = client.get(reverse("accounts:representatives"))
    assert response.url == reverse("mfa_activate_totp")


def test_mfa_setup_and_logout_stay_reachable_for_staff(client, mfa_required):
    user = staff(StaffRole.Role.NETWORK_LEAD)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # allauth asks for the password again before MFA changes; that page is reachable too.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert client.get(response.url).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.session.get("_auth_user_id") is None


def test_mfa_staff_with_totp_passes(client, mfa_required):
    user = staff(StaffRole.Role.NETWORK_LEAD)
    TOTP.activate(user, generate_totp_secret())
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.force_login(user)
    assert client.get(STAFF_PAGE).status_code == 200


def test_mfa_representative_is_not_sent_to_totp_setup(client, mfa_required):
    client.force_login(representative("0114"))
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200


def test_mfa_not_enforced_when_setting_is_off(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD))
    assert client.get(STAFF_PAGE).status_code == 200


def test_mfa_staff_login_asks_for_code_after_activation(client, mfa_required):
    user = staff(StaffRole.Role.NETWORK_LEAD)
    TOTP.activate(user, generate_totp_secret())
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.session.get("_auth_user_id") is None
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert 'for="id_code"' in html


def test_mfa_recovery_codes_page_renders_codes_with_label(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = staff(StaffRole.Role.NETWORK_LEAD)
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="recovery_codes"' in html and "<textarea" in html
    assert "style=" not in html
