from celery import shared_task

from municipalities.kolada_sync import kolada_sync


@shared_task
def sync_kolada_task() -> int:
    """The weekly sync with Kolada; returns the id of its log."""
    return kolada_sync().pk
