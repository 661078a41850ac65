"""A real Celery worker and beat, as separate processes, through the local Redis.

Both are marked ``needs_services``: they run in CI (.ci/run) and wherever
DATABASE_URL and REDIS_URL are set. The worker consumes only this test run's
queue (the ``isolated_queue`` fixture), so parallel runs on one Redis never take
each other's tasks.
"""

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))
START_TIMEOUT = 60


class Process:
    """A child process whose combined output is collected by a reader thread."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.lines: list[str] = []
        self.popen = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = START_TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return True
            if self.popen.poll() is not None:
                self._reader.join(timeout=5)
                return text in self.output
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)
        self._reader.join(timeout=5)


def child_environment(queue: str, **overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["CELERY_QUEUE"] = queue
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


@pytest.fixture
def worker(isolated_queue, real_celery) -> Iterator[Process]:
    process = Process(
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            isolated_queue,
            "--hostname",
            f"test-{uuid.uuid4().hex[:8]}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        child_environment(isolated_queue),
    )
    try:
        if not process.wait_for("ready."):
            pytest.fail(f"the Celery worker did not become ready:\n{process.output}")
        yield process
    finally:
        process.stop()


@pytest.mark.needs_services
def test_celery_worker_executes_task_through_redis(worker, isolated_queue):
    from django.conf import settings

    from core.tasks import ping

    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_BROKER_URL.startswith("redis")

    token = uuid.uuid4().hex
    result = ping.apply_async(args=[token], queue=isolated_queue)
    try:
        reply = result.get(timeout=60)
    except Exception:
        pytest.fail(f"no reply from the worker:\n{worker.output}")
    assert reply["token"] == token
    assert reply["pid"] != os.getpid()
    assert reply["pid"] == worker.popen.pid
    assert "core.tasks.ping" in worker.output


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_celery_beat_sends_database_schedule_to_worker(worker, isolated_queue, tmp_path):
    from django.db import connection
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    # Beat reads the schedule from the test database; transaction=True commits
    # this entry so the beat process sees it, and flushes it afterwards.
    token = uuid.uuid4().hex
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name=f"test beat {token}",
        task="core.tasks.ping",
        interval=every_second,
        args=f'["{token}"]',
        queue=isolated_queue,
    )
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    beat = Process(
        [
            CELERY,
            "-A",
            "config",
            "beat",
            "--loglevel=DEBUG",
            "--pidfile",
            str(tmp_path / "beat.pid"),
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        child_environment(isolated_queue, DATABASE_URL=f"postgres://{credentials}@{host}/{database['NAME']}"),
    )
    try:
        started = beat.wait_for("beat: Starting...")
        sent = beat.wait_for(f"Sending due task test beat {token}")
        executed = worker.wait_for(token)
    finally:
        beat.stop()
    assert started, beat.output
    assert "django_celery_beat.schedulers.DatabaseScheduler" in beat.output, beat.output
    assert sent, beat.output
    assert executed, worker.output
