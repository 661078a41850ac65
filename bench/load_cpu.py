"""CPU seconds the served app (gunicorn's processes) and its PostgreSQL backends spent, from /proc (Linux).

On a shared machine the latencies tell how busy the machine was as much as how heavy the app is; the CPU
time does not depend on the other processes' load. Processes that ended meanwhile are not counted (gunicorn
workers live for the whole run; a PostgreSQL backend lives while Django keeps its connection, CONN_MAX_AGE).
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(entry.name))
    return found


def gunicorn_pids() -> list[int]:
    """This process's gunicorn master (a child) and its workers."""
    masters = []
    for pid in _children(os.getpid()):
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                masters.append(pid)
        except OSError:
            continue
    return [pid for master in masters for pid in (master, *_children(master))]


def postgres_backend_pids(database_name: str) -> list[int]:
    """The backends serving ``database_name`` (local server only; none when it runs elsewhere)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database_name]
        )
        pids = [row[0] for row in cursor.fetchall()]
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


def snapshot(pids: list[int]) -> dict[int, int]:
    return {pid: ticks for pid in pids if (ticks := _ticks(pid)) is not None}


def spent(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU seconds between two snapshots (a process new in ``after`` counts from zero)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / TICKS
