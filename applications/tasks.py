"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task

from core.mail import retry_delivery


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


@shared_task(bind=True)
def send_decision_letters(self, network_id: int) -> int:
    """After publishing: every published decision's letter not yet sent (see applications.letters)."""
    from applications.letters import send_decision_letters as send

    try:
        return send(network_id=network_id)
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_waitlist_offer(self, offer_id: int) -> int:
    """The offer of a place from the waiting list, while it is open."""
    from applications.letters import send_offer

    try:
        return send_offer(offer_id=offer_id)
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task
def expire_waitlist_offers() -> int:
    """Close unanswered offers past their deadline and offer each place to the next on the list."""
    from applications.waitlist import expire_offers

    return expire_offers()
