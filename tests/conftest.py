"""Test session: real services where configured, reference data that survives flushes.

With DATABASE_URL and REDIS_URL set (CI, .ci/run) every test runs, on PostgreSQL
and Redis. Without them (a newcomer's laptop) the suite runs on SQLite and the
tests marked ``needs_services`` are skipped, each with the reason.
"""

import os
import uuid

import pytest
from django.db.models.signals import post_migrate
from django.test import override_settings

RUN_ID = uuid.uuid4().hex[:12]


def services_missing() -> str | None:
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        return f"needs PostgreSQL and Redis: {' and '.join(missing)} not set (run .ci/run, or set them)"
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://", "pgsql://")):
        return "needs PostgreSQL: DATABASE_URL does not point at PostgreSQL"
    return None


def pytest_collection_modifyitems(config, items):
    reason = services_missing()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "needs_services" in item.keywords:
            item.add_marker(skip)


def _reload_reference_data(sender, **kwargs):
    # A transactional test ends with a flush of every table, after which Django
    # sends post_migrate; put the reference data back so later tests see it.
    if sender.label == "municipalities":  # once per flush (core has no models, so no signal)
        from core.reference import load_all

        load_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from core.reference import load_all
    from tests import demo_database

    with django_db_blocker.unblock():
        load_all()
        demo_database.remember_base()
    post_migrate.connect(_reload_reference_data, dispatch_uid="tests-reload-reference-data")
    yield
    post_migrate.disconnect(dispatch_uid="tests-reload-reference-data")
    with django_db_blocker.unblock():
        demo_database.drop_all()


@pytest.fixture(scope="session", autouse=True)
def isolated_queue():
    """Own Celery queue per test run, so concurrent runs on one Redis cannot take each other's tasks.

    Tasks run eagerly in tests (their effects are asserted in the same process);
    the real-worker tests switch that off with the ``real_celery`` fixture.
    """
    from config.celery import app

    queue = f"test-{RUN_ID}"
    previous = (app.conf.task_default_queue, app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    with override_settings(CELERY_TASK_DEFAULT_QUEUE=queue):
        yield queue
    app.conf.task_default_queue, app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def real_celery():
    """Send tasks through the broker for real (for the tests that run a worker process)."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """The real hasher is slow on purpose; tests only need passwords to check."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """An empty cache per test (allauth keeps rate-limit counters there).

    On Redis a fresh key prefix instead of clear(), which would flush the whole
    Redis database, other runs' queues included.
    """
    from django.conf import settings
    from django.core.cache import cache

    config = dict(settings.CACHES["default"])
    if "redis" in config["BACKEND"].lower():
        config["KEY_PREFIX"] = f"test-{RUN_ID}-{uuid.uuid4().hex[:8]}"
        with override_settings(CACHES={"default": config}):
            yield
    else:
        cache.clear()
        yield


@pytest.fixture
def page_cache_off(settings):
    """Pages rendered every time (core.pagecache off): for tests that count a page's queries or its rendering."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's language (Swedish): a request's LocaleMiddleware
    leaves its language active in the thread, which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
