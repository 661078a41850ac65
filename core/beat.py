"""Periodic tasks, registered in django-celery-beat's tables by one idempotent command.

Each app lists its periodic tasks in ``schedule.py`` as ``PERIODIC_TASKS``; the
command ``register_periodic_tasks`` (run by ``make run``, deployment and the test
session) creates or updates them and disables ours that are no longer listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction

from core.discovery import app_modules

PREFIX = "natverk: "


@dataclass(frozen=True)
class PeriodicTaskSpec:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    kwargs: dict = field(default_factory=dict)
    description: str = ""

    @property
    def full_name(self) -> str:
        return PREFIX + self.name


def collect_specs() -> list[PeriodicTaskSpec]:
    specs: list[PeriodicTaskSpec] = []
    for _config, module in app_modules("schedule"):
        specs.extend(getattr(module, "PERIODIC_TASKS", ()))
    names = [spec.name for spec in specs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"periodic task names must be unique: {sorted(duplicates)}")
    return specs


@transaction.atomic
def register_periodic_tasks() -> dict[str, int]:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    counts = {"created": 0, "updated": 0, "disabled": 0}
    specs = collect_specs()
    for spec in specs:
        fields = {
            "minute": spec.minute,
            "hour": spec.hour,
            "day_of_week": spec.day_of_week,
            "day_of_month": spec.day_of_month,
            "month_of_year": spec.month_of_year,
            "timezone": "Europe/Stockholm",
        }
        # Crontab rows are not unique in django-celery-beat (the admin can add twins): reuse the first.
        crontab = CrontabSchedule.objects.filter(**fields).order_by("pk").first()
        if crontab is None:
            crontab = CrontabSchedule.objects.create(**fields)
        wanted = {
            "task": spec.task,
            "crontab": crontab,
            "interval": None,
            "kwargs": json.dumps(spec.kwargs, sort_keys=True),
            "description": spec.description,
            "enabled": True,
        }
        task = PeriodicTask.objects.filter(name=spec.full_name).first()
        if task is None:
            PeriodicTask.objects.create(name=spec.full_name, **wanted)
            counts["created"] += 1
        elif any(getattr(task, key) != value for key, value in wanted.items()):
            # Saving marks the schedule as changed and makes beat reload it: only when it did change.
            for key, value in wanted.items():
                setattr(task, key, value)
            task.save()
            counts["updated"] += 1
    stale = PeriodicTask.objects.filter(name__startswith=PREFIX, enabled=True).exclude(
        name__in=[spec.full_name for spec in specs]
    )
    counts["disabled"] = stale.update(enabled=False)
    return counts
