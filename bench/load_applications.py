"""Load test (not a test): every kommun applies to one network within five minutes.

    .venv/bin/python bench/load_applications.py [--database-url URL] [--window 240] [--login rampup]

Creates the PostgreSQL database natverk_load again (on DATABASE_URL's server, else on 127.0.0.1; or the one
--database-url names: it is dropped!), migrates it and loads the register, an organiser with one network open
for applications (the demo's "Effektivare kommun") and one representative per kommun (290), then serves the
app under gunicorn with production settings (bench/server.py, two workers) and lets 290 simulated
municipalities, arriving at random moments within ``--window`` seconds, each do what a representative does in
a browser:

    invitation      GET  /natverk/<slug>/                    the network's invitation
    apply_form      GET  /natverk/<slug>/ansok/              the empty form (CSRF token, fields, prefill)
    save_draft      POST /natverk/<slug>/ansok/              the filled form, "Save draft" -> 302 to the form
    draft_form      GET  /natverk/<slug>/ansok/              the saved draft
    submit          POST /natverk/<slug>/ansok/              "Submit" -> 302 to the application
    receipt_page    GET  /ansokningar/<pk>/                  must show version 1 and its receipt link
    receipt_pdf     GET  /ansokningar/<pk>/kvitto/?version=1 only with --receipt-pdf SHARE (a fraction)

Signing in (--login):
    rampup   (default) through the real login form, before the window, four at a time; timed apart
             (steps login_form, login) and not part of the submission figures;
    inline   through the login form as the first steps of each municipality's visit, inside the window
             (the figures then include the deliberately slow password hashing);
    session  sessions written straight into the database (no password check at all).

Each simulated municipality sends its own X-Real-IP (as the TLS proxy passes the client's address on).

Afterwards it counts the submitted applications in the database and writes build/bench/load_applications.json.
Targets (exit status 1 if one fails): every municipality submitted (database count = municipalities), no error
(any status outside 2xx/3xx or a page other than the flow's next), p95 of the submission requests under
300 ms, everything done within five minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load_cpu, load_setup
from bench.load_client import Browser, Recorder, UnexpectedPage, absolute_path, post_form
from bench.server import gunicorn_server

BASE_DIR = Path(__file__).resolve().parent.parent
OUTPUT = BASE_DIR / "build" / "bench" / "load_applications.json"
LOAD_DATABASE = "natverk_load"


def default_database_url() -> str:
    """natverk_load on DATABASE_URL's PostgreSQL server, or on 127.0.0.1's."""
    from urllib.parse import urlsplit, urlunsplit

    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        return urlunsplit(urlsplit(configured)._replace(path=f"/{LOAD_DATABASE}"))
    return f"postgres://postgres@127.0.0.1:5432/{LOAD_DATABASE}"


P95_TARGET_MS = 300.0
DURATION_TARGET_S = 300.0
LOGIN_STEPS = ("login_form", "login")
DETAIL_PATH = re.compile(r"^/ansokningar/(\d+)/$")


# --- What a representative types -------------------------------------------------------------

MOTIVATION = (
    "{name} vill delta för att få stöd i att analysera varför kostnaderna ökar snabbare än resultaten. "
    "Kommunledningen har pekat ut effektivitet som ett av tre prioriterade utvecklingsområden för "
    "mandatperioden, och vi vill lära av andra kommuner som arbetat med resultat per kostnad. "
)
PROBLEM_TEXTS = {
    "problem_area": "Äldreomsorg, hemtjänst",
    "current_state": (
        "Kostnaden per brukare i hemtjänsten har ökat med elva procent på tre år medan brukarnas "
        "helhetsbedömning är oförändrad. Planeringen sker i tre olika system och en stor del av "
        "tiden går åt till administration och restid. "
    )
    * 3,
    "problem": (
        "Vi vet inte vilka delar av kostnadsökningen som beror på volym, på arbetssätt eller på hur "
        "insatserna beviljas. Uppföljningen ger oss inte svar på var vi ska börja. "
    )
    * 3,
    "goal": "Lägre kostnad per brukare utan sämre kvalitet, och en uppföljning som visar varför. " * 2,
}


def fill_application(form, rep: load_setup.Representative, action: str) -> list[tuple[str, str]]:
    """The apply form as the representative sends it: what the page holds, plus what they type."""
    values = form.defaults()
    names = form.names()
    typed = {"motivation": MOTIVATION.format(name=rep.municipality) * 2, **PROBLEM_TEXTS}
    for name, text in typed.items():
        if name in names and not "".join(values.get(name, [])).strip():
            values[name] = [text]
    kpis = [c.value for c in form.controls if c.name == "referenced_kpis"]
    if kpis and not values.get("referenced_kpis"):
        values["referenced_kpis"] = kpis[:2]
    for name in names:
        match = re.fullmatch(r"c(\d+)-(\w+)", name)
        if not match:
            continue
        field = match.group(2)
        if field == "confirmed":
            values[name] = ["on"]
        elif field == "decision_date" and not "".join(values.get(name, [])):
            values[name] = ["2026-09-15"]
        elif field == "decision_reference" and not "".join(values.get(name, [])).strip():
            values[name] = [f"KS 2026/{int(rep.code) % 500 + 1}"]
        elif field == "details" and not "".join(values.get(name, [])).strip():
            values[name] = ["Kommundirektören, ekonomichefen och socialchefen"]
    people = [("Anna", "Ekonomichef"), ("Bo", "Kvalitetsstrateg")]
    for i, (first, title) in enumerate(people):
        prefix = f"participants-{i}-"
        if f"{prefix}name" not in names or "".join(values.get(f"{prefix}name", [])).strip():
            continue  # no such row, or filled in already (the saved draft)
        roles = [v for v, _s in form.control(f"{prefix}role").options if v and v != "__other__"]
        values[f"{prefix}name"] = [f"{first} {rep.municipality}"]
        values[f"{prefix}email"] = [f"{first.lower()}.{rep.code}@{load_setup.EMAIL_DOMAIN}"]
        values[f"{prefix}title"] = [title]
        values[f"{prefix}role"] = [roles[(i + 2) % len(roles)] if roles else ""]
    if not "".join(values.get("buyer_reference", [])).strip():
        values["buyer_reference"] = [f"KS-{rep.code}"]
    if not "".join(values.get("invoice_email", [])).strip():
        values["invoice_email"] = [f"faktura.{rep.code}@{load_setup.EMAIL_DOMAIN}"]
    fields = [(name, value) for name, many in values.items() for value in many]
    fields.append(("attachment", ""))  # the empty file input a browser sends
    fields.append(("action", action))
    return fields


# --- One municipality's visit ------------------------------------------------------------------


def log_in(browser: Browser, rep: load_setup.Representative, password: str) -> None:
    page = browser.get("login_form", "/konto/login/")
    form = post_form(page.body)
    values = form.defaults()
    values["login"], values["password"] = [rep.email], [password]
    fields = [(k, v) for k, many in values.items() for v in many]
    response = browser.post("login", "/konto/login/", fields)
    if response.status != 302 or "sessionid" not in browser.cookies:
        raise browser.fail("login", f"not signed in (status {response.status}, to {response.location!r})")


def apply(browser: Browser, rep: load_setup.Representative, slug: str, pdf: bool) -> None:
    apply_path = f"/natverk/{slug}/ansok/"
    page = browser.get("invitation", f"/natverk/{slug}/")
    if apply_path not in page.body:
        raise browser.fail("invitation", "no link to the application form")
    page = browser.get("apply_form", apply_path)
    if page.status != 200:
        raise browser.fail("apply_form", f"status {page.status} to {page.location!r}")
    form = post_form(page.body)
    response = browser.post("save_draft", apply_path, fill_application(form, rep, "save"), multipart=True)
    if response.status != 302 or absolute_path(apply_path, response.location) != apply_path:
        raise browser.fail("save_draft", f"draft not saved (status {response.status}, {response.location!r})")
    page = browser.get("draft_form", apply_path)
    form = post_form(page.body)
    application = form.control("application")
    if page.status != 200 or application is None or not application.value:
        raise browser.fail("draft_form", "the saved draft is not on the form")
    response = browser.post("submit", apply_path, fill_application(form, rep, "submit"), multipart=True)
    detail = absolute_path(apply_path, response.location) if response.status == 302 else ""
    match = DETAIL_PATH.match(detail)
    if not match or match.group(1) != application.value:
        raise browser.fail("submit", f"not submitted (status {response.status}, {response.location!r})")
    page = browser.get("receipt_page", detail)
    receipt = f"/ansokningar/{application.value}/kvitto/?version=1"
    if page.status != 200 or receipt.replace("&", "&amp;") not in page.body:
        raise browser.fail("receipt_page", "the application page shows no submitted version 1")
    if pdf:
        response = browser.get("receipt_pdf", receipt)
        if not response.headers.get("content-type", "").startswith("application/pdf"):
            raise browser.fail("receipt_pdf", "not a PDF")


# --- Figures -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, int(-(-share * len(ordered) // 1)))  # ceil
    return ordered[min(rank, len(ordered)) - 1]


def summary(samples) -> dict:
    times = [s.ms for s in samples]
    return {
        "requests": len(times),
        "p50_ms": round(statistics.median(times), 1) if times else 0.0,
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1) if times else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=default_database_url(), help="dropped and created again! (default: %(default)s)"
    )
    parser.add_argument("--reuse-database", action="store_true", help="keep a database set up by an earlier run")
    parser.add_argument("--window", type=float, default=240, help="arrivals spread over this many seconds")
    parser.add_argument("--municipalities", type=int, default=None, help="only the first N kommuner (default all)")
    parser.add_argument("--login", choices=("rampup", "inline", "session"), default="rampup")
    parser.add_argument("--login-concurrency", type=int, default=4, help="parallel logins in the ramp-up")
    parser.add_argument("--receipt-pdf", type=float, default=0.0, help="share of municipalities fetching the PDF")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    secret_key = secrets.token_urlsafe(50)
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="config.settings")
    os.environ.update(SECRET_KEY=secret_key, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", EMAIL_URL="dummymail://")
    started = time.monotonic()
    if not args.reuse_database:
        load_setup.recreate_database(args.database_url)
        load_setup.migrate_and_load_register(args.database_url)
    import django

    django.setup()
    from django.db import connection

    scenario = reuse(args.municipalities) if args.reuse_database else load_setup.populate(args.municipalities)
    sessions = load_setup.session_cookies(scenario) if args.login == "session" else {}
    connection.close()
    print(f"set up in {time.monotonic() - started:.0f} s: {len(scenario.representatives)} representatives")

    rng = random.Random(args.seed)
    reps = scenario.representatives
    arrivals = {rep.user_id: rng.uniform(0, args.window) for rep in reps}
    pdf_for = {rep.user_id for rep in reps if rng.random() < args.receipt_pdf}
    ips = {rep.user_id: f"10.{number // 250}.{number % 250}.{rng.randint(2, 250)}" for number, rep in enumerate(reps)}
    recorder = Recorder()
    failures: dict[str, str] = {}
    lock = threading.Lock()

    with gunicorn_server(
        args.database_url, workers=args.workers, SECRET_KEY=secret_key, CACHE_KEY_PREFIX=f"load-{secrets.token_hex(4)}"
    ) as base_url:
        browsers = {rep.user_id: Browser(base_url, recorder, real_ip=ips[rep.user_id]) for rep in reps}
        for user_id, key in sessions.items():
            browsers[user_id].cookies["sessionid"] = key

        def record_failure(rep, error):
            with lock:
                failures[rep.code] = str(error)

        database_name = connection.settings_dict["NAME"]

        def cpu_snapshot():
            pids = load_cpu.gunicorn_pids()
            backends = load_cpu.postgres_backend_pids(database_name)
            connection.close()
            return load_cpu.snapshot(pids), load_cpu.snapshot(backends)

        rampup_s = 0.0
        cpu_rampup = cpu_snapshot()
        if args.login == "rampup":
            rampup_start = time.monotonic()

            def rampup(rep):
                try:
                    log_in(browsers[rep.user_id], rep, scenario.password)
                except UnexpectedPage as error:
                    record_failure(rep, error)

            with ThreadPoolExecutor(max_workers=args.login_concurrency) as pool:
                list(pool.map(rampup, reps))
            rampup_s = time.monotonic() - rampup_start
            print(f"ramp-up: {len(reps)} logins through the form in {rampup_s:.0f} s")

        cpu_start = cpu_snapshot()
        window_start = time.monotonic()
        done: dict[str, float] = {}

        def visit(rep):
            delay = window_start + arrivals[rep.user_id] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if rep.code in failures:
                return
            browser = browsers[rep.user_id]
            try:
                if args.login == "inline":
                    log_in(browser, rep, scenario.password)
                apply(browser, rep, scenario.network_slug, rep.user_id in pdf_for)
            except UnexpectedPage as error:
                record_failure(rep, error)
            except Exception as error:
                record_failure(rep, f"client error: {error!r}")
            with lock:
                done[rep.code] = time.monotonic()

        threads = [threading.Thread(target=visit, args=(rep,), daemon=True) for rep in reps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration_s = (max(done.values()) if done else window_start) - window_start
        cpu_end = cpu_snapshot()

    connection.connect()
    database = load_setup.counts(scenario.network_slug)
    connection.close()

    samples = recorder.samples
    login_samples = [s for s in samples if s.step in LOGIN_STEPS]
    measured = [s for s in samples if s.step not in LOGIN_STEPS or args.login == "inline"]
    by_step = defaultdict(list)
    for s in samples:
        by_step[s.step].append(s)
    errors = [s for s in samples if not s.ok]
    overall = summary(measured)
    result = {
        "municipalities": len(reps),
        "submissions": database["submitted"],
        "errors": len(errors),
        "failed_municipalities": len(failures),
        "db_count": database["submitted"],
        "db": database,
        **overall,
        "duration_s": round(duration_s, 1),
        "window_s": args.window,
        "login": args.login,
        "login_rampup_s": round(rampup_s, 1),
        "login_figures": summary(login_samples),
        "with_login": summary(samples),
        "workers": args.workers,
        # CPU seconds (not wall-clock): the app's gunicorn processes and its PostgreSQL backends, in the window
        # and in the login ramp-up; independent of how busy the rest of the machine was.
        "cpu": {
            "app_s": round(load_cpu.spent(cpu_start[0], cpu_end[0]), 1),
            "db_s": round(load_cpu.spent(cpu_start[1], cpu_end[1]), 1),
            "app_ms_per_municipality": round(1000 * load_cpu.spent(cpu_start[0], cpu_end[0]) / max(1, len(reps))),
            "db_ms_per_municipality": round(1000 * load_cpu.spent(cpu_start[1], cpu_end[1]) / max(1, len(reps))),
            "login_rampup_app_s": round(load_cpu.spent(cpu_rampup[0], cpu_start[0]), 1),
        },
        "receipt_pdfs": len(pdf_for),
        "per_step": {step: summary(items) for step, items in sorted(by_step.items(), key=lambda kv: order(kv[0]))},
        "error_examples": [f"{s.step} {s.method} {s.path}: {s.error}" for s in errors[:10]],
        "failure_examples": dict(list(failures.items())[:10]),
        "load_average": os.getloadavg(),
    }
    targets = {
        "nothing lost": database["submitted"] == len(reps) and database["submitted_version_1"] == len(reps),
        "no errors": not errors and not failures,
        f"p95 < {P95_TARGET_MS:.0f} ms": overall["p95_ms"] < P95_TARGET_MS,
        f"done within {DURATION_TARGET_S:.0f} s": duration_s <= DURATION_TARGET_S,
    }
    result["targets"] = targets
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(result)
    for name, met in targets.items():
        print(f"{'ok  ' if met else 'FAIL'} {name}")
    print(f"written to {args.output.relative_to(BASE_DIR) if args.output.is_relative_to(BASE_DIR) else args.output}")
    return 0 if all(targets.values()) else 1


STEP_ORDER = (*LOGIN_STEPS, "invitation", "apply_form", "save_draft", "draft_form", "submit", "receipt_page")


def order(step: str) -> int:
    return STEP_ORDER.index(step) if step in STEP_ORDER else len(STEP_ORDER)


def print_table(result: dict) -> None:
    print(f"\n{'step':<14} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for step, figures in result["per_step"].items():
        print(
            f"{step:<14} {figures['requests']:>8} {figures['p50_ms']:>8} {figures['p95_ms']:>8} {figures['max_ms']:>8}"
        )
    label = "all (login incl.)" if result["login"] == "inline" else "submission"
    print(f"{label:<14} {result['requests']:>8} {result['p50_ms']:>8} {result['p95_ms']:>8} {result['max_ms']:>8}")
    print(
        f"\n{result['submissions']}/{result['municipalities']} submitted (database), {result['errors']} errors, "
        f"{result['failed_municipalities']} municipalities failed; window {result['window_s']:.0f} s, all done "
        f"{result['duration_s']} s after the first arrival; login: {result['login']}"
        + (f" (ramp-up {result['login_rampup_s']} s)" if result["login"] == "rampup" else "")
        + f"; load average {', '.join(f'{x:.1f}' for x in result['load_average'])}"
    )
    cpu = result["cpu"]
    print(
        f"CPU in the window: app {cpu['app_s']} s ({cpu['app_ms_per_municipality']} ms a municipality), "
        f"PostgreSQL {cpu['db_s']} s ({cpu['db_ms_per_municipality']} ms a municipality)"
        + (f"; login ramp-up: app {cpu['login_rampup_app_s']} s" if result["login"] == "rampup" else "")
    )


def reuse(count: int | None) -> load_setup.Scenario:
    """The earlier run's network and representatives, its applications and sessions deleted."""
    from django.contrib.sessions.models import Session

    from accounts.models import User
    from applications.models import Application

    Application.objects.filter(network__slug=load_setup.NETWORK_SLUG).delete()
    Session.objects.all().delete()
    users = User.objects.filter(email__endswith="@" + load_setup.EMAIL_DOMAIN).select_related("municipality")
    users = list(users.order_by("municipality__code"))[:count]
    return load_setup.Scenario(
        network_slug=load_setup.NETWORK_SLUG,
        password=load_setup.PASSWORD,
        representatives=[
            load_setup.Representative(u.municipality.code, u.municipality.name, u.email, u.pk) for u in users
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
