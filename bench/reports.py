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

from bench.results import write_result  # noqa: E402

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
        by_kind: dict[str, list] = defaultdict(list)
        for document in all_documents():
            if len(by_kind[document.kind]) < SAMPLE:
                by_kind[document.kind].append(document)
        print(f"{'document':<18} {'n':>3} {'median s':>9} {'max s':>7} {'reference s':>12} {'× reference':>12}")
        ratios: dict[str, float] = {}
        documents_out = []
        for kind, documents in sorted(by_kind.items()):
            # Each render is followed by its reference page (the invoice's own for an invoice), so that both
            # see the machine in the same state; the ratio is of the medians.
            reference_pdf = invoice_pdfs.reference_pdf if kind == "invoice" else pdf.reference_pdf
            repeat = 1 if kind == "final_report" else REPEAT
            pairs = [(timed(document.render), timed(reference_pdf)) for document in documents for _ in range(repeat)]
            median = statistics.median(time for time, _reference in pairs)
            reference = statistics.median(reference for _time, reference in pairs)
            ratios[kind] = median / reference
            longest = max(time for time, _reference in pairs)
            figures = f"{median:>9.3f} {longest:>7.3f} {reference:>12.3f} {ratios[kind]:>12.2f}"
            print(f"{kind:<18} {len(documents):>3} {figures}")
            documents_out.append(
                {
                    "kind": kind,
                    "n": len(documents),
                    "median_s": round(median, 3),
                    "max_s": round(longest, 3),
                    "reference_s": round(reference, 3),
                    "ratio": round(ratios[kind], 2),
                }
            )
        network = Network.objects.get(slug=RUNNING_NETWORK)
        members = network.memberships.filter(left_on=None).count()
        report = median_time(lambda: final_report_pdf(network), 3)
        print(f"final report of {network.slug} ({members} members): {report:.2f} s (target < 5 s)")
        if "invoice" in ratios:
            print(f"invoice / its reference page: {ratios['invoice']:.2f} (target ≤ 1.5)")
        write_result(
            "reports",
            {
                "seed_demo_s": round(seconds, 1),
                "documents": documents_out,
                "final_report": {"network": network.slug, "members": members, "seconds": round(report, 2)},
            },
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
