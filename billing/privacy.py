"""Personal data held by billing (see core.privacy)."""

from core.privacy import PersonalData, register

register(
    # Invoices are accounting records: the Accounting Act (bokföringslagen 7 kap.) keeps them seven years.
    PersonalData(
        model="billing.Invoice",
        fields=("buyer_reference", "buyer_email", "seller_email", "seller_phone", "issued_by"),
        purpose="Invoices to member municipalities: the buyer's reference person and invoice address, the "
        "seller's contact.",
        retention="Seven years after the end of the calendar year of the invoice (bokföringslagen).",
        subject_lookup="issued_by",
    ),
)

register(
    PersonalData(
        model="billing.Payment",
        fields=("payer", "reference", "registered_by"),
        purpose="Payments received for invoices, from Bankgirot or registered by hand.",
        retention="Seven years after the end of the calendar year of the payment (bokföringslagen).",
        subject_lookup="registered_by",
    ),
)
