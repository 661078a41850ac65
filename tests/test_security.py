"""Security hardening: production settings, response headers, templates fit for the CSP, rate limits."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = BASE_DIR / "templates"

PRODUCTION_SETTINGS_SCRIPT = """
import json, django
django.setup()
from django.conf import settings as s
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "MFA_REQUIRED_FOR_STAFF",
    "MIDDLEWARE",
]
print(json.dumps({name: getattr(s, name, None) for name in names}))
"""


def production_environment(tmp_path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="natverk.example.se",
        CSRF_TRUSTED_ORIGINS="https://natverk.example.se",
        DATABASE_URL=f"sqlite:///{tmp_path / 'security.sqlite3'}",
        EMAIL_URL="smtp://mailpit:1025",
    )
    for name in ("REDIS_URL", "BEHIND_TLS_PROXY", "MFA_REQUIRED_FOR_STAFF", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    return env


# --- Production settings ------------------------------------------------------------------------


def test_production_settings_are_secure(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SETTINGS_SCRIPT],
        cwd=BASE_DIR,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"
    assert values["MFA_REQUIRED_FOR_STAFF"] is True
    middleware = values["MIDDLEWARE"]
    for name in (
        "django.middleware.security.SecurityMiddleware",
        "core.middleware.PermissionsPolicyMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "csp.middleware.CSPMiddleware",
    ):
        assert name in middleware
    # Above WhiteNoise, so that static files carry the header too.
    assert middleware.index("core.middleware.PermissionsPolicyMiddleware") < middleware.index(
        "whitenoise.middleware.WhiteNoiseMiddleware"
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SETTINGS_SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- Response headers -----------------------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy header"
    directives = csp_directives(csp)
    for directive in ("default-src", "script-src", "style-src"):
        assert directive in directives, csp
    for directive in ("default-src", "script-src", "style-src", "img-src", "font-src", "connect-src"):
        sources = directives.get(directive, [])
        assert "'unsafe-inline'" not in sources, csp
        assert "'unsafe-eval'" not in sources, csp
        assert "*" not in sources, csp
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    # Scripts come from the site itself (plus a per-response nonce when a page renders one).
    assert set(directives["script-src"]) - {"'self'"} <= {
        s for s in directives["script-src"] if s.startswith("'nonce-")
    }
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy, policy


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["portal:home", "portal:catalogue", "account_login", "account_signup"])
def test_public_pages_carry_the_security_headers(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_logged_in_pages_and_errors_carry_the_security_headers(client):
    client.force_login(UserFactory())
    assert_security_headers(client.get(reverse("portal:home")))
    assert_security_headers(client.get("/no-such-page/"))


@pytest.mark.django_db
def test_pages_load_scripts_only_from_files(client):
    html = client.get(reverse("portal:home")).content.decode()
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags
    for tag in tags:
        assert "src=" in tag, tag


def test_permissions_policy_header_is_built_from_the_setting(rf, settings):
    from core.middleware import PermissionsPolicyMiddleware

    settings.PERMISSIONS_POLICY = {"camera": [], "fullscreen": ["self"]}
    from django.http import HttpResponse

    middleware = PermissionsPolicyMiddleware(lambda request: HttpResponse("ok"))
    assert middleware(rf.get("/"))["Permissions-Policy"] == "camera=(), fullscreen=(self)"


def test_session_and_csrf_cookies_are_http_only_or_same_site():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


# --- Templates fit the CSP (no unsafe-inline needed) ------------------------------------------------

# PDF documents (WeasyPrint, never served to a browser) may carry a <style> for the page margins.
PDF_TEMPLATES = ("reports/base.html",)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        text = path.read_text(encoding="utf-8")
        if name in PDF_TEMPLATES or any(f'extends "{pdf}"' in text for pdf in PDF_TEMPLATES):
            continue
        yield name, text


def test_the_scan_finds_templates():
    assert len(list(served_templates())) > 50


def test_templates_have_no_inline_scripts_styles_or_event_handlers():
    problems = []
    for name, text in served_templates():
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script> without src"),
            (STYLE_ATTRIBUTE, "style= attribute"),
            (EVENT_HANDLER, "inline event handler"),
            (STYLE_ELEMENT, "<style> element"),
            (JAVASCRIPT_URL, "javascript: URL"),
        ):
            for match in pattern.finditer(text):
                if what.startswith("inline <script>") and "nonce" in match.group(0):
                    continue  # a nonced inline script (e.g. JSON data) is allowed by the CSP
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{name}:{line}: {what}: {match.group(0)[:80]}")
    assert not problems, "\n".join(problems)


def test_the_scan_would_catch_each_kind_of_problem():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js"></script>')
    assert STYLE_ATTRIBUTE.search('<div class="x" style="color:red">')
    assert not STYLE_ATTRIBUTE.search('<div class="style">')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert not EVENT_HANDLER.search('<button class="once">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')


# --- Rate limits --------------------------------------------------------------------------------------


def test_allauth_rate_limits_are_set_explicitly():
    limits = settings.ACCOUNT_RATE_LIMITS
    for action in ("login", "login_failed", "signup", "reset_password", "reset_password_from_key", "confirm_email"):
        assert limits.get(action), action
    assert "/key" in limits["login_failed"] and "/ip" in limits["login_failed"]


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_failed_logins_per_account_are_limited_even_with_the_right_password_afterwards(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    user = UserFactory()
    for _attempt in range(5):
        response = login(client, user.email, "wrong password")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = login(client, user.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    # Another account from the same address is not locked by it.
    other = UserFactory()
    assert login(client, other.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_below_the_limit_works(client):
    user = UserFactory()
    for _attempt in range(4):
        login(client, user.email, "wrong password")
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_too_many_login_posts_from_one_address_get_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    responses = [login(client, f"nobody{n}@example.se", "wrong password") for n in range(4)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    # Our page (templates/429.html), in Swedish, not a bare English one.
    assert "För många försök" in responses[-1].content.decode()


@pytest.mark.django_db
def test_too_many_password_reset_requests_for_one_address_get_429(client):
    user = UserFactory()
    url = reverse("account_reset_password")
    statuses = [client.post(url, {"email": user.email}).status_code for _ in range(6)]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


@pytest.mark.django_db
def test_too_many_signups_from_one_address_get_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    url = reverse("account_signup")
    statuses = [client.post(url, {"email": "not an address"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_public_seminar_sign_up_is_rate_limited():
    from meetings import seminar_views

    assert seminar_views.RATE_PER_IP and seminar_views.RATE_PER_EMAIL
    assert settings.RATELIMIT_IP_META_KEY == "core.http.client_ip"
