"""Retention periods for personal data, and the purge that enforces them.

Each kind of data has a period in ``settings.RETENTION`` (days, overridable by
environment, see config/settings.py). The apps register, in their
``privacy.py``, a purger per kind: a function that anonymises or deletes (per
the registry's strategy, core.privacy) what is past its time and returns how
many rows it changed, or would change with ``dry_run``. The nightly task
``core.tasks.purge_expired_personal_data`` runs them all; running it again
changes nothing (already anonymised rows are not matched again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: str
    # What happens when the period has passed, with "{period}" for the period ("2 years").
    description: str
    default_days: int

    @property
    def days(self) -> int:
        return int(getattr(settings, "RETENTION", {}).get(self.key, self.default_days))

    @property
    def period(self) -> str:
        return format_period(self.days)

    @property
    def text(self) -> str:
        return str(self.description).format(period=self.period)

    def cutoff(self, now: datetime | None = None) -> datetime:
        """Data whose time (decision, seminar, end of the network) is before this has been kept long enough."""
        return (now or timezone.now()) - timedelta(days=self.days)


RULES: list[RetentionRule] = [
    RetentionRule(
        key="applications_not_accepted",
        label=_("Applications not accepted"),
        description=_(
            "In an application that did not lead to a place (not accepted, withdrawn, or left on the waiting list "
            "when the network ended) the names and e-mail addresses of the proposed people and the invoice "
            "reference are anonymised {period} after the decision, the withdrawal or the end of the network."
        ),
        default_days=730,
    ),
    RetentionRule(
        key="participants_after_network_end",
        label=_("Participants after a network ends"),
        description=_(
            "The participants of a network (names, e-mail addresses, job titles and roles, calendar addresses) "
            "are anonymised {period} after the network has ended; attendance and evaluations stay without names."
        ),
        default_days=730,
    ),
    RetentionRule(
        key="seminar_signups",
        label=_("Seminar sign-ups"),
        description=_(
            "Sign-ups to an open seminar (name, e-mail address, dietary needs) are anonymised {period} after the "
            "seminar; the number of participants per organisation stays."
        ),
        default_days=90,
    ),
    RetentionRule(
        key="sent_emails",
        label=_("Sent e-mails"),
        description=_(
            "The record of an e-mail sent to you (address and subject) is anonymised {period} after sending."
        ),
        default_days=365,
    ),
]

Purger = Callable[[datetime, bool], int]
_purgers: dict[str, list[Purger]] = {}


def get_rule(key: str) -> RetentionRule:
    for rule in RULES:
        if rule.key == key:
            return rule
    raise KeyError(key)


def purger(key: str) -> Callable[[Purger], Purger]:
    """Register ``function(cutoff, dry_run) -> rows`` as (part of) the purge of the kind ``key``."""
    get_rule(key)  # a typo fails at import, not silently at night

    def decorator(function: Purger) -> Purger:
        functions = _purgers.setdefault(key, [])
        if function not in functions:
            functions.append(function)
        return function

    return decorator


def purgers(key: str) -> list[Purger]:
    return list(_purgers.get(key, ()))


def format_period(days: int) -> str:
    """ "2 years", "90 days" (Swedish through the translation: "2 år", "90 dagar")."""
    if days and days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def purge(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Anonymise or delete everything past its retention period; rows changed (or to change) per kind."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in RULES:
        cutoff = rule.cutoff(now)
        with transaction.atomic():
            counts[rule.key] = sum(function(cutoff, dry_run) for function in purgers(rule.key))
        logger.info(
            "retention %s%s: %d rows past %s (%d days)",
            rule.key,
            " (dry run)" if dry_run else "",
            counts[rule.key],
            cutoff.date().isoformat(),
            rule.days,
        )
    return counts
