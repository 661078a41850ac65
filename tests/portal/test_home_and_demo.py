import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import StaffRole, User
from networks.models import Organizer
from portal.demo import DEMO_USERS

pytestmark = pytest.mark.django_db


def test_home_explains_the_service_to_anonymous(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Utvecklingsnätverk för kommuner och regioner" in body
    assert 'href="/konto/login/"' in body


def test_home_has_accessible_landmarks(client):
    body = client.get("/").content.decode()
    for marker in ('<a class="skip-link', "<header>", "<main", "<footer", '<nav class="navbar'):
        assert marker in body


def test_seed_demo_is_idempotent_and_prints_passwords(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Lösenord: demo-natverk-2026" in out
    assert User.objects.filter(email__in=[u.email for u in DEMO_USERS]).count() == len(DEMO_USERS)
    assert set(Organizer.objects.values_list("short_name", flat=True)) >= {"SKR", "RKA", "KSL"}
    skr = Organizer.objects.get(slug="skr")
    assert skr.organisation_number == "2220000315" and "SKL" in skr.former_names
    assert StaffRole.objects.filter(user__email="projektledare@example.se", organizer=skr).count() == 1


def test_seed_demo_refuses_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.parametrize("spec", DEMO_USERS, ids=lambda spec: spec.email)
def test_every_demo_user_can_log_in(client, settings, spec, seeded_once):
    settings.DEBUG = True
    response = client.post("/konto/login/", {"login": spec.email, "password": "demo-natverk-2026"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/").context["user"].email == spec.email
