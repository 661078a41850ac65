"""Issuing invoices with gapless numbers, credit notes, and what is left to pay.

Numbers
- Each organiser has one series (``OrganizerBilling.next_number``), shared by its invoices and credit notes.
  A number is assigned only inside the transaction that issues the invoice, with the organiser's series row
  locked (``SELECT … FOR UPDATE``), so concurrent issuers wait for each other: the sequences are consecutive,
  unique and never reused (an issued invoice is never deleted, see ``billing.signals``). Issuing several invoices
  is all or nothing: one refused invoice and none is numbered.
- The invoice number is the organiser's ``invoice_number_prefix``, a hyphen (unless the prefix ends with one)
  and the sequence zero-padded to six digits: prefix "SKR" → "SKR-000123", "SKR-2026-" → "SKR-2026-000123",
  no prefix → "000123".
- The OCR reference is the sequence zero-padded to six digits, a length digit and a Luhn check digit
  (``billing.money.ocr_reference``): sequence 123 → "00012385" (eight digits up to sequence 999 999, then longer,
  the length digit telling). It is unique within the organiser's series and therefore within its bankgiro, where
  payments are matched. A credit note has no OCR reference: nothing is paid to it.

Issuing
- The seller's data is copied from the organiser when the invoice is issued (its legal data at that date); the
  buyer's data is the draft's (copied from the membership when the draft was made, possibly corrected since).
- Invoice date: today in Stockholm unless given; due date: the invoice date plus the network's
  ``FeeSchedule.payment_terms_days`` (30 days without a fee schedule).
- Line amounts and totals are recomputed from the lines (``billing.money``: rounded once per line, VAT once per
  VAT group).

Credit notes
- A credit note (kind ``credit_note``) references the invoice it corrects and carries POSITIVE quantities and
  amounts, as an EN 16931 CreditNote document does; exports that need a sign (SIE, a ledger) negate credit
  notes' amounts themselves.
- It credits the whole invoice (what is left of it) or parts: a quantity of a line (at the line's unit price) or
  an amount of a line. What is left to credit is counted per kind of line – description, VAT category and rate,
  identical lines pooled – against the credit notes issued before; crediting more is refused. An invoice with
  nothing left to credit gets the status "credited".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr as se_orgnr

from accounts import roles
from billing import money
from billing import signals as _signals  # noqa: F401  (connects the guard of issued invoices)
from billing.models import FeeSchedule, Invoice, InvoiceLine, OrganizerBilling, Payment
from core.audit import acting_as
from networks.models import Organizer

DEFAULT_PAYMENT_TERMS_DAYS = 30
SEQUENCE_DIGITS = 6
ZERO = Decimal("0")
# Once issued, an invoice can be credited while it is in one of these.
CREDITABLE = frozenset({Invoice.Status.ISSUED, Invoice.Status.SENT, Invoice.Status.PAID})
REASON_MAX_LENGTH = Invoice._meta.get_field("credit_reason").max_length


def invoice_number(organizer: Organizer, sequence: int) -> str:
    prefix = organizer.invoice_number_prefix or ""
    if prefix and not prefix.endswith("-"):
        prefix += "-"
    return f"{prefix}{sequence:0{SEQUENCE_DIGITS}d}"


def ocr_for(sequence: int) -> str:
    return money.ocr_reference(f"{sequence:0{SEQUENCE_DIGITS}d}")


def seller_snapshot(organizer: Organizer) -> dict:
    """The seller's fields of an invoice, from ``organizer``."""
    return {
        "seller_name": organizer.name,
        "seller_orgnr": organizer.organisation_number,
        "seller_vat_number": organizer.vat_number,
        "seller_street": organizer.street_address,
        "seller_postal_code": organizer.postal_code,
        "seller_city": organizer.city,
        "seller_email": organizer.email,
        "seller_phone": organizer.phone,
        "seller_bankgiro": organizer.bankgiro,
        "seller_f_skatt": organizer.f_skatt,
    }


def _valid_orgnr(value: str) -> str | None:
    """The ten digits of a valid Swedish organisation number, or None."""
    try:
        return se_orgnr.validate(value or "")
    except StdnumValidationError:
        return None


def _name(invoice: Invoice) -> str:
    return f"{invoice.buyer_name or invoice.pk} ({invoice.number or _('draft %(id)s') % {'id': invoice.pk}})"


def _problems(invoice: Invoice, lines: list[InvoiceLine], organizer: Organizer) -> list[str]:
    """Why ``invoice`` cannot be issued (empty when it can)."""
    found = []
    if invoice.status != Invoice.Status.DRAFT:
        found.append(_("it is not a draft"))
    if not lines:
        found.append(_("it has no lines"))
    elif invoice.kind == Invoice.Kind.INVOICE and money.totals(lines).incl_vat <= ZERO:
        found.append(_("its total is not above zero"))
    if _valid_orgnr(invoice.buyer_orgnr) is None:
        found.append(_("the buyer's organisation number is missing or invalid"))
    if _valid_orgnr(organizer.organisation_number) is None:
        found.append(_("the organiser's organisation number is missing or invalid"))
    if not organizer.bankgiro:
        found.append(_("the organiser has no bankgiro number"))
    return found


def _payment_terms(network_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        FeeSchedule.objects.filter(network_id__in=set(network_ids)).values_list("network_id", "payment_terms_days")
    )


def _lock_series(organizer_id: int) -> OrganizerBilling:
    OrganizerBilling.objects.get_or_create(organizer_id=organizer_id)
    return OrganizerBilling.objects.select_for_update().get(organizer_id=organizer_id)


def _number_and_save(invoice: Invoice, lines: list[InvoiceLine], series: OrganizerBilling, *, actor, issue_date):
    """Give ``invoice`` the next number of the locked ``series`` and issue it (inside the caller's transaction)."""
    organizer = invoice.organizer
    for line in lines:
        amount = money.line_amount(line.quantity, line.unit_price)
        if line.amount != amount:
            line.amount = amount
            line.save(update_fields=["amount"])
    totals = money.totals(lines)
    sequence = series.next_number
    series.next_number = sequence + 1
    series.save(update_fields=["next_number"])
    for name, value in seller_snapshot(organizer).items():
        setattr(invoice, name, value)
    invoice.buyer_orgnr = _valid_orgnr(invoice.buyer_orgnr)
    invoice.sequence = sequence
    invoice.number = invoice_number(organizer, sequence)
    invoice.issue_date = issue_date
    invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat = totals.excl_vat, totals.vat, totals.incl_vat
    invoice.status = Invoice.Status.ISSUED
    invoice.issued_at = timezone.now()
    invoice.issued_by = actor
    if invoice.kind == Invoice.Kind.INVOICE:
        invoice.ocr = ocr_for(sequence)
    invoice.save()


def _check_actor(actor, organizer_ids: Iterable[int]) -> None:
    if actor is None or not all(roles.is_finance(actor, organizer_id) for organizer_id in set(organizer_ids)):
        raise PermissionDenied


def issue_invoices(invoices: Iterable[Invoice], *, actor, issue_date: date | None = None) -> list[Invoice]:
    """Issue the draft ``invoices`` in one transaction, numbered in the given order; all or nothing.

    Raises ValidationError naming every refused invoice (and numbers none), PermissionDenied unless ``actor``
    is finance staff (or an administrator) of every invoice's organiser.
    """
    ids = list(dict.fromkeys(invoice.pk for invoice in invoices))
    if not ids:
        return []
    issue_date = issue_date or timezone.localdate()
    with transaction.atomic(), acting_as(actor):
        locked = {
            invoice.pk: invoice
            for invoice in Invoice.objects.select_for_update(of=("self",))
            .select_related("organizer", "network")
            .filter(pk__in=ids)
        }
        ordered = [locked[pk] for pk in ids if pk in locked]
        _check_actor(actor, {invoice.organizer_id for invoice in ordered})
        lines: dict[int, list[InvoiceLine]] = {pk: [] for pk in locked}
        for line in InvoiceLine.objects.filter(invoice_id__in=locked).order_by("invoice", "order", "pk"):
            lines[line.invoice_id].append(line)
        refused = [
            f"{_name(invoice)}: {', '.join(problems)}"
            for invoice in ordered
            if (problems := _problems(invoice, lines[invoice.pk], invoice.organizer))
        ]
        if len(ordered) < len(ids):
            refused.append(_("%(n)s of the invoices no longer exist") % {"n": len(ids) - len(ordered)})
        if refused:
            raise ValidationError(
                [_("Nothing was issued. Cannot issue %(invoice)s.") % {"invoice": text} for text in refused],
                code="cannot_issue",
            )
        terms = _payment_terms(invoice.network_id for invoice in ordered)
        # The series rows are locked in one order (by organiser), so that two issuers never deadlock.
        organizer_ids = sorted({invoice.organizer_id for invoice in ordered})
        series = {organizer_id: _lock_series(organizer_id) for organizer_id in organizer_ids}
        for invoice in ordered:
            invoice.due_date = issue_date + timedelta(days=terms.get(invoice.network_id, DEFAULT_PAYMENT_TERMS_DAYS))
            _number_and_save(
                invoice, lines[invoice.pk], series[invoice.organizer_id], actor=actor, issue_date=issue_date
            )
    return ordered


def issue_invoice(invoice: Invoice, *, actor, issue_date: date | None = None) -> Invoice:
    return issue_invoices([invoice], actor=actor, issue_date=issue_date)[0]


# --- Credit notes -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditLine:
    """Credit ``quantity`` of the invoice line ``line_id`` (at its unit price), or an ``amount`` of it (excl. VAT)."""

    line_id: int
    quantity: Decimal | None = None
    amount: Decimal | None = None


def _key(line) -> tuple:
    """Lines of one kind: a credit note's line has its invoice line's description and VAT."""
    return (line.description, line.vat_category, Decimal(line.vat_rate), line.vat_exemption_reason)


def credited_lines(invoice: Invoice) -> list[InvoiceLine]:
    """The lines of the credit notes issued for ``invoice``."""
    return list(
        InvoiceLine.objects.filter(invoice__credited_invoice=invoice, invoice__kind=Invoice.Kind.CREDIT_NOTE)
        .exclude(invoice__status=Invoice.Status.DRAFT)
        .order_by("pk")
    )


def left_to_credit(invoice: Invoice, lines: Sequence[InvoiceLine] | None = None) -> dict[tuple, Decimal]:
    """Per kind of line (see ``_key``), the amount excl. VAT not yet credited."""
    left: dict[tuple, Decimal] = {}
    for line in lines if lines is not None else invoice.lines.all():
        left[_key(line)] = left.get(_key(line), ZERO) + line.amount
    for line in credited_lines(invoice):
        left[_key(line)] = left.get(_key(line), ZERO) - line.amount
    return left


def line_left_to_credit(invoice: Invoice) -> list[tuple[InvoiceLine, Decimal]]:
    """Each line of ``invoice`` with what is left to credit of it (identical lines share what is left)."""
    lines = list(invoice.lines.all())
    left = left_to_credit(invoice, lines)
    result = []
    for line in lines:
        share = max(min(line.amount, left[_key(line)]), ZERO)
        left[_key(line)] -= share
        result.append((line, share))
    return result


def _credit_line(source: InvoiceLine, order: int, *, quantity: Decimal, unit_price: Decimal) -> InvoiceLine:
    return InvoiceLine(
        order=order,
        description=source.description,
        quantity=quantity,
        unit=source.unit,
        unit_price=unit_price,
        vat_rate=source.vat_rate,
        vat_category=source.vat_category,
        vat_exemption_reason=source.vat_exemption_reason,
        amount=money.line_amount(quantity, unit_price),
    )


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="invalid")
    return number


def _requested_lines(lines: Sequence[InvoiceLine], requests: Sequence[CreditLine]) -> list[InvoiceLine]:
    by_id = {line.pk: line for line in lines}
    wanted = []
    for order, request in enumerate(requests, start=1):
        source = by_id.get(request.line_id)
        if source is None:
            raise ValidationError(_("The line to credit is not on the invoice."), code="unknown_line")
        quantity, amount = _decimal(request.quantity), _decimal(request.amount)
        if (quantity is None) == (amount is None):
            raise ValidationError(
                _("Give either a quantity or an amount to credit for “%(line)s”.") % {"line": source.description},
                code="quantity_or_amount",
            )
        if (quantity if quantity is not None else amount) <= ZERO:
            raise ValidationError(
                _("What is credited of “%(line)s” must be more than zero.") % {"line": source.description},
                code="not_positive",
            )
        if quantity is not None:
            if quantity != quantity.quantize(Decimal("0.01")) or quantity > source.quantity:
                raise ValidationError(
                    _("At most %(max)s of “%(line)s” can be credited, with at most two decimals.")
                    % {"max": source.quantity.normalize(), "line": source.description},
                    code="too_much",
                )
            wanted.append(_credit_line(source, order, quantity=quantity, unit_price=source.unit_price))
        else:
            if amount != money.round_ore(amount):
                raise ValidationError(_("An amount has at most two decimals (öre)."), code="invalid")
            wanted.append(_credit_line(source, order, quantity=Decimal("1"), unit_price=amount))
    return wanted


def _remaining_lines(lines: Sequence[InvoiceLine], left: dict[tuple, Decimal]) -> list[InvoiceLine]:
    """Credit lines for all that is left: the invoice's own lines where nothing of their kind was credited yet,
    else one line of the amount left."""
    full = {key for key in left if left[key] == sum((line.amount for line in lines if _key(line) == key), ZERO)}
    wanted, done = [], set()
    for line in lines:
        key = _key(line)
        if key in full:
            wanted.append(_credit_line(line, len(wanted) + 1, quantity=line.quantity, unit_price=line.unit_price))
        elif key not in done and left[key] > ZERO:
            wanted.append(_credit_line(line, len(wanted) + 1, quantity=Decimal("1"), unit_price=left[key]))
        done.add(key)
    return wanted


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the credit note."), code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason may be at most %(max)s characters long.") % {"max": REASON_MAX_LENGTH}, code="too_long"
        )
    return reason


def credit_invoice(
    invoice: Invoice, *, actor, reason: str, lines: Sequence[CreditLine] | None = None, issue_date: date | None = None
) -> Invoice:
    """Issue a credit note for ``invoice``: everything left to credit (``lines`` None) or the given parts.

    The credit note gets the next number of the organiser's series at once. Raises ValidationError when there is
    no reason, the invoice cannot be credited, or more would be credited than is left; PermissionDenied unless
    ``actor`` is finance staff of the invoice's organiser.
    """
    reason = _check_reason(reason)
    issue_date = issue_date or timezone.localdate()
    with transaction.atomic(), acting_as(actor):
        original = Invoice.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=invoice.pk)
        _check_actor(actor, [original.organizer_id])
        if original.kind != Invoice.Kind.INVOICE or original.status not in CREDITABLE:
            raise ValidationError(_("Only an issued invoice that is not fully credited can be credited."), code="state")
        invoice_lines = list(original.lines.all())
        left = left_to_credit(original, invoice_lines)
        wanted = _remaining_lines(invoice_lines, left) if lines is None else _requested_lines(invoice_lines, lines)
        if not wanted:
            raise ValidationError(_("Nothing is left to credit on this invoice."), code="nothing_left")
        asked: dict[tuple, Decimal] = {}
        for line in wanted:
            asked[_key(line)] = asked.get(_key(line), ZERO) + line.amount
        for key, amount in asked.items():
            if amount > left.get(key, ZERO):
                raise ValidationError(
                    _("More than is left would be credited of “%(line)s”: %(left)s is left.")
                    % {"line": key[0], "left": money.sek(max(left.get(key, ZERO), ZERO))},
                    code="too_much",
                )
        note = Invoice.objects.create(
            organizer=original.organizer,
            network_id=original.network_id,
            membership_id=original.membership_id,
            kind=Invoice.Kind.CREDIT_NOTE,
            status=Invoice.Status.DRAFT,
            credited_invoice=original,
            credit_reason=reason,
            currency=original.currency,
            **{
                f.name: getattr(original, f.name)
                for f in Invoice._meta.concrete_fields
                if f.name.startswith(("seller_", "buyer_")) or f.name in ("population", "population_year")
            },
        )
        for line in wanted:
            line.invoice = note
        InvoiceLine.objects.bulk_create(wanted)
        series = _lock_series(original.organizer_id)
        _number_and_save(note, wanted, series, actor=actor, issue_date=issue_date)
        if all(left[key] - asked.get(key, ZERO) <= ZERO for key in left):
            original.status = Invoice.Status.CREDITED
            original.save(update_fields=["status"])
    return note


# --- Balance --------------------------------------------------------------------------------------------------

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_balances(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """``queryset`` with ``credited_total`` (issued credit notes, incl. VAT) and ``paid_total`` annotated."""
    credited = (
        Invoice.objects.filter(credited_invoice=OuterRef("pk"), kind=Invoice.Kind.CREDIT_NOTE)
        .exclude(status=Invoice.Status.DRAFT)
        .order_by()
        .values("credited_invoice")
        .annotate(total=Sum("total_incl_vat"))
        .values("total")
    )
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice").annotate(total=Sum("amount"))
    ).values("total")
    return queryset.annotate(
        credited_total=Coalesce(Subquery(credited, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
        paid_total=Coalesce(Subquery(paid, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
    )


def invoice_balance(invoice: Invoice) -> Decimal:
    """What is left to pay: the total incl. VAT less the issued credit notes and the payments (0 for a draft or
    a credit note). Uses ``with_balances``' annotations when present."""
    if invoice.kind != Invoice.Kind.INVOICE or invoice.status == Invoice.Status.DRAFT:
        return ZERO
    credited = getattr(invoice, "credited_total", None)
    if credited is None:
        credited = (
            invoice.credit_notes.exclude(status=Invoice.Status.DRAFT).aggregate(total=Sum("total_incl_vat"))["total"]
            or ZERO
        )
    paid = getattr(invoice, "paid_total", None)
    if paid is None:
        paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    return invoice.total_incl_vat - credited - paid
