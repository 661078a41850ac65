"""Finance's batches: create from what is due, remove and discard (the charges are due again), approve all or
nothing, send (queued after the commit for the invoices with an e-mail)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import StaffRole
from billing import batches
from billing.invoicing import issue_invoices
from billing.models import FeeSchedule, Installment, Invoice, InvoiceBatch, InvoiceLine
from networks.models import Membership
from tests.factories import (
    BillingOrganizerFactory,
    InvoiceFactory,
    MembershipFactory,
    NetworkFactory,
    municipality,
    staff,
)

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]

FINANCE = StaffRole.Role.FINANCE
DUE_ON = date(2018, 1, 31)


# --- Helpers shared by the other billing test modules of this part ---------------------------------


def finance_of(organizer):
    return staff(role=FINANCE, organizer=organizer)


def member(network, code: str, *, email: str = "faktura@example.se") -> Membership:
    place = municipality(code)
    return MembershipFactory(
        network=network,
        municipality=place,
        started_on=date(2017, 9, 1),
        invoice_orgnr=place.organisation_number or "2120000142",
        invoice_address=f"{place.name}\nBox 1\n111 11 Kommunen",
        invoice_email=email,
    )


def billed_network(organizer, *codes: str, amount: Decimal = Decimal("20000")):
    """A network of ``organizer`` with a flat fee in two installments (2017-12-15 and 2018-04-15) and members."""
    network = NetworkFactory(organizer=organizer)
    schedule = FeeSchedule.objects.create(network=network, kind=FeeSchedule.Kind.FLAT, flat_amount=amount)
    Installment.objects.create(schedule=schedule, order=1, share=Decimal("50"), invoice_on=date(2017, 12, 15))
    Installment.objects.create(schedule=schedule, order=2, share=Decimal("50"), invoice_on=date(2018, 4, 15))
    for code in codes:
        member(network, code)
    return network


def issued(finance, **kwargs) -> Invoice:
    """An issued invoice (through billing.invoicing) of ``finance``'s organiser."""
    organizer = kwargs.pop("organizer", None) or StaffRole.objects.filter(user=finance).first().organizer
    kwargs.setdefault("buyer_email", "faktura@vasby.se")
    draft = InvoiceFactory(membership__network__organizer=organizer, **kwargs)
    (invoice,) = issue_invoices([draft], actor=finance)
    return invoice


# --- Fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def organizer():
    return BillingOrganizerFactory()


@pytest.fixture
def finance(organizer):
    return finance_of(organizer)


@pytest.fixture
def network(organizer):
    return billed_network(organizer, "0114", "0184")


# --- Create ------------------------------------------------------------------------------------------


def test_create_drafts_an_invoice_per_member(finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    assert batch.status == InvoiceBatch.Status.DRAFT
    assert batch.created_by == finance
    invoices = list(batch.invoices.all())
    assert len(invoices) == 2
    assert {i.status for i in invoices} == {Invoice.Status.DRAFT}
    assert sum(i.total_excl_vat for i in invoices) == Decimal("20000")  # the first halves
    assert network.title not in batch.title  # no network chosen: the title names the date only


def test_create_of_one_network(finance, organizer, network):
    other = billed_network(organizer, "0115")
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON, network=other)
    assert batch.network == other
    assert list(batch.invoices.values_list("network_id", flat=True)) == [other.pk]


def test_nothing_due_is_refused_and_leaves_no_batch(finance, organizer, network):
    with pytest.raises(ValidationError):
        batches.batch_create(organizer=organizer, actor=finance, due_on=date(2017, 12, 1))
    batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    with pytest.raises(ValidationError):  # all on the first batch already
        batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    assert InvoiceBatch.objects.count() == 1


def test_only_the_organisers_finance_creates(organizer, network):
    lead = staff(role=StaffRole.Role.NETWORK_LEAD, organizer=organizer)
    stranger = finance_of(BillingOrganizerFactory())
    for actor in (lead, stranger):
        with pytest.raises(PermissionDenied):
            batches.batch_create(organizer=organizer, actor=actor, due_on=DUE_ON)
    assert not InvoiceBatch.objects.exists()


def test_a_network_of_another_organiser_is_refused(finance, organizer):
    foreign = billed_network(BillingOrganizerFactory(), "0114")
    with pytest.raises(ValidationError):
        batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON, network=foreign)


# --- Remove and discard ------------------------------------------------------------------------------


def test_removing_an_invoice_makes_its_charges_due_again(finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    first = batch.invoices.order_by("pk").first()
    batches.batch_remove_invoice(batch, first, finance)
    assert batch.invoices.count() == 1
    assert not Invoice.objects.filter(pk=first.pk).exists()
    again = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    assert again.invoices.get().membership_id == first.membership_id


def test_discarding_frees_all_the_charges(finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    batches.batch_discard(batch, finance)
    assert not InvoiceBatch.objects.filter(pk=batch.pk).exists()
    assert not InvoiceLine.objects.exists()
    assert batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON).invoices.count() == 2


def test_an_approved_batch_cannot_be_changed(finance, organizer, network):
    batch = batches.batch_approve(batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON), finance)
    invoice = batch.invoices.first()
    with pytest.raises(ValidationError):
        batches.batch_remove_invoice(batch, invoice, finance)
    with pytest.raises(ValidationError):
        batches.batch_discard(batch, finance)
    assert batch.invoices.count() == 2


# --- Approve -----------------------------------------------------------------------------------------


def test_approve_issues_all_with_numbers(finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    batches.batch_approve(batch, finance)
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.APPROVED
    assert batch.approved_by == finance and batch.approved_at is not None
    invoices = list(batch.invoices.order_by("sequence"))
    assert [i.status for i in invoices] == [Invoice.Status.ISSUED] * 2
    assert [i.sequence for i in invoices] == [1, 2]
    assert all(i.number and i.ocr and i.due_date for i in invoices)


def test_approve_is_all_or_nothing(finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    bad = InvoiceFactory(membership=member(network, "0115"), batch=batch, lines=[])  # no lines
    with pytest.raises(ValidationError):
        batches.batch_approve(batch, finance)
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.DRAFT and batch.approved_at is None
    assert set(batch.invoices.values_list("status", flat=True)) == {Invoice.Status.DRAFT}
    assert not batch.invoices.exclude(number="").exists()
    batches.batch_remove_invoice(batch, bad, finance)
    batches.batch_approve(batch, finance)
    assert list(batch.invoices.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]


def test_approve_needs_finance_of_the_organiser(finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    with pytest.raises(PermissionDenied):
        batches.batch_approve(batch, finance_of(BillingOrganizerFactory()))
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.DRAFT


# --- Send --------------------------------------------------------------------------------------------


def test_send_refuses_a_draft(finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    with pytest.raises(ValidationError):
        batches.batch_send(batch, finance)


def test_send_queues_after_commit_and_lists_those_without_email(
    finance, organizer, network, mailoutbox, django_capture_on_commit_callbacks
):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    nomail = batch.invoices.order_by("pk").first()
    Invoice.objects.filter(pk=nomail.pk).update(buyer_email="")
    batches.batch_approve(batch, finance)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = batches.batch_send(batch, finance)
    assert len(result.queued) == 1 and [i.pk for i in result.without_email] == [nomail.pk]
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].attachments[0][2] == "application/pdf"
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.SENT  # every invoice with an e-mail is sent
    with django_capture_on_commit_callbacks(execute=True):
        again = batches.batch_send(batch, finance)
    assert again.queued == [] and len(mailoutbox) == 1
