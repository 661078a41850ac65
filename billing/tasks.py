"""Thin Celery tasks of billing: ids in, one service call; safe to run twice."""

from celery import shared_task

from core.mail import retry_delivery


@shared_task(bind=True)
def send_invoice(self, invoice_id: int) -> bool:
    """E-mail an issued invoice with its PDF, once (see billing.sending)."""
    from billing.sending import send_invoice_email

    try:
        return send_invoice_email(invoice_id)
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_overdue_reminders(self) -> int:
    """Daily: a reminder e-mail for each overdue invoice, once per reminder level (see billing.payments)."""
    from billing.payments import send_overdue_reminders as send

    try:
        return send()
    except OSError as error:
        raise retry_delivery(self, error) from error
