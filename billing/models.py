"""Billing: a network's fees (flat or by population, in installments), invoices with gapless numbers, credit
notes, batches that finance approves, exports and sends, and payments.

Money is Decimal SEK with two decimals. Amounts are excluding VAT unless a name says otherwise; VAT is per
invoice line (rate and category). An issued invoice never changes: it is corrected by a credit note.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import history
from core.storage import private_storage

MONEY = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class VatCategory(models.TextChoices):
    """EN 16931 VAT category codes (UNCL5305) used here."""

    STANDARD = "S", _("Standard rate")
    ZERO = "Z", _("Zero rated")
    EXEMPT = "E", _("Exempt from VAT")
    OUTSIDE = "O", _("Outside the scope of VAT")


class FeeSchedule(models.Model):
    """How a network's members are billed: a flat fee or tiers by population, and the installments."""

    class Kind(models.TextChoices):
        FLAT = "flat", _("The same fee for every member")
        TIERED = "tiered", _("A fee by population")

    network = models.OneToOneField("networks.Network", on_delete=models.CASCADE, related_name="fee_schedule")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FLAT)
    flat_amount = models.DecimalField(_("fee (excl. VAT)"), null=True, blank=True, **MONEY)
    # The population basis of a tiered fee: a Kolada key figure for a stated year.
    population_kpi = models.CharField(_("population key figure"), max_length=10, default="N01951")
    population_year = models.PositiveSmallIntegerField(_("population of the year"), null=True, blank=True)
    vat_rate = models.DecimalField(_("VAT rate, %"), default=Decimal("25"), **PERCENT)
    vat_category = models.CharField(
        _("VAT category"), max_length=1, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    vat_exemption_reason = models.CharField(_("reason for the exemption from VAT"), max_length=300, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("days to pay"), default=30, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    bill_meeting_costs = models.BooleanField(
        _("bill the costs of meetings on site per attendee"),
        default=False,
        help_text=_("Venue, lunch and the like, as set on each meeting, on top of the fee."),
    )
    line_text = models.CharField(
        _("invoice line text"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Deltagaravgift nätverket Effektivare kommun”. The installment is added."),
    )

    history = history()

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")

    def __str__(self):
        return str(self.network)


class FeeTier(models.Model):
    """A fee for members with a population up to and including ``up_to`` (the last tier has no limit)."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="tiers")
    up_to = models.PositiveIntegerField(_("population up to and including"), null=True, blank=True)
    amount = models.DecimalField(_("fee (excl. VAT)"), validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        ordering = ["schedule", models.F("up_to").asc(nulls_last=True), "pk"]
        verbose_name = _("fee tier")
        verbose_name_plural = _("fee tiers")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "up_to"], name="unique_fee_tier_limit"),
        ]

    def __str__(self):
        return f"≤ {self.up_to}: {self.amount}" if self.up_to is not None else f"{self.amount}"


class Installment(models.Model):
    """A share of the fee invoiced on a date (delfakturering: 50 % on 2017-12-15, 50 % on 2018-04-15)."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="installments")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    share = models.DecimalField(_("share of the fee, %"), **PERCENT)
    invoice_on = models.DateField(_("invoiced on"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        ordering = ["schedule", "order", "invoice_on", "pk"]
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "order"], name="unique_installment_order"),
        ]

    def __str__(self):
        return self.label or f"{self.share} % {self.invoice_on}"


class FeeBasis(models.Model):
    """A member's population and fee, frozen when the membership starts (and shown on its invoices).

    A figure whose year is unknown (the shipped register) must be confirmed by a lead before it is billed.
    """

    class Source(models.TextChoices):
        KOLADA = "kolada", _("Kolada")
        REGISTER = "register", _("The shipped register (year unknown)")
        MANUAL = "manual", _("Entered by hand")

    membership = models.OneToOneField("networks.Membership", on_delete=models.CASCADE, related_name="fee_basis")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population of the year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.KOLADA)
    amount = models.DecimalField(_("fee (excl. VAT)"), **MONEY)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(_("frozen"), auto_now_add=True)

    history = history()

    class Meta:
        verbose_name = _("fee basis")
        verbose_name_plural = _("fee bases")

    def __str__(self):
        return f"{self.membership}: {self.amount}"

    @property
    def needs_confirmation(self) -> bool:
        return self.source == self.Source.REGISTER and self.confirmed_at is None


class OrganizerBilling(models.Model):
    """An organiser's invoice number series and bookkeeping accounts (SIE 4)."""

    organizer = models.OneToOneField("networks.Organizer", on_delete=models.CASCADE, related_name="billing")
    next_number = models.PositiveIntegerField(_("next invoice number"), default=1)
    receivables_account = models.CharField(_("account for accounts receivable"), max_length=6, default="1510")
    revenue_account = models.CharField(_("account for the fees"), max_length=6, default="3010")
    meeting_revenue_account = models.CharField(_("account for meeting costs"), max_length=6, default="3020")
    vat_accounts = models.JSONField(
        _("accounts for output VAT by rate"), default=dict, blank=True, help_text=_('E.g. {"25": "2611"}.')
    )
    reminder_days = models.JSONField(
        _("days after the due date for payment reminders"), default=list, blank=True, help_text=_("E.g. [10, 30].")
    )

    history = history()

    class Meta:
        verbose_name = _("billing settings of an organiser")
        verbose_name_plural = _("billing settings of organisers")

    def __str__(self):
        return str(self.organizer)


class InvoiceBatch(models.Model):
    """A set of invoices that finance reviews, approves (numbers are assigned), exports and sends."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")

    organizer = models.ForeignKey("networks.Organizer", on_delete=models.PROTECT, related_name="invoice_batches")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    due_on = models.DateField(_("due up to"))
    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_batches"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    history = history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invoice batch")
        verbose_name_plural = _("invoice batches")

    def __str__(self):
        return self.title


class Invoice(models.Model):
    """An invoice or a credit note, with the seller's and the buyer's data copied onto it when made."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        CREDITED = "credited", _("Credited")

    organizer = models.ForeignKey("networks.Organizer", on_delete=models.PROTECT, related_name="invoices")
    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="invoices")
    membership = models.ForeignKey("networks.Membership", on_delete=models.PROTECT, related_name="invoices")
    batch = models.ForeignKey(InvoiceBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    credit_reason = models.CharField(_("reason for the credit"), max_length=300, blank=True)

    # Given when issued, in the organiser's series: gapless, unique, never reused.
    sequence = models.PositiveIntegerField(_("serial number"), null=True, blank=True, editable=False)
    number = models.CharField(_("invoice number"), max_length=30, blank=True, editable=False)
    issue_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    ocr = models.CharField(_("OCR reference"), max_length=25, blank=True, editable=False)
    currency = models.CharField(_("currency"), max_length=3, default="SEK")

    seller_name = models.CharField(_("seller"), max_length=200)
    seller_orgnr = models.CharField(_("seller's organisation number"), max_length=11)
    seller_vat_number = models.CharField(_("seller's VAT number"), max_length=14, blank=True)
    seller_street = models.CharField(_("seller's street address"), max_length=200, blank=True)
    seller_postal_code = models.CharField(_("seller's postal code"), max_length=10, blank=True)
    seller_city = models.CharField(_("seller's city"), max_length=100, blank=True)
    seller_email = models.EmailField(_("seller's e-mail"), blank=True)
    seller_phone = models.CharField(_("seller's phone"), max_length=40, blank=True)
    seller_bankgiro = models.CharField(_("bankgiro"), max_length=9, blank=True)
    seller_f_skatt = models.BooleanField(_("approved for F-tax"), default=False)

    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_orgnr = models.CharField(_("buyer's organisation number"), max_length=11)
    buyer_address = models.TextField(_("buyer's invoice address"), blank=True)
    buyer_reference = models.CharField(_("buyer's reference"), max_length=100, blank=True)
    buyer_peppol_id = models.CharField(_("buyer's PEPPOL id"), max_length=50, blank=True)
    buyer_email = models.EmailField(_("buyer's invoice e-mail"), blank=True)

    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population of the year"), null=True, blank=True)
    note = models.TextField(_("note on the invoice"), blank=True)

    total_excl_vat = models.DecimalField(_("total excl. VAT"), default=Decimal("0"), **MONEY)
    total_vat = models.DecimalField(_("VAT"), default=Decimal("0"), **MONEY)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), default=Decimal("0"), **MONEY)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_error = models.TextField(_("error when sending"), blank=True)
    paid_at = models.DateField(_("paid"), null=True, blank=True)

    history = history()

    class Meta:
        ordering = ["organizer", "sequence", "pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="unique_invoice_sequence_per_organizer",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(sequence__isnull=False, issue_date__isnull=False),
                name="issued_invoice_has_number",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="invoice", credited_invoice__isnull=True)
                | models.Q(kind="credit_note", credited_invoice__isnull=False),
                name="credit_note_references_invoice",
            ),
        ]

    def __str__(self):
        return self.number or f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class InvoiceLine(models.Model):
    """A line: quantity × unit price, its VAT rate and category, and what it bills (an installment of a
    member's fee, or a meeting's costs for the member's attendees), so that nothing is billed twice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=Decimal("1"))
    unit = models.CharField(_("unit"), max_length=10, default="EA")  # UN/ECE rec 20: EA each, C62 one
    unit_price = models.DecimalField(_("unit price excl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate, %"), default=Decimal("25"), **PERCENT)
    vat_category = models.CharField(
        _("VAT category"), max_length=1, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    vat_exemption_reason = models.CharField(_("reason for the exemption from VAT"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount excl. VAT"), **MONEY)  # quantity × unit price, rounded once

    # What the line bills (for an invoice; a credit note's lines bill nothing).
    membership = models.ForeignKey(
        "networks.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    installment = models.ForeignKey(
        Installment, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )

    class Meta:
        ordering = ["invoice", "order", "pk"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "installment"],
                condition=models.Q(installment__isnull=False),
                name="bill_each_installment_once",
            ),
            models.UniqueConstraint(
                fields=["membership", "meeting"],
                condition=models.Q(meeting__isnull=False),
                name="bill_each_meeting_cost_once",
            ),
            # S has a rate; Z is 0 % without a reason; E and O are 0 % with the reason for the exemption.
            models.CheckConstraint(
                condition=models.Q(vat_category="S", vat_rate__gt=0)
                | models.Q(vat_category="Z", vat_rate=0, vat_exemption_reason="")
                | (models.Q(vat_category__in=["E", "O"], vat_rate=0) & ~models.Q(vat_exemption_reason="")),
                name="invoice_line_vat_is_consistent",
            ),
        ]

    def __str__(self):
        return self.description


def export_path(instance, filename):
    return f"invoice-batches/{instance.batch_id}/{instance.format}-{instance.pk or 'new'}-{filename}"


class BatchExport(models.Model):
    """A stored export of an approved batch: exporting again serves the same bytes."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")
        CSV = "csv", _("CSV for Excel")
        SIE = "sie", _("SIE 4")
        PEPPOL = "peppol", _("PEPPOL BIS Billing 3.0 (zip)")
        PDF = "pdf", _("PDF invoices (zip)")

    batch = models.ForeignKey(InvoiceBatch, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file = models.FileField(_("file"), upload_to=export_path, storage=private_storage)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["batch", "format"]
        verbose_name = _("batch export")
        verbose_name_plural = _("batch exports")
        constraints = [
            models.UniqueConstraint(fields=["batch", "format"], name="one_export_per_batch_and_format"),
        ]

    def __str__(self):
        return self.file_name


class BgMaxImport(models.Model):
    """An imported Bankgirot BgMax file of incoming payments."""

    organizer = models.ForeignKey("networks.Organizer", on_delete=models.PROTECT, related_name="bgmax_imports")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("BgMax import")
        verbose_name_plural = _("BgMax imports")
        constraints = [
            models.UniqueConstraint(fields=["organizer", "sha256"], name="import_each_bgmax_file_once"),
        ]

    def __str__(self):
        return self.file_name


class Payment(models.Model):
    """A payment received: registered by hand or imported from BgMax; unmatched when no invoice has its OCR."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Registered by hand")
        BGMAX = "bgmax", _("Bankgirot (BgMax)")

    organizer = models.ForeignKey("networks.Organizer", on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference (OCR)"), max_length=35, blank=True)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    bgmax_import = models.ForeignKey(
        BgMaxImport, on_delete=models.CASCADE, null=True, blank=True, related_name="payments"
    )
    # Bankgirot's own serial number of the payment (BgMax "Bankgirots löpnummer"), to refuse duplicates.
    bank_reference = models.CharField(_("bank's reference"), max_length=30, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = history()

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "bank_reference"],
                condition=~models.Q(bank_reference=""),
                name="unique_bank_payment_reference",
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.paid_on}"
