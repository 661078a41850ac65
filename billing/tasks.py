"""Thin Celery tasks of billing: ids in, one service call; safe to run twice."""

from celery import shared_task  # noqa: F401

from core.mail import retry_delivery  # noqa: F401
