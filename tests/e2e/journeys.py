"""Shared pieces of the browser journeys (tests/e2e/test_journey_*.py).

- ``Mailbox``: a real SMTP server (aiosmtpd) on a free loopback port that keeps every message it
  receives; ``mailbox.wait_for(...)`` blocks until a matching message arrived (no fixed sleeps).
- ``journey_services``: the SMTP server, Django's e-mail and site settings pointed at it and at the
  live server, and a real Celery worker process that consumes this run's own queue, connects to the
  same test database and delivers its mail to the same SMTP server. One per module.
- ``login``: signs a user in through the login form.
- ``check_a11y``: axe on the page (tests/e2e/a11y.py); violations are collected and reported when the
  journey ends, so that a template's accessibility problem does not hide the journey's functional part.
"""

from __future__ import annotations

import email
import email.policy
import logging
import os
import re
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest

# --- SMTP --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mail:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain", "html"))
        return body.get_content() if body is not None else ""

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"')]+", self.text)

    def attachments(self) -> dict[str, bytes]:
        return {part.get_filename(): part.get_content() for part in self.message.iter_attachments()}


@dataclass
class Mailbox:
    """The messages an SMTP server received, in order of arrival."""

    port: int = 0
    messages: list[Mail] = field(default_factory=list)
    diagnostics: object = None  # a callable whose text a failed wait shows (the worker's output)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(Mail(envelope_to=list(envelope.rcpt_tos), message=message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def find(self, *, to: str | None = None, subject: str | None = None) -> list[Mail]:
        return [
            mail
            for mail in list(self.messages)
            if (to is None or to.lower() in (address.lower() for address in mail.envelope_to))
            and (subject is None or subject.lower() in mail.subject.lower())
        ]

    def wait_for(self, *, to: str | None = None, subject: str | None = None, timeout: float = 30) -> Mail:
        """The first message to ``to`` whose subject contains ``subject``, waiting up to ``timeout`` seconds."""
        with self._arrived:
            found = self._arrived.wait_for(lambda: self.find(to=to, subject=subject), timeout=timeout)
        if not found:
            seen = [(mail.envelope_to, mail.subject) for mail in self.messages]
            extra = f"\n{self.diagnostics()}" if self.diagnostics else ""
            pytest.fail(
                f"no e-mail to {to!r} with subject containing {subject!r} within {timeout} s; got {seen}{extra}"
            )
        return found[0]


# --- The services of a journey module: SMTP, settings, a Celery worker -------------------------------


@dataclass
class JourneyServices:
    mailbox: Mailbox
    worker: object  # tests.test_celery_worker.Process
    base_url: str


def _database_url() -> str:
    from django.db import connection

    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{database['NAME']}"


@pytest.fixture(scope="module")
def journey_services(live_server, isolated_queue, django_db_blocker):
    """A real SMTP server and a real Celery worker for the module's journeys (module-scoped: started once).

    The live server runs in a thread of this process, so its mail follows this process's settings
    (overridden here); the worker is a separate process and gets the same through its environment.
    """
    from aiosmtpd.controller import Controller
    from django.test import override_settings

    from config.celery import app
    from tests.test_celery_worker import CELERY, Process, child_environment

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    overrides = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=mailbox.port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        SITE_URL=live_server.url,
        ACCOUNT_DEFAULT_HTTP_PROTOCOL="http",
        MFA_REQUIRED_FOR_STAFF=False,
    )
    overrides.enable()
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # the live server's tasks go through Redis to the worker
    worker = Process(
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            isolated_queue,
            "--hostname",
            f"e2e-{uuid.uuid4().hex[:8]}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        child_environment(
            isolated_queue,
            DATABASE_URL=_database_url(),
            EMAIL_URL=f"smtp://127.0.0.1:{mailbox.port}",
            SITE_URL=live_server.url,
            EMAIL_RETRY_SECONDS="1",
        ),
    )
    try:
        if not worker.wait_for("ready."):
            pytest.fail(f"the Celery worker did not become ready:\n{worker.output}")
        mailbox.diagnostics = lambda: f"the worker's last output:\n{worker.output[-4000:]}"
        yield JourneyServices(mailbox=mailbox, worker=worker, base_url=live_server.url)
    finally:
        worker.stop()
        app.conf.task_always_eager = previous_eager
        overrides.disable()
        controller.stop()
        if os.environ.get("E2E_WORKER_LOG"):
            print(worker.output)


@pytest.fixture
def mailbox(journey_services, transactional_db) -> Mailbox:
    """The module's SMTP server, emptied for this test."""
    with journey_services.mailbox._arrived:
        journey_services.mailbox.messages.clear()
    return journey_services.mailbox


# --- Browser helpers ---------------------------------------------------------------------------------


def login(page, email_address: str, password: str | None = None) -> None:
    """Sign in through allauth's login form (the factories' password unless given) and wait until it is left."""
    from tests.factories import PASSWORD

    page.goto("/konto/login/")
    page.locator("input[name=login]").fill(email_address)
    page.locator("input[name=password]").fill(password or PASSWORD)
    page.locator("form[action$='/konto/login/'] button[type=submit], main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)


def logout(page) -> None:
    page.context.clear_cookies()


def submit(page, form_selector: str) -> None:
    """Press the submit button of the form matched by ``form_selector`` and wait for the next page."""
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").first.click()


# --- Accessibility, collected ------------------------------------------------------------------------

A11Y_FAILURES: list[str] = []


def check_a11y(page, name: str) -> None:
    """axe on the page; a failure is kept (and reported when the test ends) rather than raised at once."""
    from tests.e2e.a11y import assert_accessible

    try:
        assert_accessible(page, name)
    except AssertionError as error:
        A11Y_FAILURES.append(f"{name} ({page.url}):\n{error}")


@pytest.fixture
def a11y_report():
    """Fails the test at its end with every page axe found a serious or critical violation on.

    E2E_A11Y=warn prints them instead (to see a journey's functional result while templates are fixed).
    """
    A11Y_FAILURES.clear()
    yield A11Y_FAILURES
    failures = list(A11Y_FAILURES)
    A11Y_FAILURES.clear()
    if failures:
        report = "\n\n".join(failures)
        if os.environ.get("E2E_A11Y") == "warn":
            print(f"accessibility violations (E2E_A11Y=warn):\n{report}")
        else:
            pytest.fail(f"accessibility violations on {len(failures)} page(s):\n{report}", pytrace=False)


def eventually(condition, timeout: float = 30, interval: float = 0.1) -> None:
    """Wait until ``condition()`` is true (for what the worker does after the mail it sends)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not true within {timeout} s: {condition}")
        time.sleep(interval)
