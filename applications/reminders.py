"""Deadline reminders: e-mail representatives whose municipality has an unsubmitted draft.

Two reminders per draft and representative: "7d" while 1 < days left <= 7 and
"1d" while days left <= 1, never after the deadline. The hourly task may run any
number of times; ``send_email_once`` keys each e-mail by application, kind and
address, so nobody gets the same reminder twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from core.mail import send_email_once
from networks.models import Network

logger = logging.getLogger(__name__)

FIRST_REMINDER_DAYS = 7
LAST_REMINDER_DAYS = 1


def reminder_kind(*, deadline: datetime, now: datetime) -> str | None:
    """ "7d", "1d" or None (too early, or past the deadline) for a deadline seen at ``now``."""
    days_left = (deadline - now) / timedelta(days=1)
    if days_left < 0 or days_left > FIRST_REMINDER_DAYS:
        return None
    return "1d" if days_left <= LAST_REMINDER_DAYS else "7d"


def reminder_key(*, application_id: int, kind: str, email: str) -> str:
    return f"application-reminder:{application_id}:{kind}:{email.lower()}"


def _drafts_due(now: datetime) -> list[Application]:
    networks = Network.objects.filter(
        status=Network.Status.OPEN,
        application_deadline__gte=now,
        application_deadline__lte=now + timedelta(days=FIRST_REMINDER_DAYS),
    )
    networks = [network for network in networks if network.accepts_applications(now)]
    return list(
        Application.objects.filter(network__in=networks, status=Application.Status.DRAFT).select_related(
            "network", "municipality"
        )
    )


def _representatives_by_municipality(municipality_ids) -> dict[int, list[str]]:
    users = get_user_model().objects.filter(municipality_id__in=municipality_ids, is_active=True).order_by("email")
    emails = defaultdict(list)
    for municipality_id, email in users.values_list("municipality_id", "email"):
        if email:
            emails[municipality_id].append(email)
    return emails


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Send the reminders due at ``now``; returns how many e-mails this call sent."""
    now = now or timezone.now()
    drafts = _drafts_due(now)
    if not drafts:
        return 0
    recipients = _representatives_by_municipality({draft.municipality_id for draft in drafts})
    url = settings.SITE_URL.rstrip("/") + reverse("applications:mine")
    sent = 0
    for application in drafts:
        kind = reminder_kind(deadline=application.network.application_deadline, now=now)
        if kind is None:
            continue
        context = {
            "application": application,
            "network": application.network,
            "municipality": application.municipality,
            "deadline": timezone.localtime(application.network.application_deadline),
            "kind": kind,
            "applications_url": url,
        }
        for email in recipients.get(application.municipality_id, []):
            sent += send_email_once(
                key=reminder_key(application_id=application.pk, kind=kind, email=email),
                to=email,
                template_prefix="applications/email/reminder",
                context=context,
            )
    logger.info("deadline reminders: %d sent", sent)
    return sent
