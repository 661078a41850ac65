"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task

from core.mail import retry_delivery


@shared_task(bind=True)
def send_participant_information(self, membership_id: int) -> int:
    """After the participant list is saved: the data-processing information to each new participant."""
    from networks.letters import send_participant_information as send

    try:
        return send(membership_id=membership_id)
    except OSError as error:
        raise retry_delivery(self, error) from error
