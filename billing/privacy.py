"""Personal data held by billing (see core.privacy)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, register

KIND = _("Invoices and payments")
ACCOUNTING = _(
    "Accounting records: the Accounting Act (bokföringslagen 7 kap. 2 §) requires them to be kept for seven years "
    "after the end of the financial year. The invoice stays; the reference person's name and e-mail address, "
    "which an accounting record does not need, are replaced."
)

register(
    PersonalData(
        model="billing.Invoice",
        fields=("number", "buyer_reference", "buyer_email", "seller_email", "seller_phone", "issued_by"),
        purpose=_(
            "Invoices to member municipalities: the buyer's reference person and invoice address, the seller's contact."
        ),
        retention=_("Seven years after the end of the calendar year of the invoice (bokföringslagen)."),
        reference_fields=("buyer_reference", "buyer_email", "seller_email"),
        kind=KIND,
        keep_reason=ACCOUNTING,
    ),
    PersonalData(
        model="billing.Payment",
        fields=("payer", "reference", "registered_by"),
        purpose=_("Payments received for invoices, from Bankgirot or registered by hand."),
        retention=_("Seven years after the end of the calendar year of the payment (bokföringslagen)."),
        reference_fields=("payer",),
        kind=KIND,
        keep_reason=ACCOUNTING,
    ),
    PersonalData(
        model="billing.InvoiceBatch",
        fields=("title", "created_by", "approved_by"),
        purpose=_("Who created and approved a batch of invoices."),
        retention=_("Seven years (bokföringslagen)."),
        kind=KIND,
        keep_reason=ACCOUNTING,
    ),
    PersonalData(
        model="billing.BatchExport",
        fields=("batch", "format", "file_name", "created_by"),
        purpose=_("Who exported a batch of invoices to the accounting system or as PDF files."),
        retention=_("Seven years (bokföringslagen)."),
        kind=KIND,
        keep_reason=ACCOUNTING,
    ),
    PersonalData(
        model="billing.BgMaxImport",
        fields=("file_name", "imported_by", "imported_at"),
        purpose=_("Who imported a Bankgirot payment file."),
        retention=_("Seven years (bokföringslagen)."),
        kind=KIND,
        keep_reason=ACCOUNTING,
    ),
    PersonalData(
        model="billing.FeeBasis",
        fields=("membership", "confirmed_by", "confirmed_at"),
        purpose=_("Who confirmed the basis of a member municipality's fee."),
        retention=_("Seven years (bokföringslagen)."),
        kind=KIND,
        keep_reason=ACCOUNTING,
    ),
)
