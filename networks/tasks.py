"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task


@shared_task(bind=True)
def send_participant_information(self, membership_id: int) -> int:
    """After the participant list is saved: the data-processing information to each new participant."""
    from django.conf import settings

    from networks.letters import send_participant_information as send

    try:
        return send(membership_id=membership_id)
    except OSError as error:  # SMTP and connection failures: try again later
        countdown = settings.EMAIL_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=error, countdown=countdown, max_retries=settings.EMAIL_RETRY_MAX) from error
