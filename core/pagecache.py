"""Cached pages: a rendered GET response is kept in the cache until anything in the database changes.

The heavy read-only pages (the selection workbench, a lead's application list, the timetable, finance's lists,
the catalogue and the invitation) cost tens to hundreds of milliseconds to render, and are read far more often
than the data behind them changes. ``@cached_page`` keeps such a page's rendered response in the cache.

**Invalidation (the data version).** The key of every cached page holds the *data version*. Every statement
that writes to the database through Django (INSERT, UPDATE, DELETE, TRUNCATE, so also ``QuerySet.update``,
``bulk_create`` and raw SQL through Django's cursor, in web processes, Celery workers and management commands
alike) changes it:

- A write that is committed at once (autocommit) increments the *generation*, a counter in the cache shared by
  every process, right after the statement.
- A write inside a transaction is not yet anybody else's data. It gives the connection a *local version*
  (a token of the transaction, the number of writes so far and the open savepoints) that is part of the key
  of every page this connection reads or keeps until the transaction ends, so its own pages follow its own
  writes at once, and nobody else ever sees them. When the transaction commits, the generation is incremented
  (one increment per transaction); when it or the savepoint of its first write is rolled back, the local
  version is gone with it.

Writes to tables that pages never show (sessions, the beat scheduler's bookkeeping) do not count. The
invalidation is coarse on purpose: a page cannot be stale because someone forgot to name a dependency.

**Who shares a page.** A signed-in visitor's pages are keyed by the session, so nobody ever receives a page
rendered for someone else; a new login is a new session. Public pages (``shared_for_anonymous=True``) are
shared by all anonymous visitors, who all have the same rights. The key also holds the language and the full
path with its query string. Each page is kept at most ``PAGE_CACHE_SECONDS`` (default 60), which bounds how long
a page that depends on the clock alone (a deadline passing) can lag.

**Permissions.** ``@cached_page`` goes above a view's permission decorators, so that a page served from the
cache costs neither the user nor the roles from the database. That is safe because a page is only kept after
the view, permission checks included, answered 200 to that very session, and only served to that session at
the same data version: whatever could change the answer (a role taken away, an account deactivated, a
password changed, the session ended) is a write, and so a new version or no session. Requests that are not
signed in never reach a page kept for a session, and reach the shared page of a public view only.

**A new deployment** moves the generation when the app starts, so pages rendered by the code before it are
not served by the code after it.

**What is never cached.** Anything but GET; a request with messages waiting to be shown (they are shown and
consumed by a fresh render); responses other than 200 HTML; streaming responses; anything when
``PAGE_CACHE_SECONDS`` is 0. The CSRF token in a cached page is replaced by the visitor's own on every hit.

The cache must be shared by every process that writes or serves pages (Redis in production). Without Redis the
app runs in a single process (runserver with eager Celery), where the local-memory cache is shared too.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# Tables whose writes do not change what a page shows.
IGNORED_TABLES = frozenset({"django_session"})
IGNORED_TABLE_PREFIXES = ("django_celery_beat_",)  # the scheduler's bookkeeping of its runs
_NAME = r'(?:"[^"]+"|\w+)'
_WRITE = re.compile(
    rf"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+({_NAME}(?:\.{_NAME})?)", re.IGNORECASE
)
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
_CSRF_PLACEHOLDER = b"\x00csrf\x00"
# Response headers a cached page keeps (the middleware above the view adds its own on every response).
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary", "X-Robots-Tag")


def _cache():
    return caches["default"]


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 60))


# --- The data generation ------------------------------------------------------------------------------------------


def generation() -> int:
    value = _cache().get(GENERATION_KEY)
    return int(value) if value is not None else 0


def bump_generation() -> None:
    """A new generation: every page cached so far is retired.

    A write never fails because the cache is unreachable: the failure is logged, and pages cached before it
    (if the cache comes back with them) expire after PAGE_CACHE_SECONDS at the latest.
    """
    cache = _cache()
    try:
        client = getattr(getattr(cache, "_cache", None), "get_client", None)
        if client is not None:  # Redis: one INCR, which also creates the counter
            client(write=True).incr(cache.make_and_validate_key(GENERATION_KEY))
            return
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there yet: any fresh value retires the old keys
            cache.add(GENERATION_KEY, 0, timeout=None)
            cache.incr(GENERATION_KEY)
    except Exception:  # the cache is down: the write goes on
        logger.warning("page cache: the data generation could not be moved", exc_info=True)


class _CommitHook:
    """Registered with transaction.on_commit at a transaction's first write: the transaction's local version,
    and the generation's increment once it commits. Django drops it when that write is rolled back."""

    __slots__ = ("alias", "callbacks", "token", "writes")

    def __init__(self, connection):
        self.alias = connection.alias
        # Django replaces the list of commit callbacks whenever it drops some (a rollback, a savepoint rolled
        # back, the commit itself), so the hook is live while that very list is the connection's.
        self.callbacks = connection.run_on_commit
        self.token = uuid.uuid4().hex
        self.writes = 0

    def __call__(self) -> None:
        from django.db import connections

        connection = connections[self.alias]
        if getattr(connection, "_pagecache_hook", None) is self:
            connection._pagecache_hook = None
        bump_generation()


def _live_hook(connection) -> _CommitHook | None:
    """The commit hook of the connection's open transaction, if that transaction has written (and the write
    was not rolled back)."""
    hook = getattr(connection, "_pagecache_hook", None)
    if hook is None or not connection.in_atomic_block or hook.callbacks is not connection.run_on_commit:
        return None  # (after a savepoint rollback that kept the hook, a new one: a new version, never a stale one)
    return hook


def note_write(connection) -> None:
    if not connection.in_atomic_block:
        bump_generation()
        return
    hook = _live_hook(connection)
    if hook is None:
        hook = connection._pagecache_hook = _CommitHook(connection)
        transaction.on_commit(hook, using=connection.alias)
    hook.writes += 1


def data_version() -> str:
    """The version of the data the current connection sees: the generation, and the local version of its
    open transaction when that has written."""
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the proxy django.db.connection
    version = str(generation())
    hook = _live_hook(connection)
    if hook is not None:
        version += f".{hook.token}.{hook.writes}.{'-'.join(connection.savepoint_ids)}"
    return version


def written_table(sql: str) -> str | None:
    """The table a writing statement writes to, or None for a statement that only reads."""
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    return match.group(1).rsplit(".", 1)[-1].strip('"') if match else None


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    table = written_table(sql)
    if table is not None and table not in IGNORED_TABLES and not table.startswith(IGNORED_TABLE_PREFIXES):
        note_write(context["connection"])
    return result


def watch_connection(sender, connection, **kwargs) -> None:
    """connection_created: every new database connection changes the data version when it writes."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def install() -> None:
    """Called from CoreConfig.ready(): watch every database connection, those already open included, and
    retire the pages kept so far."""
    from django.db import connections

    connection_created.connect(watch_connection, dispatch_uid="core.pagecache.watch_connection")
    for connection in connections.all(initialized_only=True):
        watch_connection(None, connection)
    bump_generation()  # a new deployment: the pages of the code before it are not served


# --- The page cache -----------------------------------------------------------------------------------------------


def _has_pending_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _page_key(request, view_name: str, shared_for_anonymous: bool) -> str | None:
    # The session tells whether someone signed in; the user is not loaded (see "Permissions" above).
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) is not None:
        if not session.session_key:
            return None
        visitor = "s:" + hashlib.sha256(session.session_key.encode()).hexdigest()[:32]
    elif shared_for_anonymous:
        visitor = "anonymous"
    else:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return f"pagecache:page:{data_version()}:{view_name}:{language}:{visitor}:{path}"


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
    )


def _store(key: str, response) -> None:
    # The page in the pieces between its CSRF tokens, joined with the visitor's own token when served.
    pieces = _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", response.content).split(_CSRF_PLACEHOLDER)
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    _cache().set(key, {"pieces": pieces, "headers": headers}, timeout=page_cache_seconds())


def _replay(request, stored: dict) -> HttpResponse:
    pieces = stored["pieces"]
    content = get_token(request).encode().join(pieces) if len(pieces) > 1 else pieces[0]
    response = HttpResponse(content)
    for name, value in stored["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def cached_page(view=None, *, shared_for_anonymous: bool = False):
    """Keep the view's rendered GET response until the data changes (see the module's text).

    Only for views whose GET has no side effects and whose page depends on nothing but the database, the
    visitor's session, the language, the path and the query string. Put it above the permission decorators.
    """

    def decorate(view_func):
        view_name = f"{view_func.__module__}.{view_func.__qualname__}"

        @functools.wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or page_cache_seconds() <= 0 or _has_pending_messages(request):
                return view_func(request, *args, **kwargs)
            try:
                key = _page_key(request, view_name, shared_for_anonymous)
                stored = _cache().get(key) if key is not None else None
            except Exception:  # the cache is down: the page is rendered
                logger.warning("page cache: unreachable", exc_info=True)
                return view_func(request, *args, **kwargs)
            if stored is not None:
                return _replay(request, stored)
            response = view_func(request, *args, **kwargs)
            if key is None:
                return response
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _storable(response) and not _has_pending_messages(request):
                try:
                    _store(key, response)
                except Exception:
                    logger.warning("page cache: the page could not be kept", exc_info=True)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
