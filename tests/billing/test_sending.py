"""Sending an invoice by e-mail: once, whatever the retries and races; a failure stores its error and a retry
sends."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
import time_machine
from celery.exceptions import Retry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from billing import sending
from billing.models import Invoice
from billing.tasks import send_invoice
from core.models import SentEmail
from tests.billing.test_batches import finance_of, issued
from tests.factories import BillingOrganizerFactory, InvoiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def organizer():
    return BillingOrganizerFactory()


@pytest.fixture
def finance(organizer):
    return finance_of(organizer)


@pytest.fixture
def invoice(finance):
    return issued(finance)


def test_the_email_has_the_pdf_and_the_payment_details(invoice, mailoutbox):
    assert sending.send_invoice_email(invoice.pk) is True
    (message,) = mailoutbox
    assert message.to == ["faktura@vasby.se"]
    assert invoice.number in message.subject
    assert invoice.ocr in message.body
    name, content, mime = message.attachments[0]
    assert mime == "application/pdf" and name.endswith(".pdf") and content.startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    assert invoice.sent_at is not None and invoice.send_error == "" and invoice.send_started_at is None


def test_the_task_run_twice_sends_once(invoice, mailoutbox):
    send_invoice.delay(invoice.pk)
    send_invoice.delay(invoice.pk)
    assert len(mailoutbox) == 1
    assert SentEmail.objects.filter(key=f"invoice:{invoice.pk}").count() == 1


def test_of_two_concurrent_claims_one_wins(invoice, mailoutbox):
    now = timezone.now()
    assert sending.claim(invoice.pk, now) is True
    assert sending.claim(invoice.pk, now) is False
    # While the first is sending, a second task finds the invoice taken and sends nothing.
    assert sending.send_invoice_email(invoice.pk) is False
    assert mailoutbox == []


def test_a_claim_of_a_worker_that_died_is_taken_over_after_15_minutes(invoice, mailoutbox):
    assert sending.claim(invoice.pk) is True
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sending.send_invoice_email(invoice.pk) is True
    assert len(mailoutbox) == 1


def test_an_email_sent_before_the_status_was_saved_is_not_sent_again(invoice, mailoutbox):
    # The e-mail went out, then the worker died before saving the status.
    SentEmail.objects.create(key=f"invoice:{invoice.pk}", recipient=invoice.buyer_email, subject="x")
    assert sending.send_invoice_email(invoice.pk) is True
    assert mailoutbox == []
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT


def test_a_draft_or_sent_invoice_is_not_sent(finance, invoice, mailoutbox):
    draft = InvoiceFactory(buyer_email="a@example.se")
    assert sending.send_invoice_email(draft.pk) is False
    sending.send_invoice_email(invoice.pk)
    assert sending.send_invoice_email(invoice.pk) is False
    assert len(mailoutbox) == 1


def test_an_smtp_failure_stores_the_error_and_a_retry_sends(
    finance, invoice, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, *args, **kwargs):
        raise SMTPException("550 mailbox unavailable")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(SMTPException):
            sending.send_invoice_email(invoice.pk)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert "550 mailbox unavailable" in invoice.send_error
    assert invoice.send_started_at is None
    assert not SentEmail.objects.filter(key=f"invoice:{invoice.pk}").exists()

    with django_capture_on_commit_callbacks(execute=True):
        sending.retry_send(invoice, finance)
    assert len(mailoutbox) == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT and invoice.send_error == ""


def test_the_task_asks_for_a_retry_on_an_smtp_error(invoice, mailoutbox, monkeypatch):
    calls = []
    original = sending.send_email_once

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SMTPException("421 try later")
        return original(**kwargs)

    monkeypatch.setattr(sending, "send_email_once", flaky)
    with pytest.raises(Retry):  # eager: the retry is raised instead of scheduled
        send_invoice.delay(invoice.pk)
    invoice.refresh_from_db()
    assert "421 try later" in invoice.send_error and invoice.send_started_at is None
    send_invoice.delay(invoice.pk)  # the retry
    assert len(calls) == 2 and len(mailoutbox) == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT and invoice.send_error == ""


def test_retry_is_for_the_organisers_finance_and_unsent_invoices(finance, invoice):
    with pytest.raises(PermissionDenied):
        sending.retry_send(invoice, finance_of(BillingOrganizerFactory()))
    sending.send_invoice_email(invoice.pk)
    with pytest.raises(ValidationError):
        sending.retry_send(invoice, finance)
