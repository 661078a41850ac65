"""The app under gunicorn with production settings, for the page benchmarks and the load test (not a test).

    from bench.server import gunicorn_server
    with gunicorn_server(database_url, workers=2) as base_url:
        ...  # requests to base_url, e.g. http://127.0.0.1:8765

Production settings (DEBUG=0, a random SECRET_KEY, whitenoise's manifest storage after a collectstatic into a
temporary folder), except what a plain-HTTP client on localhost needs: the server believes it is behind a TLS
proxy (send ``HEADERS``: ``X-Forwarded-Proto: https`` and the client address in ``X-Real-IP``; session and CSRF
cookies are Secure, so a client keeps them by hand: ``login()``),
no HTTPS redirect, no MFA for staff, e-mail to a dummy backend and tasks into a queue of their own that no
worker reads (it is purged on exit).
"""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HEADERS = {"X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1"}  # as the TLS proxy sends them


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(database_url: str, static_root: str, **overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS="https://127.0.0.1,https://localhost",
        BEHIND_TLS_PROXY="1",
        SECURE_SSL_REDIRECT="0",
        MFA_REQUIRED_FOR_STAFF="0",
        EMAIL_URL="dummymail://",
        CELERY_QUEUE=f"bench-{secrets.token_hex(4)}",
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    env.update(overrides)
    return env


def wait_until_up(base_url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(base_url + "/healthz/", headers=HEADERS)  # noqa: S310 (http://127.0.0.1)
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer on {base_url} within {timeout} s")
        time.sleep(0.3)


@contextlib.contextmanager
def gunicorn_server(database_url: str, workers: int = 2, threads: int = 1, **env_overrides: str) -> Iterator[str]:
    """Serve the app with ``workers`` gunicorn processes on a free port; yields the base URL."""
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        env = production_environment(database_url, static_root, **env_overrides)
        subprocess.run(
            [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        port = free_port()
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
            _purge_queue(env)


def _purge_queue(env: dict[str, str]) -> None:
    """Drop the tasks the served pages queued (no worker reads the benchmark's queue)."""
    import redis

    with contextlib.suppress(Exception):
        redis.Redis.from_url(env["REDIS_URL"]).delete(env["CELERY_QUEUE"])


def _request(base_url: str, method: str, path: str, cookies: dict[str, str], body: str | None = None, **headers):
    """One request without following redirects; the cookies it sets are added to ``cookies``."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    origin = f"https://{parts.hostname}:{parts.port}"
    all_headers = {**HEADERS, "Origin": origin, "Referer": origin + path, **headers}
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                if "max-age=0" in rest.lower().replace(" ", ""):  # deleted (the messages cookie once shown)
                    cookies.pop(key.strip(), None)
                else:
                    cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text
    finally:
        connection.close()


def login(base_url: str, email: str, password: str, login_path: str = "/konto/login/") -> dict[str, str]:
    """Log in through the login form (allauth) and return the cookies (session and CSRF), kept by hand because
    they are Secure and the client speaks plain HTTP. ``cookie_header(cookies)`` makes the Cookie header."""
    cookies: dict[str, str] = {}
    status, _headers, page = _request(base_url, "GET", login_path, cookies)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not match:
        raise RuntimeError(f"no login form at {login_path} (status {status})")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": html.unescape(match.group(1)), "login": email, "password": password}
    )
    status, headers, _page = _request(base_url, "POST", login_path, cookies, body=body)
    if status not in (302, 303) or "sessionid" not in cookies:
        raise RuntimeError(f"login of {email} failed (status {status}, to {headers.get('Location')})")
    # The page the login leads to shows (and so consumes) the "signed in" message, as in a browser; without
    # this every later request would carry that message, waiting to be shown.
    location = urllib.parse.urlsplit(headers["Location"])
    _request(base_url, "GET", location.path + (f"?{location.query}" if location.query else ""), cookies)
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in cookies.items())
