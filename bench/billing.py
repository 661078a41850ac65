"""Benchmark of billing (not a test): a batch of 290 invoices, one per kommun.

In a throw-away database (an in-memory SQLite one unless DATABASE_URL is set, then a test database beside
it), with the shipped register of kommuner, one network with a flat fee of 15 000 kr in two installments and
all 290 kommuner as members:

    .venv/bin/python bench/billing.py

Prints the time to create the batch (what is due and the drafts), to approve it (290 numbers in one
transaction), each export's time (xlsx, csv, sie, peppol: all four together, target under 2 s), and the PDF
time per invoice (median of 20) beside a one-page reference document with the same stylesheets, fonts,
header and footer, both tagged PDF/UA by reports.pdf (target: within 1.5 × the reference), and which library
subsets the fonts (the ratio is only meaningful with HarfBuzz-Subset, as in the Docker image).
"""

import logging
import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.results import write_result  # noqa: E402

PDF_SAMPLE = 20
# Without HarfBuzz-Subset (libharfbuzz-subset0, in the Docker image) WeasyPrint warns on every PDF.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def cpu_timed(function, *args) -> float:
    """CPU seconds of one call: rendering a PDF is single-threaded work, and CPU time does not count what
    other processes on the machine take (wall time on a busy 2-core machine varies by ±30 %)."""
    start = time.process_time()
    function(*args)
    return time.process_time() - start


def font_subsetter() -> str:
    """Which library subsets the fonts: fontTools (without libharfbuzz-subset0) is slow and a fixed cost of every
    PDF, which flatters the ratio; the Docker image has HarfBuzz-Subset, where the ratio is what production sees."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is not None:
        return "HarfBuzz-Subset"
    return "fontTools (install libharfbuzz-subset0, as in production)"


def setup_world():
    from accounts.models import StaffRole, User
    from billing.models import FeeSchedule, Installment
    from municipalities.models import Municipality
    from networks.models import Membership, Network, Organizer

    call_command("load_reference_data", verbosity=0)
    organizer = Organizer.objects.create(
        name="Sveriges Kommuner och Regioner",
        short_name="SKR",
        slug="skr",
        organisation_number="2220000315",
        vat_number="SE222000031501",
        street_address="Hornsgatan 20",
        postal_code="118 82",
        city="Stockholm",
        bankgiro="5050-1055",
        f_skatt=True,
        invoice_number_prefix="SKR",
    )
    finance = User.objects.create_user(email="ekonomi@example.se", password=None, name="Ekonomi")
    StaffRole.objects.create(user=finance, organizer=organizer, role=StaffRole.Role.FINANCE)
    network = Network.objects.create(
        title="Effektivare kommun", slug="effektivare-kommun", organizer=organizer, status="running", capacity=290
    )
    schedule = FeeSchedule.objects.create(network=network, kind=FeeSchedule.Kind.FLAT, flat_amount=Decimal("15000"))
    Installment.objects.create(schedule=schedule, order=1, share=Decimal("50"), invoice_on=date(2021, 10, 15))
    Installment.objects.create(schedule=schedule, order=2, share=Decimal("50"), invoice_on=date(2022, 3, 15))
    kommuner = [m for m in Municipality.objects.filter(kind="kommun").order_by("code") if m.organisation_number]
    Membership.objects.bulk_create(
        Membership(
            network=network,
            municipality=m,
            started_on=date(2021, 9, 1),
            invoice_orgnr=m.organisation_number,
            invoice_address=f"{m.name} kommun\nBox 1\n123 45 {m.name}",
            invoice_email=f"faktura@{m.code}.example.se",
            buyer_reference=f"{1000 + int(m.code)}",
            peppol_id=f"0007:{m.organisation_number.replace('-', '')}",
        )
        for m in kommuner
    )
    return organizer, finance, network


def main() -> None:
    from billing import batches, exports, pdf
    from billing.models import Invoice

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        organizer, finance, network = setup_world()
        members = network.memberships.count()
        batch, created = timed(
            batches.batch_create, organizer=organizer, actor=finance, due_on=date(2022, 3, 31), network=network
        )
        count = batch.invoices.count()
        batch, approved = timed(batches.batch_approve, batch, finance)
        print(f"{members} members, {count} invoices in the batch")
        print(f"  create the batch (what is due + drafts): {created:.2f} s")
        print(f"  approve (numbers in one transaction):     {approved:.2f} s")
        total = 0.0
        export_seconds = {}
        for fmt in ("xlsx", "csv", "sie", "peppol"):
            (_name, content), seconds = timed(exports.render, batch, fmt)
            export_seconds[fmt] = round(seconds, 3)
            total += seconds
            print(f"  export {fmt:<7} {seconds:6.2f} s  {len(content):>9} bytes")
        print(f"  the four non-PDF exports together: {total:.2f} s (target < 2 s)")
        invoices = list(Invoice.objects.filter(batch=batch).order_by("sequence")[:PDF_SAMPLE])
        pdf.invoice_pdf(invoices[0])  # fonts and stylesheet loaded once, as in a worker
        pdf.reference_pdf()
        # Interleaved (an invoice, then the reference page), so that both see the machine in the same state.
        pairs = [(cpu_timed(pdf.invoice_pdf, invoice), cpu_timed(pdf.reference_pdf)) for invoice in invoices * 3]
        per_invoice = statistics.median(invoice for invoice, _reference in pairs)
        reference = statistics.median(reference for _invoice, reference in pairs)
        print(f"  PDF per invoice (median of {len(invoices)} × 3, CPU time): {per_invoice:.3f} s")
        print(f"  reference page, same stylesheet and fonts: {reference:.3f} s")
        print(f"  ratio {per_invoice / reference:.2f} (target ≤ 1.5)")
        print(f"  font subsetting: {font_subsetter()}")
        write_result(
            "billing",
            {
                "members": members,
                "invoices": count,
                "create_s": round(created, 2),
                "approve_s": round(approved, 2),
                "exports_s": export_seconds,
                "exports_total_s": round(total, 2),
                "pdf_per_invoice_s": round(per_invoice, 3),
                "pdf_reference_s": round(reference, 3),
                "pdf_ratio": round(per_invoice / reference, 2),
                "font_subsetting": str(font_subsetter()),
            },
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
