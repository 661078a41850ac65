"""Decision letters through a real Celery worker and a real SMTP server that fails once.

The worker process uses the test database and an SMTP server (aiosmtpd) in this
test; the server answers the first message with a temporary error (451), so the
task must retry, and every recipient must get their letter exactly once.
"""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from applications import decisions
from tests.applications.test_decisions import CODES, selection_network
from tests.factories import staff
from tests.test_celery_worker import CELERY, Process, child_environment


class FlakyServer:
    def __init__(self, failures: int = 1):
        self.failures = failures
        self.received: list[tuple[str, list[str]]] = []
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.failures:
            self.refused += 1
            return "451 4.3.0 Temporary failure, try again later"
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_published_decisions_are_delivered_once_despite_an_smtp_failure(isolated_queue, real_celery):
    handler = FlakyServer(failures=1)
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    worker = Process(
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            isolated_queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        child_environment(
            isolated_queue,
            DATABASE_URL=f"postgres://{credentials}@{host}/{database['NAME']}",
            EMAIL_URL=f"smtp://127.0.0.1:{port}",
            EMAIL_RETRY_SECONDS="1",
        ),
    )
    try:
        assert worker.wait_for("ready."), worker.output
        lead = staff()
        network, applications = selection_network(lead, codes=CODES[:3])
        decisions.decisions_accept_all(network=network, actor=lead)
        decisions.decisions_publish(network=network, actor=lead)
        deadline = time.monotonic() + 60
        while len(handler.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a duplicate would arrive now
    finally:
        worker.stop()
        smtp.stop()
    assert handler.refused == 1
    recipients = sorted(rcpt for _sender, rcpts in handler.received for rcpt in rcpts)
    assert recipients == sorted(a.submitted_by.email for a in applications), worker.output
    assert "retry" in worker.output.lower(), worker.output
