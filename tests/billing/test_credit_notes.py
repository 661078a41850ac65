"""Credit notes: full and partial, never more than is left, a reason always, the next number of the series."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import billing.signals  # noqa: F401  (the guard of issued invoices)
from accounts.models import StaffRole
from billing import invoicing
from billing.invoicing import CreditLine
from billing.models import Invoice, OrganizerBilling, Payment
from tests.factories import BillingOrganizerFactory, InvoiceFactory, MembershipFactory, NetworkFactory, staff

Role = StaffRole.Role
pytestmark = pytest.mark.django_db

FEE = {"description": "Deltagaravgift", "quantity": Decimal("2"), "unit_price": Decimal("10000")}
LUNCH = {"description": "Lunch", "quantity": Decimal("4"), "unit_price": Decimal("150"), "vat_rate": Decimal("12")}


@pytest.fixture
def org():
    return BillingOrganizerFactory(invoice_number_prefix="KSL")


@pytest.fixture
def finance(org):
    return staff(Role.FINANCE, organizer=org)


@pytest.fixture
def invoice(org, finance):
    draft = InvoiceFactory(membership=MembershipFactory(network=NetworkFactory(organizer=org)), lines=[FEE, LUNCH])
    return invoicing.issue_invoice(draft, actor=finance, issue_date=date(2026, 1, 15))


def lines_of(invoice):
    return {line.description: line for line in invoice.lines.all()}


def test_a_full_credit_note(invoice, finance):
    note = invoicing.credit_invoice(invoice, actor=finance, reason="  Fel kommun  ")
    assert note.kind == Invoice.Kind.CREDIT_NOTE and note.credited_invoice == invoice
    assert note.status == Invoice.Status.ISSUED and note.credit_reason == "Fel kommun"
    assert (note.sequence, note.number) == (2, "KSL-000002")
    assert note.ocr == "" and note.due_date is None
    # Positive amounts, as in an EN 16931 credit note; the same lines and totals as the invoice.
    assert note.total_incl_vat == invoice.total_incl_vat > 0
    assert [(line.description, line.quantity, line.unit_price, line.vat_rate) for line in note.lines.all()] == [
        (line.description, line.quantity, line.unit_price, line.vat_rate) for line in invoice.lines.all()
    ]
    assert (note.buyer_orgnr, note.buyer_name, note.population) == (
        invoice.buyer_orgnr,
        invoice.buyer_name,
        invoice.population,
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CREDITED
    assert invoicing.invoice_balance(invoice) == 0
    assert OrganizerBilling.objects.get(organizer=invoice.organizer).next_number == 3
    with pytest.raises(ValidationError):
        invoicing.credit_invoice(invoice, actor=finance, reason="Igen")


def test_partial_credit_notes_then_the_rest(invoice, finance):
    lines = lines_of(invoice)
    first = invoicing.credit_invoice(
        invoice, actor=finance, reason="En deltagare färre", lines=[CreditLine(lines["Deltagaravgift"].pk, quantity=1)]
    )
    assert first.total_excl_vat == Decimal("10000.00") and first.total_vat == Decimal("2500.00")
    second = invoicing.credit_invoice(
        invoice, actor=finance, reason="Rabatt på lunch", lines=[CreditLine(lines["Lunch"].pk, amount="100.50")]
    )
    assert second.total_excl_vat == Decimal("100.50") and second.total_vat == Decimal("12.06")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoicing.invoice_balance(invoice) == invoice.total_incl_vat - first.total_incl_vat - second.total_incl_vat
    left = {line.description: amount for line, amount in invoicing.line_left_to_credit(invoice)}
    assert left == {"Deltagaravgift": Decimal("10000.00"), "Lunch": Decimal("499.50")}
    rest = invoicing.credit_invoice(invoice, actor=finance, reason="Avslutat medlemskap")
    assert rest.total_excl_vat == Decimal("10499.50")
    assert [rest.sequence, first.sequence, second.sequence] == [4, 2, 3]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CREDITED


@pytest.mark.parametrize(
    "request_",
    [
        {"quantity": Decimal("3")},  # more than the line's quantity
        {"amount": Decimal("20000.01")},  # more than the line's amount
        {"quantity": Decimal("0")},
        {"quantity": Decimal("-1")},
        {"amount": Decimal("-5")},
        {"quantity": Decimal("0.001")},
        {"amount": Decimal("1.001")},
        {},  # neither
        {"quantity": 1, "amount": 1},  # both
        {"quantity": "abc"},
        {"amount": "NaN"},
        {"amount": "Infinity"},
    ],
)
def test_bad_parts_are_refused(invoice, finance, request_):
    fee = lines_of(invoice)["Deltagaravgift"]
    with pytest.raises(ValidationError):
        invoicing.credit_invoice(invoice, actor=finance, reason="Fel", lines=[CreditLine(fee.pk, **request_)])
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    assert OrganizerBilling.objects.get(organizer=invoice.organizer).next_number == 2


def test_over_crediting_counts_earlier_credit_notes(invoice, finance):
    fee = lines_of(invoice)["Deltagaravgift"]
    invoicing.credit_invoice(invoice, actor=finance, reason="Ett", lines=[CreditLine(fee.pk, quantity=Decimal("1.5"))])
    with pytest.raises(ValidationError) as error:
        invoicing.credit_invoice(invoice, actor=finance, reason="Två", lines=[CreditLine(fee.pk, quantity=1)])
    assert error.value.code == "too_much"
    # The same line twice in one credit note counts as well.
    with pytest.raises(ValidationError):
        invoicing.credit_invoice(
            invoice,
            actor=finance,
            reason="Tre",
            lines=[CreditLine(fee.pk, amount=Decimal("4000")), CreditLine(fee.pk, amount=Decimal("1000.01"))],
        )
    note = invoicing.credit_invoice(invoice, actor=finance, reason="Fyra", lines=[CreditLine(fee.pk, amount=5000)])
    assert note.total_excl_vat == Decimal("5000.00")
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 2


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 301, "x" * 100_000])
def test_a_reason_is_required_and_bounded(invoice, finance, reason):
    with pytest.raises(ValidationError):
        invoicing.credit_invoice(invoice, actor=finance, reason=reason)
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_what_cannot_be_credited(invoice, finance, org):
    draft = InvoiceFactory(membership=MembershipFactory(network=NetworkFactory(organizer=org)))
    with pytest.raises(ValidationError):
        invoicing.credit_invoice(draft, actor=finance, reason="Utkast")
    note = invoicing.credit_invoice(
        invoice, actor=finance, reason="Del", lines=[CreditLine(lines_of(invoice)["Lunch"].pk, quantity=1)]
    )
    with pytest.raises(ValidationError):
        invoicing.credit_invoice(note, actor=finance, reason="En kreditfaktura krediteras inte")
    foreign_line = InvoiceFactory().lines.get()
    with pytest.raises(ValidationError):
        invoicing.credit_invoice(
            invoice, actor=finance, reason="Fel rad", lines=[CreditLine(foreign_line.pk, quantity=1)]
        )


def test_only_finance_of_the_organiser_may_credit(invoice):
    for actor in (staff(Role.NETWORK_LEAD, organizer=invoice.organizer), staff(Role.FINANCE), None):
        with pytest.raises(PermissionDenied):
            invoicing.credit_invoice(invoice, actor=actor, reason="Fel")
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_a_credit_note_is_immutable_too(invoice, finance):
    from billing.signals import ImmutableInvoiceError

    note = invoicing.credit_invoice(invoice, actor=finance, reason="Fel")
    note.credit_reason = "Annat"
    with pytest.raises(ImmutableInvoiceError):
        note.save()


def test_the_balance_counts_payments_and_credit_notes(invoice, finance):
    assert invoicing.invoice_balance(invoice) == invoice.total_incl_vat
    Payment.objects.create(organizer=invoice.organizer, invoice=invoice, amount=Decimal("1000"), paid_on=date.today())
    invoicing.credit_invoice(
        invoice, actor=finance, reason="Lunch", lines=[CreditLine(lines_of(invoice)["Lunch"].pk, amount=100)]
    )
    expected = invoice.total_incl_vat - Decimal("1000") - Decimal("112.00")
    assert invoicing.invoice_balance(invoice) == expected
    annotated = invoicing.with_balances(Invoice.objects.filter(pk=invoice.pk)).get()
    assert invoicing.invoice_balance(annotated) == expected
