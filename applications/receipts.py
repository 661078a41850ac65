"""E-mails after a submission: the receipt, and the information to each proposed participant.

Each e-mail has a key (core.mail.send_email_once), so running the task twice,
or submitting again, never sends the same e-mail twice:

- ``application-receipt:<id>:v<version>:<email>`` per version and recipient;
- ``application-participant-info:<id>:<email>`` once per application and person.
"""

from __future__ import annotations

from django.urls import reverse

from applications.models import Application, ApplicationVersion
from core.mail import send_email_once


def receipt_recipients(application: Application, version: ApplicationVersion) -> list[str]:
    candidates = [version.submitted_by.email, application.municipality.invoice_email]
    recipients = []
    for email in candidates:
        email = (email or "").strip()
        if email and email.lower() not in {r.lower() for r in recipients}:
            recipients.append(email)
    return recipients


def send_receipts(*, application_id: int, version: int) -> int:
    """Send the receipt of ``version`` to the submitter and the municipality's contact; return how many were sent."""
    application = Application.objects.select_related("network", "municipality").get(pk=application_id)
    submitted = application.versions.select_related("submitted_by").get(number=version)
    context = {
        "application": application,
        "network": application.network,
        "version": submitted,
        "data": submitted.data,
        "url": reverse("applications:detail", args=[application.pk]),
    }
    sent = 0
    for email in receipt_recipients(application, submitted):
        sent += send_email_once(
            key=f"application-receipt:{application.pk}:v{submitted.number}:{email.lower()}",
            to=email,
            template_prefix="applications/email/receipt",
            context=context,
        )
    sent += send_participant_information(application=application, version=submitted)
    return sent


def send_participant_information(*, application: Application, version: ApplicationVersion) -> int:
    """Tell each person named in ``version`` how their personal data is used (once per application)."""
    sent = 0
    for participant in version.data.get("participants", []):
        email = (participant.get("email") or "").strip()
        if not email:
            continue
        sent += send_email_once(
            key=f"application-participant-info:{application.pk}:{email.lower()}",
            to=email,
            template_prefix="applications/email/participant_info",
            context={
                "application": application,
                "network": application.network,
                "participant": participant,
                "organizer": application.network.organizer,
            },
        )
    return sent
