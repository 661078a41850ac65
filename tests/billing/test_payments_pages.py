"""Finance's payments page: register by hand, BgMax upload, assign an unmatched payment; who may see it; a
constant number of queries."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from billing.models import BgMaxImport, Invoice, Payment
from tests.billing.test_batches import finance_of, issued
from tests.billing.test_bgmax import bgmax, payment
from tests.factories import PASSWORD, BillingOrganizerFactory, representative, staff

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def organizer():
    return BillingOrganizerFactory()


@pytest.fixture
def finance(organizer):
    return finance_of(organizer)


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_register_by_hand(client, finance):
    invoice = issued(finance)
    login(client, finance)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("payments:register"), {"invoice": invoice.number, "amount": "31 250,00", "paid_on": today}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"invoice": "F-NOPE", "amount": "1", "paid_on": "2018-01-01"},
        {"invoice": "<script>alert(1)</script>", "amount": "1", "paid_on": "2018-01-01"},
        {"invoice": "x" * 100_000, "amount": "1", "paid_on": "2018-01-01"},
        {"amount": "-5", "paid_on": "2018-01-01"},
        {"amount": "0", "paid_on": "2018-01-01"},
        {"amount": "1; DROP TABLE billing_payment", "paid_on": "2018-01-01"},
        {"amount": "9" * 100_000, "paid_on": "2018-01-01"},
        {"amount": "1,005", "paid_on": "2018-01-01"},
        {"amount": "1", "paid_on": "2999-01-01"},
        {"amount": "1", "paid_on": "x" * 100_000},
        {"amount": "1", "paid_on": "2018-01-01", "reference": "r" * 100_000},
    ],
)
def test_bad_input_is_refused_with_a_message(client, finance, data):
    invoice = issued(finance)
    data = {"invoice": invoice.number, **data}
    login(client, finance)
    response = client.post(reverse("payments:register"), data)
    assert response.status_code == 400
    assert response.context["payment_form"].errors
    assert not Payment.objects.exists()


def test_the_invoice_of_another_organiser_is_not_found(client, finance):
    other = BillingOrganizerFactory()
    theirs = issued(finance_of(other), organizer=other)
    login(client, finance)
    response = client.post(
        reverse("payments:register"),
        {"invoice": theirs.number, "amount": "1", "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400 and not Payment.objects.exists()


def test_bgmax_upload_and_assign(client, finance, organizer):
    invoice = issued(finance)
    content = bgmax([payment(invoice.ocr, 100000, "1"), payment("4711", 3125000, "2", name="Okänd")])
    login(client, finance)
    response = client.post(reverse("payments:bgmax_import"), {"file": SimpleUploadedFile("bgmax.txt", content)})
    record = BgMaxImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("payments:bgmax_detail", args=[record.pk])
    assert client.get(response.url).status_code == 200
    loose = Payment.objects.get(invoice__isnull=True)
    page = client.get(reverse("payments:overview"))
    assert reverse("payments:assign", args=[loose.pk]).encode() in page.content
    response = client.post(reverse("payments:assign", args=[loose.pk]), {f"p{loose.pk}-invoice": invoice.ocr})
    assert response.status_code == 302
    loose.refresh_from_db()
    assert loose.invoice == invoice
    # The same file again: refused with a message on the form.
    again = client.post(reverse("payments:bgmax_import"), {"file": SimpleUploadedFile("copy.txt", content)})
    assert again.status_code == 400 and again.context["bgmax_form"].errors["file"]


@pytest.mark.parametrize(
    "content",
    [b"", b"<script>alert(1)</script>", b"%PDF-1.7 not bgmax", b"a" * (5 * 1024 * 1024 + 1)],
    ids=["empty", "hostile", "pdf", "too-large"],
)
def test_a_wrong_file_gives_an_error(client, finance, content):
    login(client, finance)
    response = client.post(reverse("payments:bgmax_import"), {"file": SimpleUploadedFile("x.txt", content)})
    assert response.status_code == 400 and response.context["bgmax_form"].errors
    assert not BgMaxImport.objects.exists()


def test_who_may_see_the_pages(client, finance, organizer):
    invoice = issued(finance)
    loose = Payment.objects.create(organizer=organizer, amount=Decimal("1"), paid_on=timezone.localdate())
    record = BgMaxImport.objects.create(organizer=organizer, file_name="a.txt", sha256="0" * 64, imported_by=finance)
    urls = [
        ("get", reverse("payments:overview")),
        ("post", reverse("payments:register")),
        ("post", reverse("payments:bgmax_import")),
        ("get", reverse("payments:bgmax_detail", args=[record.pk])),
        ("post", reverse("payments:assign", args=[loose.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response.url, url
    for user in (staff(role=StaffRole.Role.NETWORK_LEAD, organizer=organizer), representative("0114")):
        login(client, user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (user, url)
        client.logout()
    login(client, finance_of(BillingOrganizerFactory()))
    assert client.get(reverse("payments:bgmax_detail", args=[record.pk])).status_code == 404
    data = {f"p{loose.pk}-invoice": invoice.number}
    assert client.post(reverse("payments:assign", args=[loose.pk]), data).status_code == 404
    page = client.get(reverse("payments:overview"))
    assert page.status_code == 200 and invoice.number.encode() not in page.content
    loose.refresh_from_db()
    assert loose.invoice is None


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_takes_a_constant_number_of_queries(client, finance, organizer):
    def one_of_each():
        late = issued(finance, issue_date=None)
        Invoice.objects.filter(pk=late.pk).update(due_date=timezone.localdate().replace(year=2018))
        part = issued(finance)
        Payment.objects.create(organizer=organizer, invoice=part, amount=Decimal("5"), paid_on=timezone.localdate())
        Payment.objects.create(organizer=organizer, amount=Decimal("7"), paid_on=timezone.localdate(), reference="1")

    one_of_each()
    login(client, finance)
    single = _count_queries(client, reverse("payments:overview"))
    for _ in range(4):
        one_of_each()
    page = client.get(reverse("payments:overview"))
    assert len(page.context["overdue"]) == 5 and len(page.context["unmatched"]) == 5
    assert len(page.context["partly_paid"]) == 5
    assert _count_queries(client, reverse("payments:overview")) == single
