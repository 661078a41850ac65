"""Payments by hand (bad input refused), the partly paid / overdue lists, and overdue reminders once per level."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from billing import payments
from billing.models import Invoice, OrganizerBilling, Payment
from tests.billing.test_batches import finance_of, issued
from tests.factories import BillingOrganizerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def organizer():
    return BillingOrganizerFactory()


@pytest.fixture
def finance(organizer):
    return finance_of(organizer)


@pytest.fixture
def invoice(finance):
    return issued(finance)  # 31 250 kr incl. VAT


def pay(invoice, finance, amount, **kwargs):
    kwargs.setdefault("paid_on", timezone.localdate())
    return payments.register_payment(invoice=invoice, amount=amount, actor=finance, **kwargs)


def test_part_then_rest_marks_it_paid(invoice, finance):
    pay(invoice, finance, Decimal("10000"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert list(payments.partly_paid(finance)) == [invoice]
    pay(invoice, finance, Decimal("21250"), paid_on=timezone.localdate() - timedelta(days=1))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.paid_at == timezone.localdate()  # the last payment's day
    assert list(payments.partly_paid(finance)) == []


def test_an_over_payment_is_recorded_and_shown(invoice, finance):
    pay(invoice, finance, Decimal("40000"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    (shown,) = payments.overpaid(finance)
    assert shown.balance == Decimal("-8750.00")


@pytest.mark.parametrize(
    "amount", [Decimal("0"), Decimal("-5"), Decimal("1.005"), Decimal("1" * 30), "NaN", "<script>", "1; DROP"]
)
def test_bad_amounts_are_refused(invoice, finance, amount):
    with pytest.raises(ValidationError):
        pay(invoice, finance, amount)
    assert not Payment.objects.exists()


def test_a_future_date_is_refused(invoice, finance):
    with pytest.raises(ValidationError):
        pay(invoice, finance, Decimal("1"), paid_on=timezone.localdate() + timedelta(days=1))


def test_only_issued_invoices_and_the_organisers_finance(invoice, finance):
    with pytest.raises(PermissionDenied):
        pay(invoice, finance_of(BillingOrganizerFactory()), Decimal("1"))
    pay(invoice, finance, Decimal("31250"))
    with pytest.raises(ValidationError):  # paid already
        pay(invoice, finance, Decimal("1"))


def test_assign_an_unmatched_payment(invoice, finance, organizer):
    loose = Payment.objects.create(organizer=organizer, amount=Decimal("31250"), paid_on=date(2018, 3, 1))
    payments.assign_payment(payment=loose, invoice=invoice, actor=finance)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    with pytest.raises(ValidationError):
        payments.assign_payment(payment=loose, invoice=invoice, actor=finance)


def test_overdue_list(invoice, finance):
    assert list(payments.overdue(finance)) == []
    assert list(payments.overdue(finance, today=invoice.due_date + timedelta(days=1))) == [invoice]
    assert (
        list(payments.overdue(finance_of(BillingOrganizerFactory()), today=invoice.due_date + timedelta(days=1))) == []
    )


def test_reminders_once_per_level(invoice, finance, organizer, mailoutbox):
    OrganizerBilling.objects.filter(organizer=organizer).update(reminder_days=[10, 30])
    due = invoice.due_date

    def run(days):
        with time_machine.travel(
            timezone.make_aware(timezone.datetime.combine(due + timedelta(days=days), timezone.datetime.min.time()))
            + timedelta(hours=9),
            tick=False,
        ):
            return payments.send_overdue_reminders()

    assert run(5) == 0
    assert run(10) == 1
    assert run(11) == 0  # the same level, once
    assert run(10) == 0
    assert run(30) == 1
    assert run(31) == 0
    assert len(mailoutbox) == 2
    assert invoice.number in mailoutbox[0].subject and invoice.ocr in mailoutbox[0].body


def test_no_reminder_when_paid_or_without_email(finance, organizer, mailoutbox):
    paid = issued(finance)
    pay(paid, finance, Decimal("31250"))
    nomail = issued(finance, buyer_email="")
    assert payments.send_overdue_reminders(now=timezone.now() + timedelta(days=60)) == 0
    assert mailoutbox == []
    assert nomail.pk


def test_default_levels_when_none_are_set(invoice, mailoutbox):
    assert payments.reminder_levels(None) == [10, 30]
    assert payments.send_overdue_reminders(now=timezone.now() + timedelta(days=45)) == 1
    assert payments.send_overdue_reminders(now=timezone.now() + timedelta(days=46)) == 0
