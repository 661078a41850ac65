import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from municipalities.models import MunicipalityDomain
from tests.factories import PASSWORD, UserFactory, municipality

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://testserver(/konto/confirm-email/[^/\s]+/)")


def _signup(client, email="ny.person@example.se", **extra):
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": "Ny Person",
        "phone": "08-123 45 67",
        "title": "Utvecklingsstrateg",
    } | extra
    return client.post(reverse("account_signup"), data)


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_login_with_email_works_for_verified_user(client):
    user = UserFactory(email="anna@example.se")
    response = client.post(reverse("account_login"), {"login": "anna@example.se", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)


def test_login_with_wrong_password_fails_with_swedish_error(client):
    UserFactory(email="anna@example.se")
    response = client.post(reverse("account_login"), {"login": "anna@example.se", "password": "fel-lösenord-123"})
    assert response.status_code == 200
    assert _logged_in_user_id(client) is None
    html = response.content.decode()
    assert "E-postadressen och/eller lösenordet är felaktigt." in html
    assert 'role="alert"' in html


def test_login_page_renders_fields_with_labels_in_base_template(client):
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="sv">' in html
    assert 'for="id_login"' in html and 'id="id_login"' in html
    assert 'for="id_password"' in html
    assert "form-control" in html and "btn btn-primary" in html
    assert "style=" not in html


def test_signup_sends_verification_mail_and_blocks_login_until_followed(client, mailoutbox):
    response = _signup(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ny.person@example.se"]
    user = User.objects.get(email="ny.person@example.se")
    assert (user.name, user.phone, user.title) == ("Ny Person", "08-123 45 67", "Utvecklingsstrateg")
    assert _logged_in_user_id(client) is None

    response = client.post(reverse("account_login"), {"login": "ny.person@example.se", "password": PASSWORD})
    assert _logged_in_user_id(client) is None
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_following_the_verification_link_verifies_and_allows_login(client, mailoutbox):
    _signup(client)
    path = CONFIRM_LINK.search(mailoutbox[0].body).group(1)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    user = User.objects.get(email="ny.person@example.se")
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    client.post(reverse("account_login"), {"login": "ny.person@example.se", "password": PASSWORD})
    assert _logged_in_user_id(client) == str(user.pk)


def test_verification_links_municipality_when_domain_matches(client, mailoutbox):
    vasby = municipality("0114")
    MunicipalityDomain.objects.create(municipality=vasby, domain="accounts-test.example.se")
    _signup(client, email="Kontakt@Accounts-Test.example.se")
    user = User.objects.get(email__iexact="kontakt@accounts-test.example.se")
    assert user.municipality is None
    client.post(CONFIRM_LINK.search(mailoutbox[0].body).group(1))
    user.refresh_from_db()
    assert user.municipality == vasby
    assert user.municipality_link_source == User.LinkSource.DOMAIN


def test_verification_without_matching_domain_keeps_the_request_pending(client, mailoutbox):
    vasby = municipality("0114")
    _signup(client, requested_municipality=vasby.pk)
    client.post(CONFIRM_LINK.search(mailoutbox[0].body).group(1))
    user = User.objects.get(email="ny.person@example.se")
    assert user.municipality is None
    assert user.requested_municipality == vasby


def test_password_reset_sends_mail(client, mailoutbox):
    UserFactory(email="anna@example.se")
    response = client.post(reverse("account_reset_password"), {"email": "anna@example.se"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna@example.se"]
    assert "/konto/password/reset/key/" in mailoutbox[0].body


def test_login_page_shows_demo_notice_when_mfa_is_off(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert 'id="mfa-demo-notice"' in client.get(reverse("account_login")).content.decode()


def test_login_page_has_no_demo_notice_when_mfa_is_required(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert 'id="mfa-demo-notice"' not in client.get(reverse("account_login")).content.decode()


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_allauth_entrance_pages_render_in_base_template(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="main"' in html and "form-control" in html
    assert "style=" not in html


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "mfa_index",
        "account_reauthenticate",
    ],
)
def test_allauth_account_pages_render_in_base_template(client, name):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="main"' in html
    assert "style=" not in html


def test_totp_activation_page_renders_after_reauthentication(client):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="authenticator_secret"' in html and 'for="id_code"' in html
    assert "style=" not in html


def test_password_reset_link_leads_to_new_password_form(client, mailoutbox):
    UserFactory(email="anna@example.se")
    client.post(reverse("account_reset_password"), {"email": "anna@example.se"})
    path = re.search(r"https?://testserver(/konto/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="id_password1"' in html and 'for="id_password2"' in html


BAD_VALUES = {
    "missing": "",
    "wrong": "not-an-address",
    "hostile": "<script>alert(1)</script>@example.se",
    "huge": "a" * 10_000 + "@example.se",
    "null byte": "a\x00b@example.se",
}


@pytest.mark.parametrize("value", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_login_bad_input_gives_form_errors_not_500(client, value):
    response = client.post("/konto/login/", {"login": value, "password": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("value", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_password_reset_bad_input_gives_form_errors_not_500(client, mailoutbox, value):
    response = client.post("/konto/password/reset/", {"email": value})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("value", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_password_change_bad_input_gives_form_errors_not_500(client, value):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/konto/password/change/", {"oldpassword": value, "password1": value, "password2": value})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
