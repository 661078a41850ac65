"""Benchmark of the documents (not a test): render time per document on the demo data.

In a throw-away database (an in-memory SQLite one unless DATABASE_URL is set, then a test database beside
it), seeded with the demo (seed_demo):

    .venv/bin/python bench/reports.py

Prints, per kind of document, the median render time (CPU seconds) over the demo's documents of that kind (up to
SAMPLE each), beside a one-page reference document with the same stylesheet and fonts (reports.pdf's, and
billing's for the invoice): targets are the invoice within 1.5 × its reference page and the final report
of the 10-member network under 5 s.
"""

import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SAMPLE = 5
REPEAT = 3
RUNNING_NETWORK = "en-effektivare-administration"  # the running cohort of seed 001: 10 members
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def timed(function) -> float:
    """CPU seconds of one call (rendering is single-threaded; CPU time leaves out other processes' load)."""
    start = time.process_time()
    function()
    return time.process_time() - start


def median_time(function, repeat: int = REPEAT) -> float:
    return statistics.median(timed(function) for _ in range(repeat))


def main() -> None:
    from billing import pdf as invoice_pdfs
    from networks.models import Network
    from portal.document_catalogue import all_documents
    from reports import pdf
    from reports.final_report import final_report_pdf

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        call_command("load_reference_data", verbosity=0)
        seconds = timed(lambda: call_command("seed_demo", stdout=open(os.devnull, "w")))  # noqa: SIM115
        print(f"demo seeded in {seconds:.1f} s")
        pdf.reference_pdf()  # fonts and stylesheets loaded once, as in a worker
        invoice_pdfs.reference_pdf()
        reference = median_time(pdf.reference_pdf, 5)
        invoice_reference = median_time(invoice_pdfs.reference_pdf, 5)
        by_kind: dict[str, list] = defaultdict(list)
        for document in all_documents():
            if len(by_kind[document.kind]) < SAMPLE:
                by_kind[document.kind].append(document)
        print(f"reference page (print.css): {reference:.3f} s; invoice reference page: {invoice_reference:.3f} s")
        print(f"{'document':<18} {'n':>3} {'median s':>9} {'max s':>7} {'× reference':>12}")
        medians: dict[str, float] = {}
        for kind, documents in sorted(by_kind.items()):
            times = [median_time(document.render, 1 if kind == "final_report" else REPEAT) for document in documents]
            base = invoice_reference if kind == "invoice" else reference
            medians[kind] = statistics.median(times)
            print(f"{kind:<18} {len(times):>3} {medians[kind]:>9.3f} {max(times):>7.3f} {medians[kind] / base:>12.2f}")
        network = Network.objects.get(slug=RUNNING_NETWORK)
        members = network.memberships.filter(left_on=None).count()
        report = median_time(lambda: final_report_pdf(network), 3)
        print(f"final report of {network.slug} ({members} members): {report:.2f} s (target < 5 s)")
        if "invoice" in medians:
            print(f"invoice / its reference page: {medians['invoice'] / invoice_reference:.2f} (target ≤ 1.5)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
