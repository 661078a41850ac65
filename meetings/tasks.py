"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task

from core.mail import retry_delivery


@shared_task(bind=True)
def send_invitations(self, invitation_ids: list[int]) -> int:
    """E-mail these meeting invitations, each once (see meetings.invitations)."""
    from meetings.invitations import send_invitation_emails

    try:
        return send_invitation_emails(invitation_ids=list(invitation_ids))
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task
def purge_dietary_needs() -> int:
    """Nightly: the dietary needs of meetings that are over are deleted."""
    from meetings.invitations import purge_dietary_needs as purge

    return purge()
