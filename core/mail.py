"""E-mail from templates, in Swedish, each occasion sent at most once.

Templates come in threes: ``<prefix>_subject.txt``, ``<prefix>_body.txt`` and
``<prefix>_body.html`` (the HTML part is optional).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from core.models import SentEmail

logger = logging.getLogger(__name__)


def render_email(*, template_prefix: str, context: dict, to: list[str], language: str | None = None):
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}_body.txt", context)
        try:
            html = render_to_string(f"{template_prefix}_body.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send_email_once(
    *,
    key: str,
    to: str,
    template_prefix: str,
    context: dict,
    language: str | None = None,
    attachments: list[tuple[str, bytes | str, str]] | None = None,
) -> bool:
    """Send unless an e-mail with ``key`` was already sent. Returns True if this call sent it.

    The SentEmail row is claimed in its own transaction before sending; if sending
    fails the claim is removed so a retry can send it. ``attachments`` are
    (file name, content, MIME type), e.g. ``("mote.ics", ics_bytes, "text/calendar")``.
    """
    message = render_email(template_prefix=template_prefix, context=context, to=[to], language=language)
    for name, content, mimetype in attachments or ():
        message.attach(name, content, mimetype)
    try:
        with transaction.atomic():
            claim = SentEmail.objects.create(key=key[:255], recipient=to, subject=message.subject[:255])
    except IntegrityError:
        logger.info("e-mail %s already sent; not sending again", key)
        return False
    try:
        message.send()
    except Exception:
        claim.delete()
        raise
    return True


def retry_delivery(task, error: OSError):
    """The retry of a Celery task whose SMTP delivery failed (smtplib.SMTPException and socket errors are
    OSErrors): after EMAIL_RETRY_SECONDS, doubling each time, at most EMAIL_RETRY_MAX times.
    send_email_once released the failed e-mail's claim, and those already sent are not sent again.

        except OSError as error:
            raise retry_delivery(self, error) from error
    """
    countdown = settings.EMAIL_RETRY_SECONDS * 2**task.request.retries
    return task.retry(exc=error, countdown=countdown, max_retries=settings.EMAIL_RETRY_MAX)
