"""Strict readers for environment variables.

Every reader names the variable in its error, so a malformed value stops
start-up with a message an operator can act on instead of a silent default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    def __init__(self, name: str, problem: str):
        super().__init__(f"Environment variable {name}: {problem}")
        self.name = name


def _raw(name: str, environ_: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ_ is None else environ_
    value = source.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, environ_=None) -> str | None:
    value = _raw(name, environ_)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, *, environ_=None) -> bool:
    value = _raw(name, environ_)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(name, f"expected one of 1/0, true/false, yes/no, on/off, got {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0, environ_=None) -> int:
    value = _raw(name, environ_)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(name, f"expected a whole number, got {value!r}") from None
    if number < minimum:
        raise EnvError(name, f"must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str], *, environ_=None) -> list[str]:
    value = _raw(name, environ_)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items) and value != "":
        raise EnvError(name, f"empty item in comma-separated list {value!r}")
    return [item for item in items if item]


def env_origins(name: str, default: list[str], *, environ_=None) -> list[str]:
    origins = env_list(name, default, environ_=environ_)
    for origin in origins:
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise EnvError(name, f"{origin!r} is not an origin such as https://example.se (scheme and host only)")
    return origins


def env_database(name: str, default: str, *, environ_=None) -> dict:
    url = env_str(name, default, environ_=environ_)
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise EnvError(name, f"unsupported database URL scheme {scheme!r} (use postgres:// or sqlite:///)")
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise EnvError(name, f"cannot parse database URL: {exc}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise EnvError(name, "the database name is missing (postgres://user@host:5432/NAME)")
    return config


def env_redis(name: str, *, environ_=None) -> str | None:
    url = env_str(name, None, environ_=environ_)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise EnvError(name, f"expected redis://host:port/db, got {url!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise EnvError(name, f"malformed port in {url!r}") from None
    db = parts.path.lstrip("/")
    if db and not db.isdigit():
        raise EnvError(name, f"the database part must be a number, got {db!r}")
    return url


def env_email(name: str, default: str, *, environ_=None) -> dict:
    url = env_str(name, default, environ_=environ_)
    scheme = urlsplit(url).scheme
    known = set(environ.Env.EMAIL_SCHEMES)
    if scheme not in known:
        raise EnvError(name, f"unsupported scheme {scheme!r}; use one of {', '.join(sorted(known))}")
    try:
        return environ.Env.email_url_config(url)
    except Exception as exc:
        raise EnvError(name, f"cannot parse e-mail URL: {exc}") from None
