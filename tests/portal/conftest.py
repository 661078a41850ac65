"""Fixtures of the portal tests."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module inside a transaction rolled back at its end.

    Each test runs in a savepoint of that transaction (pytest-django's own atomic), so
    what one test changes is undone before the next; seeding takes about ten seconds,
    so once instead of once per test.
    """
    from django.db import transaction
    from django.test import override_settings

    from tests import demo_database

    if demo_database.supported():
        # PostgreSQL: a copy of the demo seeded once per process (tests/demo_database.py).
        with django_db_blocker.unblock(), demo_database.demo_database(), override_settings(DEBUG=True):
            yield
        return
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=None)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
