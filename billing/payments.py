"""Payments of invoices: registered by hand or imported from Bankgirot's BgMax file, the lists finance
follows up (partly paid, overdue, unmatched) and the overdue reminders.

BgMax ("Bankgiro Inbetalningar", Bankgirot's file of incoming payments) is read after Bankgirot's technical
manual "Bankgiro Inbetalningar – BgMax" (bankgirot.se). The record positions (1-based, inclusive) used
here were checked against an open-source reader of the format, Fribok's
``se/swedsoft/bookkeeping/importexport/bgmax/data/BgMaxFile.java`` (github.com/solidfox/fribok):

- every record is 80 characters, ISO 8859-1; positions 1–2 are the transaction code (TK);
- TK01 start: 3–22 layout name "BGMAX", 23–24 version, 25–44 time stamp, 45 test mark (T/P);
- TK05 opening of a deposit: 3–12 the payee's bankgiro, 13–22 plusgiro, 23–25 currency;
- TK20 payment / TK21 deduction: 3–12 the sender's bankgiro, 13–37 reference (the OCR number),
  38–55 amount in öre (18 digits), 56 reference code (2 = a correct OCR number), 57 payment channel,
  58–69 Bankgirot's serial number (BGC löpnummer), 70 image mark;
- TK22/23 extra reference (positive/negative): as TK20;
- TK25 information: 3–52 text; TK26 name: 3–37 the payer's name, 38–72 extra name;
- TK27 address 1: 3–37 address, 38–46 postal code; TK28 address 2: 3–37 city, 38–72 country, 73–74 code;
- TK29 organisation number: 3–14;
- TK15 deposit (ends the deposit): 3–37 bank account, 38–45 payment date (YYYYMMDD), 46–50 deposit number,
  51–68 amount in öre, 69–71 currency, 72–79 number of payments, 80 deposit type;
- TK70 end: 3–10 number of payments, 11–18 deductions, 19–26 extra references, 27–34 deposits.

A payment is matched on its OCR reference with an invoice of the organiser; payments whose reference
matches no invoice are kept unmatched (invoice NULL) for finance to assign. Bankgirot's serial number of a
payment is stored as its ``bank_reference``: a payment seen before (in another file, or twice in one) is
counted as a duplicate and skipped, and the very same file (same SHA-256) is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from billing.batches import FINANCE_ROLES, require_finance
from billing.models import BgMaxImport, Invoice, OrganizerBilling, Payment
from core.audit import acting_as
from core.mail import send_email_once
from networks.models import Organizer

MAX_AMOUNT = Decimal("9999999999.99")  # what a Payment.amount holds (12 digits, 2 decimals)
OPEN_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.SENT)
MATCHABLE_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.SENT, Invoice.Status.PAID, Invoice.Status.CREDITED)
DEFAULT_REMINDER_DAYS = (10, 30)
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


# --- Balances ---------------------------------------------------------------------------------


def with_balance(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """``queryset`` with ``paid_total`` and ``credited_total`` (billing.invoicing.with_balances) and ``balance``
    (total incl. VAT − credited − paid, as billing.invoicing.invoice_balance computes it), in subqueries."""
    from billing.invoicing import with_balances

    return with_balances(queryset).annotate(
        balance=ExpressionWrapper(F("total_incl_vat") - F("credited_total") - F("paid_total"), output_field=MONEY_FIELD)
    )


def balance_of(invoice: Invoice) -> Decimal:
    return with_balance(Invoice.objects.filter(pk=invoice.pk)).values_list("balance", flat=True).get()


def _settle(invoice_ids) -> int:
    """Mark the open invoices among ``invoice_ids`` that are fully paid as paid (on the last payment's day)."""
    settled = 0
    candidates = with_balance(Invoice.objects.filter(pk__in=list(invoice_ids), status__in=OPEN_STATUSES))
    for invoice in candidates.filter(balance__lte=0):
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = invoice.payments.order_by("-paid_on").values_list("paid_on", flat=True).first()
        invoice.save(update_fields=["status", "paid_at"])
        settled += 1
    return settled


# --- By hand ----------------------------------------------------------------------------------


def _check_amount(amount) -> Decimal:
    try:
        amount = Decimal(amount)
    except (TypeError, ArithmeticError, ValueError) as error:
        raise ValidationError({"amount": _("Enter the amount as a number.")}) from error
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("The amount is too large.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("The amount can have at most two decimals (öre).")})
    return amount


def register_payment(
    *, invoice: Invoice, amount, paid_on: date, actor, reference: str = "", payer: str = ""
) -> Payment:
    """Register a payment of an issued invoice by hand. The invoice is paid when nothing is left to pay
    (an over-payment is recorded as it is and shows as a negative balance)."""
    require_finance(actor, invoice.organizer_id)
    amount = _check_amount(amount)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    with transaction.atomic(), acting_as(actor):
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.kind != Invoice.Kind.INVOICE or locked.status not in OPEN_STATUSES:
            raise ValidationError(_("Payments can be registered only for issued or sent invoices not yet paid."))
        payment = Payment.objects.create(
            organizer_id=locked.organizer_id,
            invoice=locked,
            amount=amount,
            paid_on=paid_on,
            reference=reference.strip()[:35],
            payer=payer.strip()[:200],
            source=Payment.Source.MANUAL,
            registered_by=actor,
        )
        _settle([locked.pk])
    return payment


def assign_payment(*, payment: Payment, invoice: Invoice, actor) -> Payment:
    """Assign an unmatched payment to an issued invoice of the same organiser."""
    require_finance(actor, payment.organizer_id)
    with transaction.atomic(), acting_as(actor):
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.invoice_id is not None:
            raise ValidationError(_("The payment is matched with an invoice already."))
        if invoice.organizer_id != locked.organizer_id or invoice.kind != Invoice.Kind.INVOICE:
            raise ValidationError({"invoice": _("No such invoice of the organiser.")})
        if invoice.status not in MATCHABLE_STATUSES:
            raise ValidationError({"invoice": _("The invoice is not issued.")})
        locked.invoice = invoice
        locked.save(update_fields=["invoice"])
        _settle([invoice.pk])
    return locked


def find_invoice(user, text: str) -> Invoice | None:
    """An issued invoice of the user's organisers by its number or OCR reference."""
    text = (text or "").strip()
    if not text:
        return None
    from accounts import roles

    invoices = roles.scope_to_organizers(Invoice.objects.filter(kind=Invoice.Kind.INVOICE), user, roles=FINANCE_ROLES)
    return (
        invoices.exclude(status=Invoice.Status.DRAFT)
        .filter(Q(number=text) | Q(ocr=text.replace(" ", "")))
        .select_related("organizer")
        .first()
    )


# --- BgMax ------------------------------------------------------------------------------------


class BgMaxError(ValidationError):
    pass


@dataclass
class BgMaxPayment:
    kind: str  # "payment" (TK20) or "deduction" (TK21)
    sender_bankgiro: str
    reference: str
    reference_code: str
    amount: Decimal  # negative for a deduction
    channel: str
    serial: str  # Bankgirot's serial number (BGC löpnummer)
    line: int
    payee_bankgiro: str = ""
    paid_on: date | None = None
    payer: str = ""
    payer_orgnr: str = ""
    information: list[str] = field(default_factory=list)
    extra_references: list[str] = field(default_factory=list)


@dataclass
class BgMaxFile:
    version: str
    created: str
    test: bool
    payee_bankgiros: list[str]
    payments: list[BgMaxPayment]


def _field(record: str, start: int, end: int | None = None) -> str:
    """Positions ``start``–``end`` (1-based, inclusive) of a record."""
    return record[start - 1 : end if end is not None else start]


def _digits(value: str, *, line: int, what: str) -> int:
    value = value.strip()
    if not value.isdigit():
        raise BgMaxError(_("Line %(line)d: the %(what)s is not a number.") % {"line": line, "what": what}, code="bgmax")
    return int(value)


def _date(value: str, *, line: int) -> date:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError as error:
        raise BgMaxError(_("Line %(line)d: the payment date is not a date.") % {"line": line}, code="bgmax") from error


def parse_bgmax(content: bytes) -> BgMaxFile:
    """Read a BgMax file; raises BgMaxError (a ValidationError) with the line of the first problem."""
    if not content:
        raise BgMaxError(_("The file is empty."), code="bgmax")
    if b"\x00" in content:
        raise BgMaxError(_("This is not a BgMax file (it is not a text file)."), code="bgmax")
    text = content.decode("latin-1")  # BgMax is ISO 8859-1; every byte decodes
    lines = [line.rstrip("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or not lines[0].startswith("01BGMAX"):
        raise BgMaxError(_("This is not a BgMax file: it does not begin with a BgMax start record (01BGMAX)."))
    start = lines[0].ljust(80)
    result = BgMaxFile(
        version=_field(start, 23, 24),
        created=_field(start, 25, 44).strip(),
        test=_field(start, 45) == "T",
        payee_bankgiros=[],
        payments=[],
    )
    in_deposit: list[BgMaxPayment] = []
    payee = ""
    current: BgMaxPayment | None = None
    ended = False
    counts = {"20": 0, "21": 0}
    for number, raw in enumerate(lines, start=1):
        if len(raw) > 80:
            raise BgMaxError(_("Line %(line)d is longer than the 80 characters of a BgMax record.") % {"line": number})
        if ended and raw.strip():
            raise BgMaxError(_("Line %(line)d comes after the end record.") % {"line": number})
        record = raw.ljust(80)
        code = record[:2]
        if code == "01":
            if number != 1:
                raise BgMaxError(_("Line %(line)d: a second start record.") % {"line": number})
        elif code == "05":
            payee = _field(record, 3, 12).strip().lstrip("0")
            result.payee_bankgiros.append(payee)
            in_deposit, current = [], None
        elif code in ("20", "21"):
            counts[code] += 1
            amount = Decimal(_digits(_field(record, 38, 55), line=number, what=_("amount"))) / 100
            current = BgMaxPayment(
                kind="payment" if code == "20" else "deduction",
                sender_bankgiro=_field(record, 3, 12).strip().lstrip("0"),
                reference=_field(record, 13, 37).strip(),
                reference_code=_field(record, 56),
                amount=amount if code == "20" else -amount,
                channel=_field(record, 57),
                serial=_field(record, 58, 69).strip(),
                line=number,
                payee_bankgiro=payee,
            )
            in_deposit.append(current)
        elif code in ("22", "23", "25", "26", "27", "28", "29"):
            if current is None:
                raise BgMaxError(_("Line %(line)d: a record of a payment before any payment.") % {"line": number})
            if code in ("22", "23"):
                current.extra_references.append(_field(record, 13, 37).strip())
            elif code == "25":
                current.information.append(_field(record, 3, 52).strip())
            elif code == "26":
                current.payer = _field(record, 3, 37).strip()
            elif code == "29":
                current.payer_orgnr = _field(record, 3, 14).strip()
        elif code == "15":
            paid_on = _date(_field(record, 38, 45), line=number)
            for payment in in_deposit:
                payment.paid_on = paid_on
            result.payments.extend(in_deposit)
            in_deposit, current = [], None
        elif code == "70":
            expected = _digits(_field(record, 3, 10), line=number, what=_("number of payments"))
            if expected != counts["20"]:
                raise BgMaxError(
                    _("The end record says %(expected)d payments but the file has %(found)d: the file is incomplete.")
                    % {"expected": expected, "found": counts["20"]}
                )
            ended = True
        elif raw.strip():
            raise BgMaxError(_("Line %(line)d: “%(code)s” is not a BgMax record.") % {"line": number, "code": code[:2]})
    if in_deposit:
        raise BgMaxError(_("The file ends without the deposit record (15) of its last payments."))
    if not ended:
        raise BgMaxError(_("The file has no end record (70): it is incomplete."))
    return result


def _normal_reference(reference: str) -> str:
    return reference.replace(" ", "").lstrip("0")


def import_bgmax(*, organizer: Organizer, file_name: str, content: bytes, actor) -> BgMaxImport:
    """Import a BgMax file of the organiser's bankgiro: payments matched on OCR, unmatched ones kept for
    finance, duplicates (a payment's serial number seen before) skipped; the same file twice is refused."""
    require_finance(actor, organizer)
    digest = hashlib.sha256(content).hexdigest()
    earlier = BgMaxImport.objects.filter(organizer=organizer, sha256=digest).first()
    if earlier is not None:
        raise ValidationError(
            _("This file was imported already, on %(date)s.")
            % {"date": date_format(timezone.localtime(earlier.imported_at), "j F Y")}
        )
    parsed = parse_bgmax(content)
    own = "".join(ch for ch in (organizer.bankgiro or "") if ch.isdigit()).lstrip("0")
    foreign = sorted({bg for bg in parsed.payee_bankgiros if bg and own and bg != own})
    if foreign:
        raise ValidationError(
            _("The file is for the bankgiro %(file)s, not the organiser’s %(own)s.")
            % {"file": ", ".join(foreign), "own": organizer.bankgiro}
        )
    with transaction.atomic(), acting_as(actor):
        Organizer.objects.select_for_update().filter(pk=organizer.pk).first()
        if BgMaxImport.objects.filter(organizer=organizer, sha256=digest).exists():
            raise ValidationError(_("This file was imported already."))
        record = BgMaxImport.objects.create(
            organizer=organizer, file_name=(file_name or "bgmax.txt")[:255], sha256=digest, imported_by=actor
        )
        serials = [p.serial for p in parsed.payments if p.serial]
        seen = set(
            Payment.objects.filter(organizer=organizer, bank_reference__in=serials).values_list(
                "bank_reference", flat=True
            )
        )
        references = {_normal_reference(p.reference) for p in parsed.payments if p.reference}
        invoices = {}
        for invoice in Invoice.objects.filter(
            organizer=organizer, kind=Invoice.Kind.INVOICE, status__in=MATCHABLE_STATUSES
        ).exclude(ocr=""):
            if _normal_reference(invoice.ocr) in references:
                invoices[_normal_reference(invoice.ocr)] = invoice
        created, touched = [], set()
        for payment in parsed.payments:
            if payment.serial and payment.serial in seen:
                record.duplicates += 1
                continue
            if payment.serial:
                seen.add(payment.serial)
            invoice = invoices.get(_normal_reference(payment.reference)) if payment.reference else None
            created.append(
                Payment(
                    organizer=organizer,
                    invoice=invoice,
                    amount=payment.amount,
                    paid_on=payment.paid_on,
                    reference=payment.reference[:35],
                    payer=payment.payer[:200],
                    source=Payment.Source.BGMAX,
                    bgmax_import=record,
                    bank_reference=payment.serial[:30],
                    registered_by=actor,
                )
            )
            if invoice is None:
                record.unmatched += 1
            else:
                record.matched += 1
                touched.add(invoice.pk)
        for payment in created:
            payment.save()  # one by one, so that each payment has its history
        record.save(update_fields=["matched", "unmatched", "duplicates"])
        _settle(touched)
    return record


# --- Lists ------------------------------------------------------------------------------------


def invoices_for(user) -> QuerySet[Invoice]:
    from accounts import roles

    return roles.scope_to_organizers(Invoice.objects.filter(kind=Invoice.Kind.INVOICE), user, roles=FINANCE_ROLES)


def partly_paid(user) -> QuerySet[Invoice]:
    return (
        with_balance(invoices_for(user).filter(status__in=OPEN_STATUSES))
        .filter(paid_total__gt=0, balance__gt=0)
        .select_related("organizer", "network")
        .order_by("due_date", "organizer_id", "sequence")
    )


def overdue(user, today: date | None = None) -> QuerySet[Invoice]:
    today = today or timezone.localdate()
    return (
        with_balance(invoices_for(user).filter(status__in=OPEN_STATUSES, due_date__lt=today))
        .filter(balance__gt=0)
        .select_related("organizer", "network")
        .order_by("due_date", "organizer_id", "sequence")
    )


def overpaid(user) -> QuerySet[Invoice]:
    return (
        with_balance(invoices_for(user).exclude(status=Invoice.Status.DRAFT))
        .filter(balance__lt=0)
        .select_related("organizer", "network")
        .order_by("organizer_id", "sequence")
    )


def unmatched_payments(user) -> QuerySet[Payment]:
    from accounts import roles

    return (
        roles.scope_to_organizers(Payment.objects.filter(invoice__isnull=True), user, roles=FINANCE_ROLES)
        .select_related("organizer", "bgmax_import")
        .order_by("-paid_on", "-pk")
    )


# --- Overdue reminders ------------------------------------------------------------------------


def reminder_key(invoice_id: int, level: int) -> str:
    return f"invoice-reminder:{invoice_id}:{level}"


def reminder_levels(billing: OrganizerBilling | None) -> list[int]:
    days = billing.reminder_days if billing is not None else None
    levels = sorted({int(d) for d in (days or ()) if isinstance(d, int) and 0 < d <= 3650})
    return levels or list(DEFAULT_REMINDER_DAYS)


def send_overdue_reminders(now=None) -> int:
    """E-mail each overdue, not fully paid invoice's buyer a reminder at the highest reminder level reached
    (days after the due date), once per level (the key ``invoice-reminder:<pk>:<level>``). A level missed
    while a later one is reached is not sent afterwards. Returns the number of e-mails sent."""
    today = timezone.localdate(now or timezone.now())
    invoices = (
        with_balance(
            Invoice.objects.filter(kind=Invoice.Kind.INVOICE, status__in=OPEN_STATUSES, due_date__lt=today).exclude(
                buyer_email=""
            )
        )
        .filter(balance__gt=0)
        .select_related("organizer__billing", "network")
        .order_by("due_date", "pk")
    )
    sent = 0
    for invoice in invoices:
        days_over = (today - invoice.due_date).days
        billing = getattr(invoice.organizer, "billing", None)
        reached = [level for level in reminder_levels(billing) if level <= days_over]
        if not reached:
            continue
        level = reached[-1]
        context = {
            "invoice": invoice,
            "network": invoice.network,
            "organizer": invoice.organizer,
            "balance": invoice.balance,
            "days_over": days_over,
            "level": level,
        }
        if send_email_once(
            key=reminder_key(invoice.pk, level),
            to=invoice.buyer_email,
            template_prefix="billing/email/reminder",
            context=context,
        ):
            sent += 1
    return sent
