"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task


@shared_task
def send_application_receipts(application_id: int, version: int) -> int:
    """After a submission: the receipt of the version, and the data-processing information to each
    newly named participant (never twice for the same version/person; see applications.receipts)."""
    from applications.receipts import send_receipts

    return send_receipts(application_id=application_id, version=version)


@shared_task
def send_deadline_reminders() -> int:
    """E-mail representatives with an unsubmitted draft 7 days and 1 day before the deadline."""
    from applications.reminders import send_due_reminders

    return send_due_reminders()
