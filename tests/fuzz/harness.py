"""The fuzzing harness: read a form page, post payloads, check the answer and the database.

- The fields of a form are read from its page (GET): inputs, selects with their
  options, textareas, and named submit buttons, of every ``<form method="post">``
  whose action is the URL under test (or empty: the page itself).
- A payload goes out URL-encoded (multipart when it holds a file). Lone surrogates
  cannot be encoded as UTF-8: they go out as the bytes ``surrogatepass`` makes, i.e.
  invalid UTF-8, which is exactly what a hostile client can send.
- Every example runs in a savepoint that is rolled back, so examples are independent.
- The database state is the row count of every table and, for the tables that are
  not large, a sum of a hash of every row (so an UPDATE shows too). ``django_session``
  is left out: sessions and session-stored messages change on any request. PostgreSQL's
  per-transaction write counters tell first whether anything was written at all.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.template import Context
from django.test import Client, override_settings

from tests.fuzz.strategies import Field, as_upload

IGNORED_TABLES = {"django_session"}
HASH_ROW_LIMIT = 20_000  # bigger tables (the Kolada values) are only counted
IGNORED_INPUTS = {"csrfmiddlewaretoken"}


# --- Forms on a page ------------------------------------------------------------------------


@dataclass
class PageForm:
    action: str  # the path the form posts to
    fields: dict[str, Field]


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option_selected = False

    def _field(self, name: str, kind: str, multiple: bool = False) -> Field:
        fields = self._form.fields
        if name not in fields:
            fields[name] = Field(name=name, kind=kind, multiple=multiple)
        elif kind in ("checkbox",) or fields[name].kind == "checkbox":
            fields[name].multiple = True
        return fields[name]

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                action = urlsplit(attrs.get("action") or self.page_path).path or self.page_path
                self._form = PageForm(action=action, fields={})
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag in ("input", "button") and name and name not in IGNORED_INPUTS:
            kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
            f = self._field(name, kind)
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio", "submit"):
                f.choices.append(value)
                if "checked" in attrs:
                    f.defaults.append(value)
            elif kind != "file":
                f.defaults.append(value)
        elif tag == "select" and name:
            self._select = self._field(name, "select", multiple="multiple" in attrs)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option_value = value
            self._option_text = ""
            self._option_selected = "selected" in attrs
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea")
            self._textarea.defaults.append("")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.defaults[-1] += data
        elif self._select is not None and getattr(self, "_option_value", "x") is None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            self._select.choices.append(value)
            if self._option_selected:
                self._select.defaults.append(value)
            self._option_value = "x"
        elif tag == "select":
            if (
                self._select is not None
                and not self._select.defaults
                and self._select.choices
                and not self._select.multiple
            ):
                self._select.defaults.append(self._select.choices[0])
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str, page_path: str) -> list[PageForm]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


def fields_for(forms: list[PageForm], target: str) -> list[Field]:
    merged: dict[str, Field] = {}
    for form in forms:
        if form.action == target:
            for name, f in form.fields.items():
                merged.setdefault(name, f)
    return list(merged.values())


def find_form_fields(client: Client, target: str) -> tuple[list[Field], str | None]:
    """The fields of the forms that post to ``target``, read from ``target`` itself or the nearest parent page."""
    path = target
    while True:
        response = client.get(path)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            fields = fields_for(page_forms(response.content.decode(), path), target)
            if fields:
                return fields, path
        if path.count("/") <= 2:
            return [], None
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"


# --- Database state -------------------------------------------------------------------------


def _tables() -> list[str]:
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in IGNORED_TABLES:
            continue
        tables.add(meta.db_table)
    return sorted(tables)


class DatabaseState:
    """One query that returns, per table, its row count and (when not large) a hash of its rows."""

    def __init__(self):
        tables = _tables()
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables))
            sizes = dict(cursor.fetchall())
        parts = []
        for table in tables:
            quoted = connection.ops.quote_name(table)
            if sizes[table] > HASH_ROW_LIMIT:
                parts.append(f"SELECT '{table}', count(*), 0::bigint FROM {quoted}")
            else:
                parts.append(f"SELECT '{table}', count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM {quoted} t")
        self.sql = " UNION ALL ".join(parts)

    @staticmethod
    def write_counter() -> int:
        """Rows inserted, updated or deleted so far in this transaction (PostgreSQL's own counters; they count
        rows written in a savepoint that was rolled back too, so a change here is confirmed with ``take``)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
            return int(cursor.fetchone()[0])

    def take(self) -> dict[str, tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before if before[t] != after.get(t))


# --- Sending ----------------------------------------------------------------------------------


def _encode_text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def _safe_text(value: str) -> str:
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def post(client: Client, url: str, payload: dict):
    has_file = any(isinstance(v, tuple) for v in payload.values())
    if not has_file:
        pairs = []
        for name, value in payload.items():
            for item in value if isinstance(value, list) else [value]:
                pairs.append((_encode_text(name), _encode_text(item)))
        return client.generic("POST", url, urlencode(pairs), content_type="application/x-www-form-urlencoded")
    data = {}
    for name, value in payload.items():
        if isinstance(value, tuple):
            data[_safe_text(name)] = as_upload(value)
        elif isinstance(value, list):
            data[_safe_text(name)] = [_safe_text(v) for v in value]
        else:
            data[_safe_text(name)] = _safe_text(value)
    return client.post(url, data)


def rejected(response) -> bool | None:
    """True when the post was turned down (status ≥ 400, an error message, a form with errors);
    False for a redirect without an error message; None for a 200 that shows no error."""
    if response.status_code >= 400:
        return True
    request = getattr(response, "wsgi_request", None)
    storage = getattr(request, "_messages", None)
    if storage is not None and any(m.level >= messages.ERROR for m in getattr(storage, "_queued_messages", [])):
        return True
    if 300 <= response.status_code < 400:
        return False
    contexts = response.context
    if contexts is None:
        contexts = []
    elif isinstance(contexts, Context):
        contexts = [contexts]
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return True
            if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
                return True
    return None


def _short(payload: dict) -> dict:
    def cut(value):
        if isinstance(value, list):
            return [cut(v) for v in value]
        if isinstance(value, tuple):
            return ("file", value[1][:80], value[2][:80])
        return value if len(value) <= 120 else f"{value[:60]!r}…({len(value)} chars)"

    return {name[:80]: cut(value) for name, value in payload.items()}


def fresh_cache_prefix():
    """Rate-limit counters live in the cache: a new key prefix per example keeps examples independent."""
    config = {alias: dict(options) for alias, options in settings.CACHES.items()}
    for options in config.values():
        options["KEY_PREFIX"] = f"fuzz-{uuid.uuid4().hex[:10]}"
    return override_settings(CACHES=config)


def run_example(*, client: Client, url: str, payload: dict, state: DatabaseState, baseline: dict, writes_on_200: bool):
    """Post ``payload`` to ``url`` in a savepoint that is rolled back; fail on a 500 or a partial write.

    ``client`` is logged in once per form and ``baseline`` is the database state then: every example starts
    from that state again (the savepoint is rolled back, the client's cookies are put back).
    """
    cookies = copy.deepcopy(client.cookies)
    try:
        with fresh_cache_prefix(), transaction.atomic():
            try:
                return _example(
                    client=client, url=url, payload=payload, state=state, baseline=baseline, writes_on_200=writes_on_200
                )
            finally:
                transaction.set_rollback(True)
    finally:
        client.cookies = cookies


def _example(*, client: Client, url: str, payload: dict, state: DatabaseState, baseline: dict, writes_on_200: bool):
    written = state.write_counter()
    try:
        response = post(client, url, payload)
    except Exception as exc:  # the test client re-raises what a view raised (a 500 in production)
        raise AssertionError(f"POST {url} raised {type(exc).__name__}: {exc}\npayload: {_short(payload)}") from exc
    assert response.status_code < 500, f"POST {url} answered {response.status_code}\npayload: {_short(payload)}"
    verdict = rejected(response)
    if verdict is None:
        verdict = not writes_on_200
    if verdict and state.write_counter() != written:
        changed = changed_tables(baseline, state.take())
        assert not changed, (
            f"POST {url} was turned down ({response.status_code}) but changed {changed}\npayload: {_short(payload)}"
        )
    return response.status_code
