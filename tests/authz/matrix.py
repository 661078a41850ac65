"""The machinery of the authorization matrix: every URL pattern, its URL in the world, one request per actor.

An outcome is a short string: the status code (``"200"``, ``"403"``, ``"404"``, ``"405"``),
``"login"`` for a redirect to the login page, or ``"302"`` for any other redirect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Namespaces and prefixes the matrix leaves out: the admin site is tested on its own
# (a few of its URLs), the language switch is Django's own.
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    view: str
    keywords: tuple[str, ...]


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            callback = entry.callback
            view = f"{callback.__module__}.{getattr(callback, '__qualname__', callback)}"
            keywords = tuple(entry.pattern.regex.groupindex)
            yield Pattern(name=name or "", route=prefix + str(entry.pattern), view=view, keywords=keywords)


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project outside the skipped prefixes, in the resolver's order."""
    return [p for p in _walk(get_resolver()) if not p.route.lstrip("^").startswith(SKIPPED_PREFIXES)]


def outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if location.startswith(reverse("account_login")):
            return "login"
        return "302"
    return str(response.status_code)


def url_for(pattern: Pattern, kwargs: dict) -> str:
    return reverse(pattern.name, kwargs={k: kwargs[k] for k in pattern.keywords})
