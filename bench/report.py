"""Gathers build/bench/*.json into BENCHMARKS.md (at the repository's root) and prints the page tables.

    .venv/bin/python bench/report.py

Reads pages.json (bench/pages.py), generate_<scale>.json (bench/generate.py), kolada_sync.json, selection.json,
billing.json, reports.json and load_applications.json (the load test), each when present.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "build" / "bench"
TARGET_P95_MS = 100
TARGET_FLOOR_SHARE = 25  # throughput at least 1/25 of the bare view's


def load(name: str) -> dict | None:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


SERIES = (
    ("pages", "Page cache on (as deployed)"),
    ("pages_rendered", "Rendered on every request (PAGE_CACHE_SECONDS=0)"),
)


def table(
    scale: str, result: dict, other_scale: dict | None, duration_s: float = 10, series: str = "pages"
) -> tuple[str, dict]:
    pages = result[series]
    floor_rps = pages["ping"]["rps"]
    lines = [
        "| Page | User | p50 ms | p95 ms | req/s | × bare view | SQL queries rendered / cached "
        "| CPU ms rendered / cached | p95 < 100 ms | ≥ 1/25 bare "
        "| queries 1× = 10× |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: | :---: | :---: |",
    ]
    checks = {}
    for key, page in pages.items():
        share = page["rps"] / floor_rps if floor_rps else 0
        bare = key == "ping"
        p95_ok = page["requests"] > 0 and page["p95_ms"] < TARGET_P95_MS
        share_ok = None if bare else share >= 1 / TARGET_FLOOR_SHARE
        same = None
        if other_scale and key in other_scale.get(series, {}):
            other = other_scale[series][key]
            same = other["queries"] == page["queries"] and other.get("queries_cached") == page.get("queries_cached")
        checks[key] = (p95_ok, share_ok, same)
        errors = f" ({page['errors']} errors)" if page.get("errors") else ""
        if page["requests"]:
            p50, p95 = f"{page['p50_ms']:.1f}", f"{page['p95_ms']:.1f}"
        else:  # wrk counts only the requests that end within the run
            p50 = p95 = f"> {duration_s * 1000:.0f} (none completed)"
        lines.append(
            f"| {page['label']}<br>`{page['path']}` | {page['user']} | {p50} | {p95} "
            f"| {page['rps']:.1f}{errors} | {'1' if bare else f'1/{1 / share:.0f}' if share else '–'} "
            f"| {page['queries']} / {page.get('queries_cached', '–')} "
            f"| {page.get('cpu_ms', '–')} / {page.get('cpu_ms_cached', '–')} "
            f"| {mark(p95_ok)} | {mark(share_ok)} | {mark(same)} |"
        )
    return "\n".join(lines), checks


def plain_table(scale: str, result: dict) -> str:
    out = [f"scale {scale}× (load average {result.get('load_average_before')} → {result.get('load_average_after')})"]
    for series, title in (("pages", "page cache on (as deployed)"), ("pages_rendered", "rendered every time")):
        pages = result.get(series)
        if not pages:
            continue
        floor_rps = pages["ping"]["rps"] or 1
        out.append(f"  {title}")
        out.append(
            f"  {'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'× bare':>7} {'queries':>9} {'CPU ms':>12}"
        )
        for key, page in pages.items():
            share = page["rps"] / floor_rps
            ratio = "1" if key == "ping" else (f"1/{1 / share:.0f}" if share else "–")
            queries = f"{page['queries']}/{page.get('queries_cached', '–')}"
            cpu = f"{page.get('cpu_ms', '–')}/{page.get('cpu_ms_cached', '–')}"
            out.append(
                f"  {page['label']:<30} {page['p50_ms']:>8.1f} {page['p95_ms']:>8.1f} {page['rps']:>8.1f} "
                f"{ratio:>7} {queries:>9} {cpu:>12}"
            )
    return "\n".join(out)


def generation_section(pages: dict) -> list[str]:
    lines = ["## Data", ""]
    lines.append(
        "`bench/generate.py --scale 1|10` makes the data with `bulk_create` after `migrate` and `load_reference_data` "
        "(the 290 municipalities and 21 regions of the register; at 10× 2,610 fictional municipalities, codes 3000 "
        "and up, are added). Each network keeps a realistic size (about 50 applicants, 40 places, 15 meetings, "
        "3 review criteria, a tiered fee in 6 installments); what grows tenfold is the number of networks, "
        "municipalities, representatives, applications, memberships, meetings, invoices and batches. The page "
        "benchmarks look at one organiser's lead and finance (one organiser of four): at 10× they lead 50 "
        "networks instead of 5 and have 187 batches instead of 19."
    )
    lines.append("")
    header = "| | " + " | ".join(f"{s}×" for s in pages["scales"]) + " |"
    lines += [header, "| --- |" + " ---: |" * len(pages["scales"])]
    generated = {s: r.get("generate", {}) for s, r in pages["scales"].items()}
    keys = []
    for g in generated.values():
        for k in g.get("counts", {}):
            if k not in keys:
                keys.append(k)
    for k in keys:
        lines.append(
            f"| {k.replace('_', ' ')} | "
            + " | ".join(f"{g.get('counts', {}).get(k, '–'):,}" for g in generated.values())
            + " |"
        )
    for label, field in (
        ("migrate, s", "migrate_seconds"),
        ("load_reference_data, s", "reference_data_seconds"),
        ("generation (bulk_create), s", "seconds"),
    ):
        lines.append(f"| {label} | " + " | ".join(str(g.get(field, "–")) for g in generated.values()) + " |")
    return [*lines, ""]


def earlier_section() -> list[str]:
    lines = [
        "## Earlier issues' figures",
        "",
        "Wall-clock times unless said otherwise, by `make bench`; each section says when it was measured (the load "
        "on the machine at that time affects the wall-clock figures, not the ratios of CPU times).",
        "",
    ]
    kolada = load("kolada_sync")
    if kolada:
        lines += [
            "### Kolada sync (bench/kolada_sync.py)",
            "",
            f"Measured {kolada.get('measured_at', '(time not recorded)')}.",
            "",
            f"{kolada['values_written']:,} values ({kolada['kpis']} key figures × the municipalities × 10 years) from "
            f"a local fake Kolada, {kolada['requests']} requests, on {kolada['database']}: **{kolada['total_s']} s** "
            f"in all, {kolada['outside_http_s']} s outside HTTP (our parsing and writes). In production the "
            f"politeness throttle ({kolada['production_requests_per_s']} requests/s) alone needs "
            f"≥ {kolada['throttle_floor_s']} s. Status: {kolada['status']}.",
            "",
        ]
    selection = load("selection")
    if selection:
        lines += [
            "### Selection optimiser (bench/selection.py)",
            "",
            f"Measured {selection.get('measured_at', '(time not recorded)')}.",
            "",
            f"Median of {selection['runs']} runs.",
            "",
            "| Applicants | Solve s | Proven optimal | Proposal s | Solves | Swaps s | Status |",
            "| ---: | ---: | :---: | ---: | ---: | ---: | --- |",
        ]
        for row in selection["sizes"]:
            swaps = "–" if row["swaps_s"] is None else row["swaps_s"]
            lines.append(
                f"| {row['applicants']} | {row['solve_s']} | {mark(row['proven'])} | {row['proposal_s']} "
                f"| {row['solves']} | {swaps} | {row['status']} |"
            )
        lines.append("")
    billing = load("billing")
    if billing:
        exports = ", ".join(f"{fmt} {s} s" for fmt, s in billing["exports_s"].items())
        lines += [
            "### Billing: batch, exports, invoice PDF (bench/billing.py)",
            "",
            f"Measured {billing.get('measured_at', '(time not recorded)')}.",
            "",
            f"- {billing['members']} members, {billing['invoices']} invoices in the batch: created in "
            f"{billing['create_s']} s, approved (numbers in one transaction) in {billing['approve_s']} s.",
            f"- Exports: {exports}; together **{billing['exports_total_s']} s** (target < 2 s "
            f"{mark(billing['exports_total_s'] < 2)}).",
            f"- Invoice PDF: {billing['pdf_per_invoice_s']} s CPU each (median), reference page "
            f"{billing['pdf_reference_s']} s: ratio **{billing['pdf_ratio']}** (target ≤ 1.5 "
            f"{mark(billing['pdf_ratio'] <= 1.5)}). Font subsetting: {billing['font_subsetting']}.",
            "",
        ]
    reports = load("reports")
    if reports:
        lines += [
            "### Documents (bench/reports.py)",
            "",
            f"Measured {reports.get('measured_at', '(time not recorded)')}.",
            "",
            f"On the demo data (seeded in {reports['seed_demo_s']} s). Each document is timed beside a reference "
            "page with the same stylesheet and fonts.",
            "",
            "| Document | n | Median s | Max s | Reference s | × reference |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in reports["documents"]:
            lines.append(
                f"| {row['kind']} | {row['n']} | {row['median_s']} | {row['max_s']} | {row['reference_s']} "
                f"| {row['ratio']} |"
            )
        final = reports["final_report"]
        lines += [
            "",
            f"Final report of `{final['network']}` ({final['members']} members): **{final['seconds']} s** "
            f"(target < 5 s {mark(final['seconds'] < 5)}).",
            "",
        ]
    load_test = load("load_applications")
    if load_test:
        lines += [
            "### Load test: applications (load test)",
            "",
            f"{load_test.get('submissions')} submissions in {load_test.get('duration_s')} s "
            f"({load_test.get('requests')} requests): {load_test.get('errors')} errors, "
            f"{load_test.get('db_count')} applications in the database; p50 {load_test.get('p50_ms')} ms, "
            f"p95 {load_test.get('p95_ms')} ms.",
            "",
        ]
    missing = [
        name for name in ("kolada_sync", "selection", "billing", "reports", "load_applications") if load(name) is None
    ]
    if missing:
        lines += [f"Not measured in this run: {', '.join(missing)}.", ""]
    return lines


def markdown(pages: dict) -> str:
    machine = pages["machine"]
    settings = pages["settings"]
    scales = pages["scales"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/report.py from build/bench/*.json); do not edit by hand.",
        "",
        f"Measured {pages['date']} on {machine['cpus']} CPUs, Python {machine['python']}, "
        f"PostgreSQL {machine['postgresql']}, {machine['wrk']}, {machine['platform']}.",
        "",
    ]
    loads = ", ".join(
        f"{s}×: {r.get('load_average_before')} → {r.get('load_average_after')}" for s, r in scales.items()
    )
    lines += [
        f"> The machine was shared: load average (1 min) before → after each scale's page runs: {loads}, on "
        f"{machine['cpus']} CPUs. Latency and throughput under load generators depend on that; the SQL query "
        "counts and the in-process CPU time per page much less.",
        "",
        "## Method",
        "",
        f"- The app runs under gunicorn ({settings['workers']} sync workers) with production settings "
        "(`bench/server.py`: DEBUG off, whitenoise's manifest static files, the Redis cache, PostgreSQL with "
        "persistent connections) on the same machine as the load generator.",
        f"- wrk: {settings['connections']} connections, {settings['threads']} threads, {settings['duration_s']} s per "
        f"page after a {settings['warmup_s']} s warm-up, with the session cookie of a user logged in through the "
        "login form and `X-Forwarded-Proto: https` (the server is behind a TLS proxy in production). p50/p95 are "
        "wrk's latency percentiles, req/s its completed requests per second.",
        "- The floor is a bare Django view (`/ping/`: the whole middleware stack, no database, no template).",
        "- Each page is measured twice: as deployed, with the page cache on (`core.pagecache`: a page is kept "
        "per session, public pages for all anonymous visitors, until anything in the database changes, at most "
        "60 s), so wrk's repeated views of one page by one session are served from Redis after the first; and "
        "rendered on every request (`PAGE_CACHE_SECONDS=0`), which is what the first view after a change costs.",
        "- SQL queries per page: Django's test client in-process against the same database (the second of two "
        "requests, so that other caches are warm as in production), `CaptureQueriesContext`, rendered / cached. "
        "CPU ms: the median CPU time of the Django process for 10 requests in-process (the database's own time "
        "not included), rendered / cached.",
        "- List pages show at most 50 rows a page (Django's Paginator; the links keep the filters).",
        "",
        f"Targets: p95 under {TARGET_P95_MS} ms at {settings['connections']} connections with "
        f"{settings['workers']} workers; throughput at least 1/{TARGET_FLOOR_SHARE} of the bare view's; SQL queries "
        "per page equal at 1× and 10×.",
        "",
    ]
    lines += generation_section(pages)
    all_checks: dict[str, dict] = {"pages": {}, "pages_rendered": {}}
    scale_keys = list(scales)
    for scale, result in scales.items():
        other = next((scales[s] for s in scale_keys if s != scale), None)
        lines += [f"## Pages at {scale}×", ""]
        for series, title in SERIES:
            if series not in result:
                continue
            text, checks = table(scale, result, other, settings["duration_s"], series=series)
            all_checks[series][scale] = checks
            lines += [f"### {title}", "", text, ""]
    lines += ["## Targets", ""]
    for series, title in SERIES:
        for name, index in (
            (f"p95 < {TARGET_P95_MS} ms", 0),
            (f"throughput ≥ 1/{TARGET_FLOOR_SHARE} of the bare view", 1),
        ):
            for scale, checks in all_checks[series].items():
                pages_only = {k: c for k, c in checks.items() if k != "ping"}  # the floor is not a target
                failed = [scales[scale][series][k]["label"] for k, c in pages_only.items() if c[index] is False]
                met = sum(1 for c in pages_only.values() if c[index])
                counted = sum(1 for c in pages_only.values() if c[index] is not None)
                lines.append(
                    f"- {title}: {name} at {scale}×: {met} of {counted} pages"
                    + (f"; missed by: {', '.join(failed)}" if failed else "")
                    + "."
                )
    if len(all_checks["pages"]) > 1:
        first = next(iter(all_checks["pages"].values()))
        grows = [scales[scale_keys[0]]["pages"][k]["label"] for k, c in first.items() if c[2] is False]
        lines.append(
            "- SQL queries equal at 1× and 10×, rendered and cached: "
            + ("every page ✓." if not grows else f"✗ differ on {', '.join(grows)}.")
        )
    lines.append("")
    lines += analysis(pages)
    lines += earlier_section()
    return "\n".join(lines).rstrip() + "\n"


def analysis(pages: dict) -> list[str]:
    settings = pages["settings"]
    connections, workers = settings["connections"], settings["workers"]
    return [
        "### Reading the figures",
        "",
        "As deployed, a page that the same session (or, for the public pages, any anonymous visitor) has seen "
        "at the same data version comes from the page cache: no SQL query and about 2 ms of CPU (the session "
        "from Redis, the data generation, the page). Any write to the database, by anyone, retires every kept "
        "page, so when data changes often (applications arriving, a lead deciding) most views are rendered, "
        "and cost what the second table of each scale shows. The targets are met for the first and missed for "
        "the second: the rendered pages still need to become several times cheaper.",
        "",
        f"With {connections} connections and {workers} sync workers a request waits for about "
        f"{connections // workers - 1} others in its worker's queue, so by Little's law p95 < {TARGET_P95_MS} ms "
        f"needs a throughput of about {connections * 1000 // TARGET_P95_MS} req/s, that is a page served in "
        f"≈ {TARGET_P95_MS * workers // connections} ms of a worker's time. The CPU column is the Django "
        "process's own time per page on an idle worker; pages whose CPU time is above that cannot meet the p95 "
        "target at this concurrency on 2 cores whatever the load on the machine, while the query counts stay flat "
        "from 1× to 10×.",
        "",
        *ceiling_lines(pages),
        *heaviest(pages),
    ]


def heaviest(pages: dict) -> list[str]:
    """The pages whose own CPU time is largest, with their size: where work on speed pays first."""
    rows = {}
    for result in pages["scales"].values():
        for key, page in result["pages"].items():
            if page.get("cpu_ms") and page["cpu_ms"] > 50:
                best = rows.get(key)
                if best is None or page["cpu_ms"] > best["cpu_ms"]:
                    rows[key] = page
    if not rows:
        return []
    items = ", ".join(
        f"{page['label']} ({page['cpu_ms']} ms, {page.get('bytes', 0) // 1000} kB of HTML)"
        for page in sorted(rows.values(), key=lambda p: -p["cpu_ms"])
    )
    return [
        f"Pages above 50 ms of CPU time: {items}. That time is the Django process's, mostly rendering the "
        "template (by profile, about 85 % of the workbench's).",
        "",
    ]


def ceiling_lines(pages: dict) -> list[str]:
    """Per page and scale: the throughput that its CPU time alone allows (2 workers, each on a core of its own,
    no database time, an idle machine) and the latency that follows at the benchmark's concurrency."""
    settings = pages["settings"]
    connections, workers = settings["connections"], settings["workers"]
    scales = pages["scales"]
    keys = list(next(iter(scales.values()))["pages"])
    lines = [
        "Upper bounds from the CPU time alone (idle machine, a core per worker, no database time): "
        f"throughput ≤ {workers} × 1000 / CPU ms, and then with {connections} connections a latency of about "
        f"{connections} / throughput.",
        "",
        "| Page | " + " | ".join(f"{s}×: CPU ms → ≤ req/s, ≈ latency ms" for s in scales) + " |",
        "| --- |" + " ---: |" * len(scales),
    ]
    for key in keys:
        cells = []
        for result in scales.values():
            page = result["pages"].get(key)
            cpu = page.get("cpu_ms") if page else None
            if not cpu:
                cells.append("–")
                continue
            rps = workers * 1000 / cpu
            cells.append(f"{cpu} → {rps:.0f}, {connections / rps * 1000:.0f}")
        label = next(r["pages"][key]["label"] for r in scales.values() if key in r["pages"])
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def main() -> None:
    pages = load("pages")
    if pages is None:
        sys.exit("build/bench/pages.json is missing: run bench/pages.py first")
    for scale, result in pages["scales"].items():
        print(plain_table(scale, result))
    text = markdown(pages)
    (BASE_DIR / "BENCHMARKS.md").write_text(text)
    print(f"written: {BASE_DIR / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main()
