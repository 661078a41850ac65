import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_swedish_by_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "sv"
    assert '<html lang="sv">' in response.content.decode()


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get("/")["Content-Language"] == "en"
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert client.get("/")["Content-Language"] == "sv"


def test_unknown_language_cookie_falls_back_to_swedish(client):
    client.cookies["django_language"] = "xx-hostile<script>"
    assert client.get("/")["Content-Language"] == "sv"


def test_content_security_policy_header_on_pages(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
