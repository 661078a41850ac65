"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task


@shared_task
def render_stored_document(document_id: int) -> bool:
    """Make a stored document (final report, network pack) that is waiting; nothing if it is taken or done."""
    from reports.stored import render_document

    return render_document(document_id)
