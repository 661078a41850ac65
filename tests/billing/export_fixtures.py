"""Issued invoices in an approved batch, made directly with the shared factories, for the export tests.

Import the fixtures you use into a test module (``from tests.billing.export_fixtures import export_storage``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import FileSystemStorage
from django.db.models import Max

from billing.models import BatchExport, Invoice, InvoiceBatch, OrganizerBilling
from billing.money import ocr_reference
from tests.factories import (
    BillingOrganizerFactory,
    InvoiceFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    UserFactory,
    municipality,
)

ISSUED_ON = date(2026, 1, 15)
EXEMPT_REASON = "Undantagen från skatteplikt enligt 10 kap. mervärdesskattelagen"

FEE_25 = {"description": "Deltagaravgift nätverket Effektivare kommun, delbetalning 1 av 2"}
FEE_EXEMPT = {
    "description": "Deltagaravgift, momsfri utbildningsdel",
    "unit_price": Decimal("10000.00"),
    "vat_rate": Decimal("0"),
    "vat_category": "E",
    "vat_exemption_reason": EXEMPT_REASON,
}


@pytest.fixture
def export_storage(tmp_path, monkeypatch):
    """Stored exports go to a temporary directory, not the checkout's private_media/."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(BatchExport._meta.get_field("file"), "storage", storage)
    return storage


def billing_organizer(**kwargs):
    return BillingOrganizerFactory(
        name=kwargs.pop("name", "Sveriges Kommuner och Regioner"), short_name="SKR", **kwargs
    )


def approved_batch(organizer=None, status=InvoiceBatch.Status.APPROVED, **kwargs) -> InvoiceBatch:
    organizer = organizer or billing_organizer()
    return InvoiceBatch.objects.create(
        organizer=organizer,
        title=kwargs.pop("title", "Vårens avgifter"),
        status=status,
        due_on=kwargs.pop("due_on", ISSUED_ON + timedelta(days=30)),
        created_by=kwargs.pop("created_by", None) or UserFactory(),
        **kwargs,
    )


def _next_sequence(organizer) -> int:
    return (Invoice.objects.filter(organizer=organizer).aggregate(last=Max("sequence"))["last"] or 0) + 1


def issued_invoice(batch: InvoiceBatch, lines=None, membership=None, **kwargs) -> Invoice:
    """An issued invoice (number, dates, OCR) of ``batch``; ``lines`` as for InvoiceFactory (dicts)."""
    organizer = batch.organizer
    if membership is None:
        membership = MembershipFactory(network=NetworkFactory(organizer=organizer))
    sequence = _next_sequence(organizer)
    status = kwargs.pop("status", Invoice.Status.ISSUED)
    fields = {
        "membership": membership,
        "batch": batch,
        "sequence": sequence,
        "number": f"{organizer.invoice_number_prefix}{ISSUED_ON.year}-{sequence:04d}",
        "issue_date": ISSUED_ON,
        "due_date": ISSUED_ON + timedelta(days=30),
        "ocr": ocr_reference(f"{organizer.pk:03d}{sequence:06d}"),
    }
    fields.update(kwargs)
    # Made as a draft with its lines and totals, then issued: an issued invoice's lines are fixed.
    invoice = InvoiceFactory(lines=lines, **fields)
    invoice.status = status
    invoice.save(update_fields=["status"])
    return invoice


def credit_note(invoice: Invoice, batch: InvoiceBatch | None = None, lines=None, **kwargs) -> Invoice:
    """A credit note of all of ``invoice`` (or of ``lines``), issued in ``batch`` (the invoice's by default)."""
    if lines is None:
        lines = [
            {
                field: getattr(line, field)
                for field in ("description", "quantity", "unit", "unit_price", "vat_rate", "vat_category")
            }
            | {"vat_exemption_reason": line.vat_exemption_reason}
            for line in invoice.lines.all()
        ]
    invoice.status = Invoice.Status.CREDITED
    invoice.save(update_fields=["status"])
    fields = {
        "kind": Invoice.Kind.CREDIT_NOTE,
        "credited_invoice": invoice,
        "credit_reason": "Kommunen lämnade nätverket före start.",
        "buyer_name": invoice.buyer_name,
        "buyer_reference": invoice.buyer_reference,
        "ocr": "",
    }
    fields.update(kwargs)
    return issued_invoice(batch or invoice.batch, lines=lines, membership=invoice.membership, **fields)


def member(batch: InvoiceBatch, code: str = "0114"):
    """A membership of ``code`` in a new network of the batch's organiser."""
    return MembershipFactory(network=NetworkFactory(organizer=batch.organizer), municipality=municipality(code))


def meeting_line(network, **kwargs) -> dict:
    """A line of a meeting's costs in ``network`` (it goes to the meeting revenue account)."""
    return {
        "description": "Lunch och lokal, nätverksträff 12 mars",
        "quantity": Decimal("2"),
        "unit_price": Decimal("450.00"),
        "meeting": MeetingFactory(network=network),
    } | kwargs


def organizer_accounts(organizer, **kwargs) -> OrganizerBilling:
    return OrganizerBilling.objects.update_or_create(organizer=organizer, defaults=kwargs)[0]
