import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import StaffRole
from core import privacy, retention
from meetings.models import SeminarRegistration
from tests.factories import MeetingFactory, UserFactory, representative, staff

pytestmark = pytest.mark.django_db

EMAIL = "vera.vy@example.se"


@pytest.fixture
def registration():
    return SeminarRegistration.objects.create(
        meeting=MeetingFactory(), name="Vera Vy", organisation="Knivsta", email=EMAIL
    )


@pytest.fixture
def key(registration):
    return privacy.person_key(EMAIL)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _admin_urls(key):
    return [
        reverse("privacy:administration"),
        reverse("privacy:person", args=[key]),
        reverse("privacy:export", args=[key]),
        reverse("privacy:erase", args=[key]),
    ]


def test_information_is_public_and_shows_retention_periods(client, settings):
    settings.RETENTION = {**settings.RETENTION, "seminar_signups": 90, "applications_not_accepted": 730}
    response = client.get(reverse("privacy:information"))
    assert response.status_code == 200
    html = response.content.decode()
    # "90 dagar" and "2 år" once translated (locale/sv): the same text as the rule's period.
    assert retention.format_period(90) in html and retention.format_period(730) in html
    assert 'id="retention-seminar_signups"' in html
    assert "bokföringslagen" in html


def test_anonymous_is_sent_to_login(client, key):
    for url in _admin_urls(key):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: representative(),
        lambda: staff(StaffRole.Role.NETWORK_LEAD),
        lambda: staff(StaffRole.Role.FINANCE),
        lambda: staff(StaffRole.Role.ADMINISTRATOR),
        lambda: UserFactory(is_staff=True),
    ],
    ids=["representative", "lead", "finance", "organiser-admin", "admin-site-staff"],
)
def test_other_roles_are_forbidden(make_user, key, registration):
    client = _client(make_user())
    for url in _admin_urls(key):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("privacy:erase", args=[key])).status_code == 403
    registration.refresh_from_db()
    assert registration.name == "Vera Vy"


def test_superuser_sees_search_person_export_and_erase(key):
    client = _client(UserFactory(is_superuser=True, is_staff=True))
    for url in _admin_urls(key):
        assert client.get(url).status_code == 200, url
    response = client.get(reverse("privacy:administration"), {"q": "vera"})
    assert reverse("privacy:person", args=[key]) in response.content.decode()
    person = client.get(reverse("privacy:person", args=[key])).content.decode()
    assert "Vera Vy" in person and "Knivsta" in person
    assert reverse("privacy:export", args=[key]) in person


@pytest.mark.parametrize(
    "query",
    ["x", "a" * 201, "'; DROP TABLE accounts_user; --", "%%%", "\\", "<script>alert(1)</script>", "é" * 200, "\x00ab"],
)
def test_hostile_search_input_never_fails(query, registration):
    client = _client(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("privacy:administration"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_bad_key_is_404():
    client = _client(UserFactory(is_superuser=True, is_staff=True))
    for key in ["0" * 32, "nope", "a" * 500, privacy.person_key("nobody@example.se")]:
        assert client.get(reverse("privacy:person", args=[key])).status_code == 404
        assert client.get(reverse("privacy:export", args=[key])).status_code == 404
        assert client.post(reverse("privacy:erase", args=[key])).status_code == 404


def test_erase_needs_post_with_csrf(key, registration):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    assert client.get(reverse("privacy:erase", args=[key])).status_code == 200
    assert client.post(reverse("privacy:erase", args=[key])).status_code == 403  # no CSRF token
    assert _client(superuser).put(reverse("privacy:erase", args=[key])).status_code == 405
    registration.refresh_from_db()
    assert registration.name == "Vera Vy"


def test_erase_post_erases_and_reports(key, registration):
    client = _client(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(reverse("privacy:erase", args=[key]), follow=True)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.name == privacy.ERASED_NAME
    assert registration.email.endswith("@invalid.example.se")
    assert client.get(reverse("privacy:person", args=[key])).status_code == 404


def test_information_texts_show_the_periods(registration):
    from django.template.loader import render_to_string

    seminar = render_to_string("core/privacy/_seminar_text.html", {"meeting": registration.meeting})
    assert retention.format_period(90) in seminar
    assert reverse("privacy:information") in seminar
    application = render_to_string("applications/_privacy_text.html", {"network": registration.meeting.network})
    assert 'id="privacy-retention"' in application
    assert retention.format_period(730) in application
