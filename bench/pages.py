"""Page benchmarks (not a test): the key pages under gunicorn on PostgreSQL at scale 1 and 10.

For each scale: a fresh database natverk_bench<scale> (migrated, the register loaded, bench/generate.py's data),
the SQL queries of each page counted in-process (Django's test client, CaptureQueriesContext: the second of two
requests, so that warm caches count as in production), then the app under gunicorn with 2 workers and production
settings (bench/server.py), the users logged in through the login form, and each page loaded by wrk (20
connections, 2 threads, 10 s after a 2 s warm-up) beside a bare Django view without the database (/ping/, the
floor). Writes build/bench/pages.json (bench/report.py turns it into BENCHMARKS.md).

    .venv/bin/python bench/pages.py                      # both scales
    .venv/bin/python bench/pages.py --scales 1 --duration 5 --reuse

Needs wrk (Debian's package `wrk`) and PostgreSQL; the server of DATABASE_URL (default postgres://postgres@
127.0.0.1:5432) holds the benchmark databases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import generate  # noqa: E402
from bench.server import HEADERS, cookie_header, gunicorn_server, login, production_environment  # noqa: E402

OUT = BASE_DIR / "build" / "bench"
LUA = Path(__file__).resolve().parent / "wrk_report.lua"
TIMED_REQUESTS = 10  # in-process requests per page whose median CPU time is reported

# (key, label, user, path); the user is None (anonymous), "lead", "finance" or "rep". {batch} is filled in.
PAGES = [
    ("ping", "Bare Django view (floor)", None, "/ping/"),
    ("catalogue", "Catalogue", None, "/natverk/"),
    ("invitation", "Invitation", None, f"/natverk/{generate.OPEN_SLUG}/"),
    ("apply", "Application form", "rep", f"/natverk/{generate.OPEN_SLUG}/ansok/"),
    ("lead_networks", "Lead's networks", "lead", "/projektledare/natverk/"),
    ("applications", "Lead's application list", "lead", f"/projektledare/natverk/{generate.BIG_SLUG}/ansokningar/"),
    ("workbench", "Selection workbench", "lead", f"/projektledare/natverk/{generate.BIG_SLUG}/urval/"),
    ("timetable", "Network timetable", "lead", f"/projektledare/natverk/{generate.BIG_SLUG}/tidplan/"),
    ("batches", "Finance: invoice batches", "finance", "/ekonomi/fakturaunderlag/"),
    ("batch", "Finance: invoice batch", "finance", "/ekonomi/fakturaunderlag/{batch}/"),
    ("invoices", "Finance: invoices", "finance", "/ekonomi/fakturor/"),
]
EMAILS = {"lead": generate.LEAD_EMAIL, "finance": generate.FINANCE_EMAIL, "rep": generate.REP_EMAIL}


def database_url(scale: int) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/natverk")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        base, parts = (
            "postgres://postgres@127.0.0.1:5432/natverk",
            urlsplit("postgres://postgres@127.0.0.1:5432/natverk"),
        )
    return urlunsplit(parts._replace(path=f"/natverk_bench{scale}"))


# --- SQL queries per page (in a process of its own: Django is set up for one database) -------------------------


def count_queries(url: str) -> dict:
    """Each page's status and SQL queries through Django's test client, as the benchmark's users."""
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        os.environ.update(production_environment(url, static_root, ALLOWED_HOSTS="testserver"))
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext

        from accounts.models import User
        from billing.models import InvoiceBatch

        batch = (
            InvoiceBatch.objects.filter(organizer__slug=generate.ORGANIZERS[0][2])
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        result = {
            "paths": {},
            "queries": {},
            "status": {},
            "bytes": {},
            "cpu_ms": {},
            "sql_ms": {},
            "queries_cached": {},
            "cpu_ms_cached": {},
        }
        with override_settings(STORAGES=storages):
            for key, _label, who, path in PAGES:
                path = path.format(batch=batch)
                client = Client(headers=HEADERS)
                if who:
                    client.force_login(User.objects.get(email=EMAILS[who]))
                # Rendered every time (the page cache off): what a page costs when the data has just changed.
                with override_settings(PAGE_CACHE_SECONDS=0):
                    client.get(path)
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(path)
                    # Read before the next request: Django empties the query log when a request starts.
                    result["queries"][key] = len(queries.captured_queries)
                    result["sql_ms"][key] = round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1)
                    result["cpu_ms"][key] = cpu_ms(client, path)
                result["paths"][key] = path
                result["status"][key] = response.status_code
                result["bytes"][key] = len(response.content)
                # From the page cache (core.pagecache), as the same visitor's next view until something changes.
                client.get(path)
                with CaptureQueriesContext(connection) as queries:
                    client.get(path)
                result["queries_cached"][key] = len(queries.captured_queries)
                result["cpu_ms_cached"][key] = cpu_ms(client, path)
        return result


def cpu_ms(client, path: str) -> float:
    """The median CPU time of the process for one request of ``path``."""
    cpu = []
    for _ in range(TIMED_REQUESTS):
        started = time.process_time()
        client.get(path)
        cpu.append((time.process_time() - started) * 1000)
    return round(statistics.median(cpu), 1)


def queries_in_subprocess(url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--count-queries", url], cwd=BASE_DIR, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- load with wrk -----------------------------------------------------------------------------------------------


def wrk(url: str, cookie: str, *, duration: float, connections: int, threads: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(duration)}s", "--timeout", "10s", "-s", str(LUA)]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"WRK_JSON (\{.*\})", output)
    if not match:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "errors": raw["errors"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
    }


def check_page(base_url: str, path: str, cookie: str) -> int:
    import http.client

    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {**HEADERS, **({"Cookie": cookie} if cookie else {})}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def bench_scale(scale: int, args) -> dict:
    url = database_url(scale)
    result: dict = {"scale": scale, "database": urlsplit(url).path.lstrip("/")}
    if not args.reuse:
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("generate.py")),
                "--scale",
                str(scale),
                "--database-url",
                url,
                "--fresh",
            ],
            cwd=BASE_DIR,
            check=True,
        )
    generated = OUT / f"generate_{scale}.json"
    if generated.exists():
        result["generate"] = json.loads(generated.read_text())
    print(f"scale {scale}: counting SQL queries per page …", flush=True)
    counted = queries_in_subprocess(url)
    result["cpu_ms"] = counted["cpu_ms"]
    result["load_average_before"] = round(os.getloadavg()[0], 1)
    # As deployed (the page cache on), then with every page rendered on every request (PAGE_CACHE_SECONDS=0).
    for series, overrides in (("pages", {}), ("pages_rendered", {"PAGE_CACHE_SECONDS": "0"})):
        print(f"scale {scale}: {'cached' if not overrides else 'rendered every time'}", flush=True)
        result[series] = load_pages(url, counted, args, cached=not overrides, **overrides)
    result["load_average_after"] = round(os.getloadavg()[0], 1)
    return result


def load_pages(url: str, counted: dict, args, *, cached: bool, **overrides: str) -> dict:
    pages = {}
    with gunicorn_server(url, workers=args.workers, **overrides) as base_url:
        cookies = {who: cookie_header(login(base_url, email, generate.BENCH_PASSWORD)) for who, email in EMAILS.items()}
        for key, label, who, _path in PAGES:
            path = counted["paths"][key]
            cookie = cookies[who] if who else ""
            status = check_page(base_url, path, cookie)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} under gunicorn (as {who or 'anonymous'})")
            wrk(base_url + path, cookie, duration=args.warmup, connections=args.connections, threads=args.threads)
            measured = wrk(
                base_url + path, cookie, duration=args.duration, connections=args.connections, threads=args.threads
            )
            measured.update(
                label=label,
                path=path,
                user=who or "anonymous",
                queries=counted["queries"][key],
                queries_cached=counted["queries_cached"][key],
                cpu_ms=counted["cpu_ms"][key],
                cpu_ms_cached=counted["cpu_ms_cached"][key],
                sql_ms=counted["sql_ms"][key],
                bytes=counted["bytes"][key],
            )
            pages[key] = measured
            print(
                f"  {label:<32} p50 {measured['p50_ms']:>7.1f} ms  p95 {measured['p95_ms']:>7.1f} ms  "
                f"{measured['rps']:>7.1f} req/s  "
                f"{measured['queries_cached'] if cached else measured['queries']:>3} queries  "
                f"{measured['errors']} errors",
                flush=True,
            )
    return pages


def postgres_version(url: str) -> str:
    import psycopg

    settings = generate.database_settings(url)
    settings["dbname"] = "postgres"
    with psycopg.connect(**settings) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", choices=[1, 10], default=[1, 10])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep the databases generated before")
    parser.add_argument("--count-queries", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        print(json.dumps(count_queries(args.count_queries)))
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
    started = time.perf_counter()
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": postgres_version(database_url(1)),
            "platform": platform.platform(),
            "wrk": wrk_version.split(" Copyright")[0],
        },
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "scales": {},
    }
    for scale in args.scales:
        report["scales"][str(scale)] = bench_scale(scale, args)
    report["seconds"] = round(time.perf_counter() - started, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "pages.json").write_text(json.dumps(report, indent=2))
    print(f"written: {OUT / 'pages.json'} ({report['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
