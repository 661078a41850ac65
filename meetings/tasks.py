"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task


def _retry_on_delivery_failure(task, error: OSError):
    """SMTP and connection failures are retried after EMAIL_RETRY_SECONDS, doubling each time;
    send_email_once released the failed e-mail's claim, and those already sent are not sent again."""
    from django.conf import settings

    countdown = settings.EMAIL_RETRY_SECONDS * 2**task.request.retries
    return task.retry(exc=error, countdown=countdown, max_retries=settings.EMAIL_RETRY_MAX)


@shared_task(bind=True)
def send_invitations(self, invitation_ids: list[int]) -> int:
    """E-mail these meeting invitations, each once (see meetings.invitations)."""
    from meetings.invitations import send_invitation_emails

    try:
        return send_invitation_emails(invitation_ids=list(invitation_ids))
    except OSError as error:
        raise _retry_on_delivery_failure(self, error) from error


@shared_task
def purge_dietary_needs() -> int:
    """Nightly: the dietary needs of meetings that are over are deleted."""
    from meetings.invitations import purge_dietary_needs as purge

    return purge()
