"""/healthz/: the container healthcheck and load balancer probe."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_returns_ok_json(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_is_not_cached(client):
    response = client.get("/healthz/")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_exempt_from_ssl_redirect(client):
    from django.conf import settings

    exempt = getattr(settings, "SECURE_REDIRECT_EXEMPT", None) or [r"^healthz/$"]
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=exempt):
        assert client.get("/healthz/").status_code == 200
        other = client.get("/i18n/setlang/")
    assert other.status_code == 301
    assert other["Location"].startswith("https://")


@pytest.mark.django_db
def test_healthz_database_unreachable_returns_503(client, monkeypatch):
    from core import views

    class BrokenConnection:
        def cursor(self):
            raise RuntimeError("database down")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
