"""Finance's batch pages: the whole flow (create, approve, export in five formats, send), who may see them,
and a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffRole
from billing import batches
from billing.models import BatchExport, Invoice, InvoiceBatch
from tests.billing.test_batches import DUE_ON, billed_network, finance_of
from tests.factories import PASSWORD, BillingOrganizerFactory, representative, staff

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def organizer():
    return BillingOrganizerFactory()


@pytest.fixture
def finance(organizer):
    return finance_of(organizer)


@pytest.fixture
def network(organizer):
    return billed_network(organizer, "0114", "0184")


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_whole_flow(client, finance, organizer, network, mailoutbox, django_capture_on_commit_callbacks):
    login(client, finance)
    response = client.post(reverse("batches:create"), {"due_on": "2018-01-31", "network": network.slug})
    batch = InvoiceBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("batches:detail", args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and b"Upplands V" in page.content

    assert client.post(reverse("batches:approve", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.APPROVED
    page = client.get(reverse("batches:detail", args=[batch.pk]))
    assert b"PEPPOL" in page.content
    for fmt in BatchExport.Format.values:
        download = client.get(reverse("batches:export", args=[batch.pk, fmt]))
        assert download.status_code == 200, fmt
        assert download["Content-Disposition"].startswith("attachment"), fmt
        body = b"".join(download.streaming_content)
        assert body, fmt
        again = b"".join(client.get(reverse("batches:export", args=[batch.pk, fmt])).streaming_content)
        assert again == body, fmt  # the stored file, the same bytes

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("batches:send", args=[batch.pk])).status_code == 302
    assert len(mailoutbox) == 2
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.SENT
    assert set(batch.invoices.values_list("status", flat=True)) == {Invoice.Status.SENT}


def test_create_with_bad_input_gives_messages(client, finance, network):
    login(client, finance)
    for data in (
        {},
        {"due_on": "not a date"},
        {"due_on": "<script>alert(1)</script>"},
        {"due_on": "2018-01-31'; DROP TABLE x; --"},
        {"due_on": "2" * 100_000},
        {"due_on": "2018-01-31", "network": "x" * 100_000},
        {"due_on": "2018-01-31", "network": "no-such-network"},
        {"due_on": "2018-01-31", "title": "t" * 100_000},
        {"due_on": "2017-01-01"},  # nothing due
    ):
        response = client.post(reverse("batches:create"), data, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"]), data
    assert not InvoiceBatch.objects.exists()


def test_remove_discard_and_retry_pages(client, finance, organizer, network, django_capture_on_commit_callbacks):
    login(client, finance)
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    first = batch.invoices.order_by("pk").first()
    assert client.post(reverse("batches:remove_invoice", args=[batch.pk, first.pk])).status_code == 302
    assert batch.invoices.count() == 1
    assert client.post(reverse("batches:discard", args=[batch.pk])).status_code == 302
    assert not InvoiceBatch.objects.filter(pk=batch.pk).exists()

    batch = batches.batch_approve(batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON), finance)
    invoice = batch.invoices.first()
    Invoice.objects.filter(pk=invoice.pk).update(send_error="SMTP 550")
    page = client.get(reverse("batches:detail", args=[batch.pk]))
    assert (
        b"SMTP 550" in page.content and reverse("batches:retry", args=[batch.pk, invoice.pk]).encode() in page.content
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("batches:retry", args=[batch.pk, invoice.pk])).status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT and invoice.send_error == ""


def test_an_unknown_export_format_is_a_404(client, finance, organizer, network):
    batch = batches.batch_approve(batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON), finance)
    login(client, finance)
    assert client.get(reverse("batches:export", args=[batch.pk, "exe"])).status_code == 404


def test_an_export_the_settings_refuse_is_a_message_not_an_error(client, finance, organizer, network):
    from billing.models import OrganizerBilling

    batch = batches.batch_approve(batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON), finance)
    OrganizerBilling.objects.filter(organizer=organizer).update(receivables_account="15X0")
    login(client, finance)
    response = client.get(reverse("batches:export", args=[batch.pk, "sie"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("batches:detail", args=[batch.pk])
    assert [str(m) for m in response.context["messages"]] and not BatchExport.objects.filter(format="sie").exists()


def _urls(batch, invoice):
    return [
        ("get", reverse("batches:list")),
        ("post", reverse("batches:create")),
        ("get", reverse("batches:detail", args=[batch.pk])),
        ("post", reverse("batches:approve", args=[batch.pk])),
        ("post", reverse("batches:discard", args=[batch.pk])),
        ("post", reverse("batches:send", args=[batch.pk])),
        ("get", reverse("batches:export", args=[batch.pk, "csv"])),
        ("post", reverse("batches:remove_invoice", args=[batch.pk, invoice.pk])),
        ("post", reverse("batches:retry", args=[batch.pk, invoice.pk])),
    ]


def test_who_may_see_the_pages(client, finance, organizer, network):
    batch = batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON)
    invoice = batch.invoices.first()
    urls = _urls(batch, invoice)
    for method, url in urls:  # anonymous: to the login page
        response = getattr(client, method)(url, {"due_on": "2018-01-31"})
        assert response.status_code == 302 and "login" in response.url, url
    for user in (staff(role=StaffRole.Role.NETWORK_LEAD, organizer=organizer), representative("0114")):
        login(client, user)
        for method, url in urls:
            assert getattr(client, method)(url, {"due_on": "2018-01-31"}).status_code == 403, (user, url)
        client.logout()
    login(client, finance_of(BillingOrganizerFactory()))  # finance of another organiser: not found
    for method, url in urls[2:]:
        assert getattr(client, method)(url).status_code == 404, url
    listing = client.get(reverse("batches:list"))
    assert batch.title.encode() not in listing.content
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.DRAFT and batch.invoices.count() == 2


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_take_a_constant_number_of_queries(client, finance, organizer):
    small = billed_network(organizer, "0114")
    one = batches.batch_approve(
        batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON, network=small), finance
    )
    large = billed_network(organizer, "0114", "0115", "0117", "0120", "0123")
    five = batches.batch_approve(
        batches.batch_create(organizer=organizer, actor=finance, due_on=DUE_ON, network=large), finance
    )
    assert five.invoices.count() == 5
    login(client, finance)
    assert _count_queries(client, reverse("batches:detail", args=[one.pk])) == _count_queries(
        client, reverse("batches:detail", args=[five.pk])
    )
    before = _count_queries(client, reverse("batches:list"))
    for _ in range(4):
        batches.batch_create(
            organizer=organizer,
            actor=finance,
            due_on=DUE_ON.replace(month=5),
            network=billed_network(organizer, "0114"),
        )
    assert _count_queries(client, reverse("batches:list")) == before
    assert Decimal(five.invoices.first().total_incl_vat) > 0
