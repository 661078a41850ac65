"""Decision letters and waiting-list offers by e-mail, each at most once.

Keys (core.mail.send_email_once):

- ``decision-letter:<application>:<decision>:<published at>:<email>`` once per
  application, publication of a decision and recipient: publishing again, or the
  task running twice, sends nothing new; a changed decision (waiting list →
  accepted, or back to a decision published before) is a new letter;
- ``waitlist-offer:<offer>:<email>`` once per offer and recipient.
"""

from __future__ import annotations

from django.urls import reverse

from applications.models import Application, WaitlistOffer
from core.mail import send_email_once


def recipients(application: Application) -> list[str]:
    """Who hears about the application: the person who submitted it, the one who started it, the invoice address."""
    candidates = [
        getattr(application.submitted_by, "email", ""),
        getattr(application.created_by, "email", ""),
    ]
    result: list[str] = []
    for email in candidates:
        email = (email or "").strip()
        if email and email.lower() not in {r.lower() for r in result}:
            result.append(email)
    return result


def send_decision_letters(*, network_id: int) -> int:
    """Send the letter of every published decision of the network not yet sent; return how many were sent."""
    applications = (
        Application.objects.filter(network_id=network_id, status=Application.Status.SUBMITTED)
        .exclude(published_decision="")
        .select_related("network", "network__organizer", "municipality", "submitted_by", "created_by")
        .order_by("pk")
    )
    sent = 0
    for application in applications:
        context = {
            "application": application,
            "network": application.network,
            "organizer": application.network.organizer,
            "decision": application.published_decision,
            "url": reverse("applications:detail", args=[application.pk]),
            "membership_url": reverse("members:list"),
        }
        for email in recipients(application):
            sent += send_email_once(
                key=(
                    f"decision-letter:{application.pk}:{application.published_decision}:"
                    f"{application.decision_published_at:%Y%m%dT%H%M%S.%f}:{email.lower()}"
                ),
                to=email,
                template_prefix="applications/email/decision",
                context=context,
            )
    return sent


def send_offer(*, offer_id: int) -> int:
    """The offer of a place from the waiting list (only while it is open)."""
    offer = (
        WaitlistOffer.objects.select_related(
            "application__network__organizer",
            "application__municipality",
            "application__submitted_by",
            "application__created_by",
        )
        .filter(pk=offer_id, status=WaitlistOffer.Status.OPEN)
        .first()
    )
    if offer is None:
        return 0
    application = offer.application
    context = {
        "offer": offer,
        "application": application,
        "network": application.network,
        "organizer": application.network.organizer,
        "url": reverse("applications:offer", args=[application.pk, offer.pk]),
    }
    return sum(
        send_email_once(
            key=f"waitlist-offer:{offer.pk}:{email.lower()}",
            to=email,
            template_prefix="applications/email/waitlist_offer",
            context=context,
        )
        for email in recipients(application)
    )
