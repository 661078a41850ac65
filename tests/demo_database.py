"""The demo, seeded once per test process and copied for each module that needs it (PostgreSQL).

``seed_demo`` takes 15–30 s, and a dozen test modules need it. On PostgreSQL a process seeds it once, into a
database of its own made from the migrated test database, and every module then gets a fresh copy of that
(``CREATE DATABASE … TEMPLATE``, about a second), to which the connections are switched for the module's
tests and which is dropped afterwards. Elsewhere (SQLite) the module seeds the demo itself.
"""

from __future__ import annotations

import contextlib
import uuid

from django.db import connections

_state: dict[str, str] = {}


def _admin_connection():
    import psycopg

    settings = connections["default"].settings_dict
    return psycopg.connect(
        dbname="postgres",
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        autocommit=True,
    )


def _execute(sql: str) -> None:
    with _admin_connection() as admin:
        admin.execute(sql)


def _close_all() -> None:
    for connection in connections.all():
        connection.close()


def _switch_to(name: str) -> None:
    _close_all()
    connections["default"].settings_dict["NAME"] = name


def supported() -> bool:
    return connections["default"].vendor == "postgresql"


def remember_base() -> None:
    """At the start of the session, with the test database migrated and its reference data loaded (and no
    other connection to it): copy it as the base of the demo database."""
    if not supported():
        return
    test_name = connections["default"].settings_dict["NAME"]
    base = f"{test_name}_base"
    _close_all()
    _execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
    _execute(f'CREATE DATABASE "{base}" TEMPLATE "{test_name}"')
    _state.update(test=test_name, base=base)


def _seeded_template() -> str:
    if "demo" not in _state:
        from django.core.management import call_command
        from django.test import override_settings

        demo = f"{_state['test']}_demo"
        _execute(f'DROP DATABASE IF EXISTS "{demo}" WITH (FORCE)')
        _execute(f'CREATE DATABASE "{demo}" TEMPLATE "{_state["base"]}"')
        _switch_to(demo)
        try:
            with override_settings(DEBUG=True):
                call_command("seed_demo", stdout=None)
        finally:
            _switch_to(_state["test"])
        _state["demo"] = demo
    return _state["demo"]


@contextlib.contextmanager
def demo_database():
    """Connections point at a fresh copy of the seeded demo inside the block."""
    template = _seeded_template()
    copy = f"{_state['test']}_m{uuid.uuid4().hex[:8]}"
    _close_all()
    _execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
    _switch_to(copy)
    try:
        yield
    finally:
        _switch_to(_state["test"])
        _execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def drop_all() -> None:
    if not _state:
        return
    _close_all()
    for key in ("demo", "base"):
        if key in _state:
            with contextlib.suppress(Exception):
                _execute(f'DROP DATABASE IF EXISTS "{_state[key]}" WITH (FORCE)')
    _state.clear()
