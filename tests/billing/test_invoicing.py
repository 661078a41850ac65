"""Issuing invoices: gapless numbers from the organiser's series, OCR, due date, all or nothing, immutability."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

import billing.signals  # noqa: F401  (the guard of issued invoices)
from accounts.models import StaffRole
from billing import invoicing
from billing.models import FeeSchedule, Invoice, InvoiceLine, OrganizerBilling
from billing.money import luhn_valid
from billing.signals import ImmutableInvoiceError
from tests.factories import (
    BillingOrganizerFactory,
    InvoiceFactory,
    MembershipFactory,
    NetworkFactory,
    municipality,
    staff,
)

Role = StaffRole.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return BillingOrganizerFactory(invoice_number_prefix="SKR")


@pytest.fixture
def network(org):
    return NetworkFactory(organizer=org)


@pytest.fixture
def finance(org):
    return staff(Role.FINANCE, organizer=org)


def draft(network, code="0114", **kwargs):
    return InvoiceFactory(membership=MembershipFactory(network=network, municipality=municipality(code)), **kwargs)


CODES = ["0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136"]


def test_issuing_numbers_consecutively_with_ocr_and_due_date(network, org, finance):
    drafts = [draft(network, code) for code in CODES[:3]]
    issued = invoicing.issue_invoices(drafts, actor=finance, issue_date=date(2026, 3, 2))
    assert [invoice.sequence for invoice in issued] == [1, 2, 3]
    assert [invoice.number for invoice in issued] == ["SKR-000001", "SKR-000002", "SKR-000003"]
    for invoice in issued:
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.ISSUED
        assert invoice.issue_date == date(2026, 3, 2)
        assert invoice.due_date == date(2026, 4, 1)  # 30 days without a fee schedule
        assert luhn_valid(invoice.ocr) and invoice.ocr.startswith(f"{invoice.sequence:06d}")
        assert invoice.issued_by == finance and invoice.issued_at is not None
        assert invoice.total_excl_vat == Decimal("25000.00")
        assert invoice.total_vat == Decimal("6250.00")
        assert invoice.total_incl_vat == Decimal("31250.00")
    assert OrganizerBilling.objects.get(organizer=org).next_number == 4
    assert issued[0].ocr == "00000182"  # 000001, length digit 8, Luhn digit 2
    # The next call goes on with the series.
    assert invoicing.issue_invoice(draft(network, CODES[3]), actor=finance).sequence == 4


def test_issue_date_defaults_to_today_and_terms_come_from_the_fee_schedule(network, finance):
    FeeSchedule.objects.create(network=network, flat_amount=Decimal("25000"), payment_terms_days=20)
    invoice = invoicing.issue_invoice(draft(network), actor=finance)
    from django.utils import timezone

    assert invoice.issue_date == timezone.localdate()
    assert invoice.due_date == invoice.issue_date + timedelta(days=20)


@pytest.mark.parametrize(
    ("prefix", "number"), [("SKR", "SKR-000007"), ("SKR-2026-", "SKR-2026-000007"), ("", "000007")]
)
def test_number_format(prefix, number):
    assert invoicing.invoice_number(BillingOrganizerFactory.build(invoice_number_prefix=prefix), 7) == number


def test_totals_and_amounts_are_recomputed_from_the_lines(network, finance):
    invoice = draft(
        network,
        lines=[
            {"quantity": Decimal("3"), "unit_price": Decimal("333.33"), "vat_rate": Decimal("25")},
            {"quantity": Decimal("1"), "unit_price": Decimal("100.05"), "vat_rate": Decimal("12")},
        ],
    )
    Invoice.objects.filter(pk=invoice.pk).update(total_excl_vat=1, total_vat=1, total_incl_vat=2)
    InvoiceLine.objects.filter(invoice=invoice, order=1).update(amount=Decimal("1.00"))
    issued = invoicing.issue_invoice(invoice, actor=finance)
    assert issued.total_excl_vat == Decimal("999.99") + Decimal("100.05")
    assert issued.total_vat == Decimal("250.00") + Decimal("12.01")
    assert issued.total_incl_vat == issued.total_excl_vat + issued.total_vat
    assert InvoiceLine.objects.get(invoice=invoice, order=1).amount == Decimal("999.99")


def test_the_seller_is_copied_from_the_organiser_when_issued(network, org, finance):
    invoice = draft(network, seller_name="Old name", seller_bankgiro="")
    org.name, org.bankgiro = "Sveriges Kommuner och Regioner", "123-4567"
    org.save()
    issued = invoicing.issue_invoice(invoice, actor=finance)
    assert (issued.seller_name, issued.seller_bankgiro) == ("Sveriges Kommuner och Regioner", "123-4567")
    assert issued.seller_vat_number == org.vat_number and issued.seller_f_skatt


def _break(invoice, problem):
    if problem == "no lines":
        invoice.lines.all().delete()
    elif problem == "zero total":
        invoice.lines.update(unit_price=Decimal("0"), amount=Decimal("0"))
    elif problem == "negative total":
        invoice.lines.update(unit_price=Decimal("-10"), amount=Decimal("-10"))
    elif problem == "bad buyer orgnr":
        Invoice.objects.filter(pk=invoice.pk).update(buyer_orgnr="2120000018")
    elif problem == "no buyer orgnr":
        Invoice.objects.filter(pk=invoice.pk).update(buyer_orgnr="")
    elif problem == "no seller orgnr":
        type(invoice.organizer).objects.filter(pk=invoice.organizer_id).update(organisation_number="")
    elif problem == "no bankgiro":
        type(invoice.organizer).objects.filter(pk=invoice.organizer_id).update(bankgiro="")
    elif problem == "not a draft":
        Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.PAID, sequence=99, issue_date=date.today())


@pytest.mark.parametrize(
    "problem",
    [
        "no lines",
        "zero total",
        "negative total",
        "bad buyer orgnr",
        "no buyer orgnr",
        "no seller orgnr",
        "no bankgiro",
        "not a draft",
    ],
)
def test_one_refused_invoice_and_none_is_numbered(network, org, finance, problem):
    good = draft(network, "0115")
    bad = draft(network, "0114")
    _break(bad, problem)
    with pytest.raises(ValidationError) as error:
        invoicing.issue_invoices([good, bad], actor=finance)
    assert any(bad.buyer_name in message for message in error.value.messages)
    good.refresh_from_db()
    assert good.status == Invoice.Status.DRAFT and good.sequence is None and good.number == "" and good.ocr == ""
    assert not OrganizerBilling.objects.filter(organizer=org, next_number__gt=1).exists()


def test_only_finance_of_the_organiser_may_issue(network, finance):
    invoice = draft(network)
    for actor in (staff(Role.NETWORK_LEAD, organizer=network.organizer), staff(Role.FINANCE), None):
        with pytest.raises(PermissionDenied):
            invoicing.issue_invoice(invoice, actor=actor)
    invoice.refresh_from_db()
    assert invoice.is_draft
    assert invoicing.issue_invoice(invoice, actor=staff(Role.ADMINISTRATOR, organizer=network.organizer)).sequence == 1


def test_each_organiser_has_its_own_series(network, finance):
    other_org = BillingOrganizerFactory()
    other = InvoiceFactory(membership__network__organizer=other_org)
    both = staff(Role.FINANCE, organizer=network.organizer)
    StaffRole.objects.create(user=both, organizer=other_org, role=Role.FINANCE)
    mine, theirs, mine_again = invoicing.issue_invoices([draft(network), other, draft(network, "0115")], actor=both)
    assert (mine.sequence, theirs.sequence, mine_again.sequence) == (1, 1, 2)


def test_issuing_twice_is_refused(network, finance):
    invoice = invoicing.issue_invoice(draft(network), actor=finance)
    with pytest.raises(ValidationError):
        invoicing.issue_invoice(invoice, actor=finance)
    assert OrganizerBilling.objects.get(organizer=network.organizer).next_number == 2


# --- Immutability ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", "SKR-999999"),
        ("buyer_name", "Someone else"),
        ("buyer_orgnr", "2120000142"),
        ("seller_bankgiro", "999-9999"),
        ("total_incl_vat", Decimal("1.00")),
        ("due_date", date(2030, 1, 1)),
        ("ocr", "12345682"),
    ],
)
def test_an_issued_invoice_cannot_be_changed(network, finance, field, value):
    invoice = invoicing.issue_invoice(draft(network), actor=finance)
    setattr(invoice, field, value)
    with pytest.raises(ImmutableInvoiceError):
        invoice.save()
    with pytest.raises(ImmutableInvoiceError):
        invoice.save(update_fields=[field])


def test_an_issued_invoice_and_its_lines_are_not_deleted_or_changed(network, finance):
    invoice = invoicing.issue_invoice(draft(network), actor=finance)
    line = invoice.lines.get()
    line.unit_price = Decimal("1")
    attempts = [
        invoice.delete,
        Invoice.objects.filter(pk=invoice.pk).delete,
        line.delete,
        InvoiceLine.objects.filter(invoice=invoice).delete,
        line.save,
        lambda: InvoiceLine.objects.create(
            invoice=invoice, description="Extra", unit_price=Decimal("5"), amount=Decimal("5")
        ),
    ]
    for attempt in attempts:
        # A refused delete raises inside Django's own transaction: a savepoint keeps the test's usable.
        with pytest.raises(ImmutableInvoiceError), transaction.atomic():
            attempt()
    invoice.status = Invoice.Status.DRAFT
    with pytest.raises(ImmutableInvoiceError):
        invoice.save()
    assert Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.ISSUED).exists()
    assert InvoiceLine.objects.get(pk=line.pk).unit_price == Decimal("25000.00")


def test_delivery_and_payment_state_may_change(network, finance):
    invoice = invoicing.issue_invoice(draft(network), actor=finance)
    invoice.status = Invoice.Status.SENT
    invoice.sent_at = invoice.issued_at
    invoice.send_error = ""
    invoice.save()
    invoice.status, invoice.paid_at = Invoice.Status.PAID, date(2026, 4, 1)
    invoice.save(update_fields=["status", "paid_at"])
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_draft_may_be_changed_and_deleted(network):
    invoice = draft(network)
    invoice.buyer_reference = "654321"
    invoice.save()
    line = invoice.lines.get()
    line.unit_price = Decimal("100")
    line.save()
    invoice.delete()
    assert not Invoice.objects.exists()


# --- Concurrency -------------------------------------------------------------------------------------------------


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_issuers_get_gapless_unique_numbers():
    org = BillingOrganizerFactory(invoice_number_prefix="SKR")
    network = NetworkFactory(organizer=org)
    finance = staff(Role.FINANCE, organizer=org)
    per_issuer = 3
    drafts = [
        InvoiceFactory(
            membership=MembershipFactory(network=NetworkFactory(organizer=org), municipality=municipality(code))
        )
        for code in CODES[:8] * per_issuer
    ]
    assert network  # the organiser's first network; the drafts are in networks of their own
    barrier = threading.Barrier(8)
    errors: list = []

    def issue(mine):
        try:
            barrier.wait(timeout=10)
            for invoice in mine:  # one at a time, so the issuers interleave
                invoicing.issue_invoice(invoice, actor=finance)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(drafts[index::8],)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sequences = sorted(Invoice.objects.filter(organizer=org).values_list("sequence", flat=True))
    assert sequences == list(range(1, 8 * per_issuer + 1))
    numbers = list(Invoice.objects.filter(organizer=org).values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    assert len(set(Invoice.objects.filter(organizer=org).values_list("ocr", flat=True))) == len(numbers)
    assert OrganizerBilling.objects.get(organizer=org).next_number == 8 * per_issuer + 1
