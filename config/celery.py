"""Celery application: Redis broker, django-celery-beat for the schedule.

Start a worker with ``celery -A config worker`` and beat with ``celery -A config beat``.
Without REDIS_URL the settings make every task run eagerly in the calling process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
