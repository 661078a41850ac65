"""The fuzz table is complete: every view that accepts POST is fuzzed (tests/fuzz/forms.py) or listed with a reason.

How a view is known to accept POST, without running it (its URL may need objects):
- a class-based view: it has a ``post`` method;
- a function view: a decorator limits it to methods that include POST (``require_POST``,
  ``require_http_methods([..."POST"...])``), or its source, or the source of a function of its
  own module that it calls (followed transitively, e.g. ``network_edit`` → ``_edit``), reads
  ``request.POST``/``request.FILES`` or compares ``request.method``.
Reading the source errs on the side of listing a view: a view listed wrongly would be fuzzed
(harmless) or named in NOT_FUZZED with its reason; a POST view missed would go unfuzzed.

The second check is at run time (tests/fuzz/test_forms_fuzz_a.py): every ``<form method="post">``
on the pages of the fuzzed views posts to a view in the table.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

from tests.fuzz.forms import FORMS, NOT_FUZZED

SKIP_PREFIXES = ("admin/",)  # Django's admin: its own forms, tested by Django
POST_IN_SOURCE = re.compile(r"request\.(POST|FILES)\b|request\.method\b|\brequire_POST\b|[\"']POST[\"']")


def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield route, name, pattern.callback


def _decorated_for_post(callback) -> bool:
    """A decorator in the chain limits the methods to a list that holds POST (require_POST and friends)."""
    function = callback
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list | tuple | set | frozenset) and "POST" in value:
                return True
        function = getattr(function, "__wrapped__", None)
    return False


@cache
def _source_mentions_post(function) -> bool:
    seen: set = set()

    def visit(func) -> bool:
        func = inspect.unwrap(func)
        if func in seen or not inspect.isfunction(func):
            return False
        seen.add(func)
        try:
            source = textwrap.dedent(inspect.getsource(func))
        except (OSError, TypeError):
            return False
        if POST_IN_SOURCE.search(source):
            return True
        module = inspect.getmodule(func)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called = getattr(module, node.func.id, None)
                if inspect.isfunction(called) and inspect.getmodule(inspect.unwrap(called)) is module and visit(called):
                    return True
        return False

    return visit(function)


def accepts_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    return _decorated_for_post(callback) or _source_mentions_post(inspect.unwrap(callback))


def post_views() -> dict[str, str]:
    return {name or route: route for route, name, callback in url_patterns() if accepts_post(callback)}


def test_every_post_view_is_fuzzed_or_excused():
    missing = sorted(set(post_views()) - set(FORMS) - set(NOT_FUZZED))
    assert missing == [], f"views that accept POST but are not in tests/fuzz/forms.py: {missing}"


def test_the_table_names_only_post_views():
    stale = sorted((set(FORMS) | set(NOT_FUZZED)) - set(post_views()))
    assert stale == [], f"not (or no longer) views that accept POST: {stale}"


def test_detection_sees_delegating_and_decorated_views():
    views = post_views()
    # network_edit only calls _edit, which reads request.POST; network_status is wrapped in require_POST.
    assert {"leads:network_edit", "leads:network_status", "account_login", "set_language"} <= set(views)
    assert not {"portal:home", "healthz", "invoices:pdf"} & set(views)


def test_there_are_many_forms():
    assert len(FORMS) >= 90
