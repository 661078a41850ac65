import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from core.beat import PREFIX, collect_specs, register_periodic_tasks

pytestmark = pytest.mark.django_db


def test_periodic_tasks_loaded_for_the_session():
    names = set(PeriodicTask.objects.filter(name__startswith=PREFIX).values_list("name", flat=True))
    assert {spec.full_name for spec in collect_specs()} <= names


def test_register_periodic_tasks_is_idempotent():
    before = PeriodicTask.objects.count()
    counts = register_periodic_tasks()
    assert counts == {"created": 0, "updated": 0, "disabled": 0}
    assert PeriodicTask.objects.count() == before


def test_register_periodic_tasks_disables_removed_tasks():
    from django_celery_beat.models import CrontabSchedule

    crontab = CrontabSchedule.objects.create(minute="5")
    stale = PeriodicTask.objects.create(name=PREFIX + "gone", task="core.tasks.gone", crontab=crontab)
    register_periodic_tasks()
    stale.refresh_from_db()
    assert stale.enabled is False


def test_periodic_task_names_are_registered_celery_tasks():
    from config.celery import app

    app.loader.import_default_modules()
    for spec in collect_specs():
        assert spec.task in app.tasks, spec.task


def test_register_periodic_tasks_command_prints_counts(capsys):
    call_command("register_periodic_tasks")
    assert "periodic tasks:" in capsys.readouterr().out
