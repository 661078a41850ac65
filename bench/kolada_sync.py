"""Benchmark of the Kolada sync (not a test): 290 kommuner × 60 key figures × 10 years ≈ 174 000 values.

Runs against the local fake Kolada of the tests, in a throwaway test database
(created and destroyed here, like pytest does), so no real data is touched:

    .venv/bin/python bench/kolada_sync.py             # SQLite (in memory)
    DATABASE_URL=postgres://… .venv/bin/python bench/kolada_sync.py

Prints the total time and the time outside HTTP (our parsing and database writes).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.results import write_result  # noqa: E402
from municipalities import kolada_sync  # noqa: E402

YEARS = list(range(2016, 2026))


def fill(fake, kpis, codes) -> int:
    count = 0
    for kpi in kpis:
        fake.add_kpi(kpi.id, kpi.title, gender=False)
        for code in codes:
            for year in YEARS:
                fake.add_value(kpi.id, code, year, float(count % 997) + 0.5)
                count += 1
    return count


def main() -> None:
    from core.reference import load_all
    from municipalities.models import Kpi, KpiValue, Municipality
    from tests.municipalities.kolada_server import FakeKolada

    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        load_all()
        fake = FakeKolada().start()
        municipalities = list(Municipality.objects.all())
        for m in municipalities:
            fake.add_municipality(m.code, m.name, "L" if m.kind == Municipality.Kind.REGION else "K")
        kommuner = [m.code for m in municipalities if m.kind == Municipality.Kind.MUNICIPALITY]
        kpis = list(Kpi.objects.filter(followed=True))
        expected = fill(fake, kpis, kommuner)
        production_rate = settings.KOLADA_REQUESTS_PER_SECOND
        settings.KOLADA_REQUESTS_PER_SECOND = 1000  # the fake needs no politeness

        clients = []
        original = kolada_sync.KoladaClient

        def recording_client(*args, **kwargs):
            clients.append(original(*args, **kwargs))
            return clients[-1]

        kolada_sync.KoladaClient = recording_client
        started = time.perf_counter()
        log = kolada_sync.kolada_sync(base_url=fake.base_url, years=YEARS)
        total = time.perf_counter() - started
        fake.stop()

        http = clients[0].http_seconds
        print(f"database: {connection.vendor} ({test_db})")
        print(f"status: {log.status}; {log.kpis_synced} key figures, {log.values_written} values written")
        print(f"values expected: {expected}, in the table: {KpiValue.objects.count()}")
        print(f"requests: {log.requests}")
        print(f"total: {total:.2f} s; HTTP: {http:.2f} s; outside HTTP: {total - http:.2f} s")
        print(f"at {production_rate} requests/s the throttle alone needs ≥{log.requests / production_rate:.0f} s")
        write_result(
            "kolada_sync",
            {
                "database": connection.vendor,
                "status": log.status,
                "kpis": log.kpis_synced,
                "values_written": log.values_written,
                "values_expected": expected,
                "requests": log.requests,
                "total_s": round(total, 2),
                "http_s": round(http, 2),
                "outside_http_s": round(total - http, 2),
                "production_requests_per_s": production_rate,
                "throttle_floor_s": round(log.requests / production_rate),
            },
        )
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
