"""E-mailing an issued invoice, with its PDF attached: once, whatever the retries and the races.

The Celery task ``billing.tasks.send_invoice`` (queued after the commit by billing.batches.batch_send or
``retry_send``) calls ``send_invoice_email``, which

1. claims the invoice with one conditional UPDATE: status issued, not sent, and no send started in the last
   15 minutes (a worker that died mid-send releases the invoice after that); of two concurrent tasks only
   one gets the row;
2. sends through core.mail.send_email_once with the key ``invoice:<pk>``, so even a task that re-claims an
   invoice whose e-mail went out before the status was saved does not send it again;
3. marks the invoice sent (status, sent_at, no error) — or, on an SMTP/socket error (an OSError), stores the
   error, releases the claim and re-raises, so that the task retries later (core.mail.retry_delivery) and
   the page shows the error with a button to retry.

Delivery through a PEPPOL access point is not done here: the UBL export of the batch is what the
organiser's access point or finance system takes in.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from billing.models import Invoice
from core.audit import acting_as
from core.mail import send_email_once

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=15)
TEMPLATE_PREFIX = "billing/email/invoice"
PDF_MIME = "application/pdf"


def email_key(invoice_id: int) -> str:
    return f"invoice:{invoice_id}"


def claim(invoice_id: int, now=None) -> bool:
    """Take the invoice for sending; True for exactly one of concurrent callers."""
    now = now or timezone.now()
    return bool(
        Invoice.objects.filter(pk=invoice_id, status=Invoice.Status.ISSUED, sent_at__isnull=True)
        .filter(Q(send_started_at__isnull=True) | Q(send_started_at__lt=now - CLAIM_TIMEOUT))
        .update(send_started_at=now)
    )


def pdf_attachment(invoice: Invoice) -> tuple[str, bytes, str]:
    from billing.pdf import invoice_pdf

    name = slugify(f"{_('invoice')}-{invoice.number or invoice.pk}") or f"invoice-{invoice.pk}"
    return f"{name}.pdf", invoice_pdf(invoice), PDF_MIME


def email_context(invoice: Invoice) -> dict:
    return {"invoice": invoice, "network": invoice.network, "organizer": invoice.organizer}


def send_invoice_email(invoice_id: int) -> bool:
    """E-mail the invoice with its PDF unless it is sent (or being sent). True if this call sent it."""
    if not claim(invoice_id):
        return False
    invoice = Invoice.objects.select_related("network", "organizer", "batch").get(pk=invoice_id)
    try:
        if not invoice.buyer_email:
            raise ValidationError(_("The invoice has no buyer e-mail."))
        send_email_once(
            key=email_key(invoice.pk),
            to=invoice.buyer_email,
            template_prefix=TEMPLATE_PREFIX,
            context=email_context(invoice),
            attachments=[pdf_attachment(invoice)],
        )
    except Exception as error:
        message = str(error) or error.__class__.__name__
        if isinstance(error, ValidationError):
            message = " ".join(error.messages)
        Invoice.objects.filter(pk=invoice.pk).update(send_error=message[:2000], send_started_at=None)
        logger.warning("sending invoice %s failed: %s", invoice.pk, message)
        if isinstance(error, ValidationError):
            return False
        raise
    # Sent (or sent already by an earlier attempt whose status was not saved): never again.
    with transaction.atomic(), acting_as(None):
        invoice.status = Invoice.Status.SENT
        invoice.sent_at = timezone.now()
        invoice.send_error = ""
        invoice.send_started_at = None
        invoice.save(update_fields=["status", "sent_at", "send_error", "send_started_at"])
        if invoice.batch_id:
            from billing.batches import mark_sent_if_done

            mark_sent_if_done(invoice.batch)
    return True


def retry_send(invoice: Invoice, actor) -> None:
    """Queue a failed (or not yet sent) invoice's e-mail again, after the commit."""
    from billing.batches import require_finance
    from billing.tasks import send_invoice

    require_finance(actor, invoice.organizer_id)
    with transaction.atomic(), acting_as(actor):
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != Invoice.Status.ISSUED or locked.sent_at is not None:
            raise ValidationError(_("The invoice is sent already."))
        if not locked.buyer_email:
            raise ValidationError(_("The invoice has no buyer e-mail: send it through the export instead."))
        locked.send_error = ""
        locked.save(update_fields=["send_error"])
        transaction.on_commit(lambda: send_invoice.delay(locked.pk))
