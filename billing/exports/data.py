"""What every export reads: a batch's issued invoices with their lines, loaded with a constant number of
queries, and the bookkeeping rules the exports share (signs, accounts, labels)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from billing import money
from billing.models import Invoice, InvoiceBatch, InvoiceLine, OrganizerBilling
from networks.models import Organizer

# Output VAT accounts of the BAS chart by rate, used when the organiser has not set its own.
DEFAULT_VAT_ACCOUNTS = {"25": "2611", "12": "2621", "6": "2631"}
KIND_LABELS = {Invoice.Kind.INVOICE: "Faktura", Invoice.Kind.CREDIT_NOTE: "Kreditfaktura"}


@dataclass(frozen=True)
class BatchData:
    batch: InvoiceBatch
    organizer: Organizer
    accounts: OrganizerBilling
    invoices: list[Invoice]  # each with ``lines_list`` (ordered) and ``computed`` (money.Totals)


def load(batch: InvoiceBatch) -> BatchData:
    """The batch's issued invoices and credit notes in number order, each with its lines and VAT breakdown."""
    organizer = batch.organizer
    accounts = OrganizerBilling.objects.filter(organizer=organizer).first() or OrganizerBilling(organizer=organizer)
    invoices = list(
        Invoice.objects.filter(batch=batch)
        .exclude(status=Invoice.Status.DRAFT)
        .select_related("network", "credited_invoice")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("order", "pk"), to_attr="lines_list"))
        .order_by("sequence", "pk")
    )
    for invoice in invoices:
        invoice.computed = money.totals(invoice.lines_list)
    return BatchData(batch=batch, organizer=organizer, accounts=accounts, invoices=invoices)


def sign(invoice: Invoice) -> int:
    """-1 for a credit note: its amounts are stored positive; ledgers and spreadsheets show them negative."""
    return -1 if invoice.kind == Invoice.Kind.CREDIT_NOTE else 1


def signed(invoice: Invoice, value: Decimal) -> Decimal:
    """``value`` with the sign of the document (never "-0.00")."""
    result = sign(invoice) * Decimal(value)
    return result if result else abs(result)


def rate_key(rate: Decimal) -> str:
    """25.00 -> "25", 12.50 -> "12.5" (the keys of OrganizerBilling.vat_accounts)."""
    return f"{Decimal(rate).normalize():f}"


def vat_account(accounts: OrganizerBilling, rate: Decimal) -> str:
    key = rate_key(rate)
    configured = {rate_key(Decimal(str(k))): str(v) for k, v in (accounts.vat_accounts or {}).items()}
    account = configured.get(key) or DEFAULT_VAT_ACCOUNTS.get(key)
    if not account:
        raise ValidationError(
            _("No account for output VAT at %(rate)s %% is set in the organiser's billing settings."),
            code="no_vat_account",
            params={"rate": key},
        )
    return account


def check_account(account: str) -> str:
    """A bookkeeping account is digits (BAS: four); anything else would break the SIE file."""
    if not re.fullmatch(r"\d{3,6}", account or ""):
        raise ValidationError(
            _("The account %(account)s in the organiser's billing settings is not an account number."),
            code="bad_account",
            params={"account": account},
        )
    return account


def revenue_account(accounts: OrganizerBilling, line: InvoiceLine) -> str:
    """Meeting costs go to their own account; fees (and credit lines) to the fee account."""
    return accounts.meeting_revenue_account if line.meeting_id else accounts.revenue_account


def digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def orgnr_display(value: str) -> str:
    """2120000142 -> 212000-0142 (as Swedish ledgers write it); anything else as given."""
    number = digits(value)
    return f"{number[:6]}-{number[6:]}" if len(number) == 10 else (value or "")


def percent(rate: Decimal) -> Decimal:
    return Decimal(rate).quantize(Decimal("0.01"))
