"""Who did it: the acting user recorded by django-simple-history.

In a request the HistoryRequestMiddleware supplies the logged-in user. Services,
management commands and Celery tasks have no request, so they name the actor
explicitly with ``acting_as(user)``; the innermost ``acting_as`` wins over the
request, because a service acting on behalf of someone else knows better.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from simple_history.models import HistoricalRecords

_actor: contextvars.ContextVar = contextvars.ContextVar("acting_user", default=None)


@contextmanager
def acting_as(user):
    """Record ``user`` (or None for "the system") as the actor of every change inside."""
    token = _actor.set(user)
    try:
        yield user
    finally:
        _actor.reset(token)


def current_actor():
    actor = _actor.get()
    if actor is not None:
        return actor
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def _get_history_user(instance=None, request=None, **kwargs):
    return current_actor()


def history(**kwargs) -> HistoricalRecords:
    """The HistoricalRecords every model with legal weight uses: ``history = history()``."""
    kwargs.setdefault("get_user", _get_history_user)
    return HistoricalRecords(**kwargs)
