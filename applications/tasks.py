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


# SMTP and connection failures (smtplib.SMTPException and socket errors are OSErrors)
# are retried with a growing pause; send_email_once releases a failed e-mail's claim.
RETRY = {"autoretry_for": (OSError,), "retry_backoff": 30, "retry_backoff_max": 1800, "max_retries": 10}


@shared_task(**RETRY)
def send_decision_letters(network_id: int) -> int:
    """After publishing: every published decision's letter not yet sent (see applications.letters)."""
    from applications.letters import send_decision_letters as send

    return send(network_id=network_id)


@shared_task(**RETRY)
def send_waitlist_offer(offer_id: int) -> int:
    """The offer of a place from the waiting list, while it is open."""
    from applications.letters import send_offer

    return send_offer(offer_id=offer_id)


@shared_task
def expire_waitlist_offers() -> int:
    """Close unanswered offers past their deadline and offer each place to the next on the list."""
    from applications.waitlist import expire_offers

    return expire_offers()
