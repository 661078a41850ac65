import os
import socket

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def ping(token: str) -> dict:
    """Echo a token with the executing process's identity (used to prove a real worker ran it)."""
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname()}


@shared_task
def purge_expired_personal_data() -> dict[str, int]:
    """Anonymise or delete personal data past its retention period (core.retention); rows per kind."""
    from core.retention import purge

    return purge()
