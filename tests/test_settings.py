"""Settings come from the environment, and a bad value stops start-up naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import (
    EnvError,
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_origins,
    env_redis,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
SERVICE_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "CELERY_QUEUE",
    "CONN_MAX_AGE",
    "TEST_DATABASE_NAME",
)


def error_for(reader, *args, environ_):
    with pytest.raises(EnvError) as excinfo:
        reader(*args, environ_=environ_)
    return excinfo.value


# --- DEBUG ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("Yes", True), ("on", True), ("0", False), ("false", False), ("off", False)],
)
def test_env_bool_reads_valid_values(raw, expected):
    assert env_bool("DEBUG", not expected, environ_={"DEBUG": raw}) is expected


def test_env_bool_uses_default_when_unset():
    assert env_bool("DEBUG", True, environ_={}) is True
    assert env_bool("DEBUG", False, environ_={}) is False


def test_env_bool_malformed_names_variable():
    error = error_for(env_bool, "DEBUG", True, environ_={"DEBUG": "maybe"})
    assert error.name == "DEBUG"
    assert "DEBUG" in str(error)
    assert "maybe" in str(error)


# --- DATABASE_URL -------------------------------------------------------------------


def test_env_database_defaults_to_sqlite_file(tmp_path):
    config = env_database("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}", environ_={})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")


def test_env_database_reads_postgres_url():
    config = env_database(
        "DATABASE_URL", "sqlite:///x", environ_={"DATABASE_URL": "postgres://app:pw@db.example.se:5433/natverk"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("natverk", "app", "pw")
    assert (config["HOST"], config["PORT"]) == ("db.example.se", 5433)


@pytest.mark.parametrize(
    "raw",
    [
        "mysql://user@host/db",  # bad scheme
        "garbage",  # no scheme at all
        "postgres://user@host:5432/",  # missing name
        "postgres://user@host:port/db",  # malformed port
    ],
)
def test_env_database_malformed_names_variable(raw):
    error = error_for(env_database, "DATABASE_URL", "sqlite:///x", environ_={"DATABASE_URL": raw})
    assert error.name == "DATABASE_URL"
    assert "DATABASE_URL" in str(error)


def test_env_database_missing_name_says_so():
    error = error_for(env_database, "DATABASE_URL", "sqlite:///x", environ_={"DATABASE_URL": "postgres://u@h/"})
    assert "name is missing" in str(error)


# --- REDIS_URL ----------------------------------------------------------------------


def test_env_redis_absent_is_none():
    assert env_redis("REDIS_URL", environ_={}) is None
    assert env_redis("REDIS_URL", environ_={"REDIS_URL": ""}) is None


@pytest.mark.parametrize("raw", ["redis://127.0.0.1:6379/1", "rediss://cache.example.se:6380/0", "redis://redis"])
def test_env_redis_reads_valid_url(raw):
    assert env_redis("REDIS_URL", environ_={"REDIS_URL": raw}) == raw


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("http://127.0.0.1:6379/0", "expected redis://"),  # bad scheme
        ("redis://127.0.0.1:port/0", "malformed port"),
        ("redis://127.0.0.1:99999/0", "malformed port"),
        ("redis://127.0.0.1:6379/one", "must be a number"),
    ],
)
def test_env_redis_malformed_names_variable(raw, fragment):
    error = error_for(env_redis, "REDIS_URL", environ_={"REDIS_URL": raw})
    assert error.name == "REDIS_URL"
    assert "REDIS_URL" in str(error)
    assert fragment in str(error)


# --- EMAIL_URL ----------------------------------------------------------------------


def test_env_email_defaults_to_console():
    config = env_email("EMAIL_URL", "consolemail://", environ_={})
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_env_email_reads_smtp_url():
    config = env_email("EMAIL_URL", "consolemail://", environ_={"EMAIL_URL": "smtp://mailpit:1025"})
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mailpit", 1025)


def test_env_email_reads_tls_credentials():
    config = env_email(
        "EMAIL_URL", "consolemail://", environ_={"EMAIL_URL": "smtp+tls://user:secret@smtp.example.se:587"}
    )
    assert config["EMAIL_USE_TLS"] is True
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("user", "secret")


@pytest.mark.parametrize("raw", ["ftp://mail.example.se", "mailpit:1025", "smtp://mailpit:port"])
def test_env_email_malformed_names_variable(raw):
    error = error_for(env_email, "EMAIL_URL", "consolemail://", environ_={"EMAIL_URL": raw})
    assert error.name == "EMAIL_URL"
    assert "EMAIL_URL" in str(error)


# --- ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS -----------------------------------------------


def test_env_list_splits_and_strips():
    hosts = env_list("ALLOWED_HOSTS", ["localhost"], environ_={"ALLOWED_HOSTS": " natverk.example.se , .example.se "})
    assert hosts == ["natverk.example.se", ".example.se"]


def test_env_list_default_and_empty():
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ_={}) == ["localhost"]
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ_={"ALLOWED_HOSTS": ""}) == []


def test_env_list_empty_item_names_variable():
    error = error_for(env_list, "ALLOWED_HOSTS", [], environ_={"ALLOWED_HOSTS": "a.example.se,,b.example.se"})
    assert error.name == "ALLOWED_HOSTS"
    assert "ALLOWED_HOSTS" in str(error)


def test_env_origins_reads_origins():
    raw = "https://natverk.example.se, http://127.0.0.1:8000, https://*.example.se"
    origins = env_origins("CSRF_TRUSTED_ORIGINS", [], environ_={"CSRF_TRUSTED_ORIGINS": raw})
    assert origins == ["https://natverk.example.se", "http://127.0.0.1:8000", "https://*.example.se"]


@pytest.mark.parametrize(
    "raw",
    ["natverk.example.se", "ftp://natverk.example.se", "https://", "https://natverk.example.se/konto/"],
)
def test_env_origins_not_an_origin_names_variable(raw):
    error = error_for(env_origins, "CSRF_TRUSTED_ORIGINS", [], environ_={"CSRF_TRUSTED_ORIGINS": raw})
    assert error.name == "CSRF_TRUSTED_ORIGINS"
    assert "CSRF_TRUSTED_ORIGINS" in str(error)
    assert "not an origin" in str(error)


# --- numbers and strings ----------------------------------------------------------------


def test_env_int_reads_number_and_default():
    assert env_int("CONN_MAX_AGE", 60, environ_={"CONN_MAX_AGE": "0"}) == 0
    assert env_int("CONN_MAX_AGE", 60, environ_={}) == 60


@pytest.mark.parametrize("raw", ["sixty", "1.5", "-1"])
def test_env_int_malformed_names_variable(raw):
    error = error_for(env_int, "CONN_MAX_AGE", 60, environ_={"CONN_MAX_AGE": raw})
    assert error.name == "CONN_MAX_AGE"
    assert "CONN_MAX_AGE" in str(error)


def test_env_str_blank_is_default():
    assert env_str("SECRET_KEY", "fallback", environ_={"SECRET_KEY": "  "}) == "fallback"
    assert env_str("SECRET_KEY", None, environ_={"SECRET_KEY": " s3cret "}) == "s3cret"


# --- the settings module as a process starts it --------------------------------------------

PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "engine": settings.DATABASES["default"]["ENGINE"],
    "test_name": settings.DATABASES["default"].get("TEST", {}).get("NAME"),
    "email": settings.EMAIL_BACKEND,
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "redirect_exempt": getattr(settings, "SECURE_REDIRECT_EXEMPT", []),
    "mfa_for_staff": settings.MFA_REQUIRED_FOR_STAFF,
}))
"""


def start_settings(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'settings-probe.sqlite3'}"
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_settings_production_without_secret_key_refuses_to_start(tmp_path):
    result = start_settings(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_settings_production_with_development_key_refuses_to_start(tmp_path):
    from config.settings import _DEV_SECRET_KEY

    result = start_settings(tmp_path, DEBUG="0", SECRET_KEY=_DEV_SECRET_KEY)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_settings_malformed_debug_names_variable(tmp_path):
    result = start_settings(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
    assert "maybe" in result.stderr


def test_settings_malformed_redis_url_names_variable(tmp_path):
    result = start_settings(tmp_path, REDIS_URL="redis://127.0.0.1:notaport/0")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_settings_without_variables_run_embedded(tmp_path):
    result = start_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["debug"] is True
    assert probe["eager"] is True
    assert probe["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert probe["engine"] == "django.db.backends.sqlite3"
    assert probe["email"] == "django.core.mail.backends.console.EmailBackend"
    assert probe["mfa_for_staff"] is False  # the embedded demo says so on the login page


def test_settings_production_require_mfa_for_staff(tmp_path):
    result = start_settings(tmp_path, DEBUG="0", SECRET_KEY="x" * 60, SECURE_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["mfa_for_staff"] is True


def test_settings_with_redis_url_use_redis_for_celery_and_cache(tmp_path):
    result = start_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["eager"] is False
    assert probe["broker"] == "redis://127.0.0.1:6379/3"
    assert probe["cache"] == "core.redis_cache.ReusingRedisCache"


def test_settings_production_redirect_to_https_except_healthz(tmp_path):
    result = start_settings(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="a-test-only-key-" + "x" * 50,
        EMAIL_URL="smtp://mailpit:1025",
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["debug"] is False
    assert probe["ssl_redirect"] is True
    assert probe["redirect_exempt"] == [r"^healthz/$"]
    assert probe["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_settings_local_plain_http_turns_redirect_off(tmp_path):
    result = start_settings(tmp_path, DEBUG="0", SECRET_KEY="a-test-only-key-" + "x" * 50, SECURE_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ssl_redirect"] is False


def test_settings_test_database_name_from_environment(tmp_path):
    result = start_settings(tmp_path, TEST_DATABASE_NAME="test_natverk_ci_1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["test_name"] == "test_natverk_ci_1"
