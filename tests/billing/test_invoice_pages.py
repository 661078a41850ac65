"""The invoice pages: finance's list, invoice, PDF and credit form; the municipality's invoices and PDFs."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

import billing.signals  # noqa: F401  (the guard of issued invoices)
from accounts.models import StaffRole
from billing import invoicing
from billing.models import Invoice
from tests.factories import (
    BillingOrganizerFactory,
    InvoiceFactory,
    MembershipFactory,
    NetworkFactory,
    municipality,
    representative,
    staff,
)

Role = StaffRole.Role
pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
CODES = ["0114", "0115", "0117", "0120", "0123", "0125"]


@pytest.fixture
def org():
    return BillingOrganizerFactory(invoice_number_prefix="SKR")


@pytest.fixture
def network(org):
    return NetworkFactory(organizer=org, title="Effektivare kommun")


@pytest.fixture
def finance(org):
    return staff(Role.FINANCE, organizer=org)


def issue(network, finance, code="0114", **kwargs):
    draft = InvoiceFactory(membership=MembershipFactory(network=network, municipality=municipality(code)), **kwargs)
    return invoicing.issue_invoice(draft, actor=finance, issue_date=date(2026, 2, 2))


@pytest.fixture
def invoice(network, finance):
    return issue(
        network,
        finance,
        lines=[
            {"description": "Deltagaravgift", "quantity": Decimal("2"), "unit_price": Decimal("10000")},
            {"description": "Lunch", "quantity": Decimal("4"), "unit_price": Decimal("150"), "vat_rate": 12},
        ],
    )


def finance_urls(invoice):
    return [reverse(f"invoices:{name}", args=[invoice.pk]) for name in ("detail", "pdf", "credit")] + [
        reverse("invoices:list")
    ]


def test_finance_pages_permissions(client, invoice, network):
    for url in finance_urls(invoice):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/konto/" in response["Location"], url
        client.force_login(staff(Role.NETWORK_LEAD, organizer=network.organizer))  # a lead is not finance
        assert client.get(url).status_code == 403, url
        client.force_login(representative("0114"))
        assert client.get(url).status_code == 403, url
    other_finance = staff(Role.FINANCE, organizer=BillingOrganizerFactory())
    client.force_login(other_finance)
    for url in finance_urls(invoice)[:3]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"mode": "full", "reason": "x"}).status_code in (404, 405), url
    list_page = client.get(reverse("invoices:list"))
    assert list_page.status_code == 200 and invoice.number not in list_page.content.decode()
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_municipality_pages_permissions(client, invoice, network, finance):
    urls = [reverse("invoices:municipality_list"), reverse("invoices:municipality_pdf", args=[invoice.pk])]
    for url in urls:
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/konto/" in response["Location"]
        client.force_login(finance)  # finance staff are not representatives
        assert client.get(url).status_code == 403
        client.force_login(staff(Role.NETWORK_LEAD, organizer=network.organizer))
        assert client.get(url).status_code == 403
    client.force_login(representative("0180"))  # another municipality
    assert client.get(urls[1]).status_code == 404
    assert invoice.number not in client.get(urls[0]).content.decode()


@pytest.mark.usefixtures("page_cache_off")  # counts or inspects what a render does
def test_the_finance_list_and_its_filters(client, network, finance, org):
    mine = [issue(network, finance, code) for code in CODES[:3]]
    draft = InvoiceFactory(membership=MembershipFactory(network=network, municipality=municipality("0136")))
    other_network = NetworkFactory(organizer=org, title="Annat nätverk")
    elsewhere = issue(other_network, finance, "0114")
    foreign = InvoiceFactory()  # another organiser's draft
    client.force_login(finance)
    url = reverse("invoices:list")
    page = client.get(url).content.decode()
    for invoice in [*mine, elsewhere]:
        assert invoice.number in page
    assert reverse("invoices:detail", args=[draft.pk]) in page
    assert reverse("invoices:detail", args=[foreign.pk]) not in page

    def shown(**params):
        return {invoice.pk for invoice in client.get(url, params).context["page"]}

    assert shown(status="draft") == {draft.pk}
    assert shown(network=other_network.pk) == {elsewhere.pk}
    assert shown(q=mine[1].number) == {mine[1].pk}
    assert shown(q="upplands") == {mine[0].pk, elsewhere.pk}
    # Bad filters are reported, not a 500, and filter nothing.
    everything = shown()
    for params in (
        {"status": "bogus"},
        {"network": "999999"},
        {"network": "x"},
        {"q": "x" * 100_000},
        {"q": SCRIPT},
        {"q": "' OR 1=1 --"},
        {"page": "-1"},
        {"page": "zzz"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200
        assert SCRIPT not in response.content.decode()
    assert not client.get(url, {"q": "x" * 100_000}).context["form"].is_valid()
    assert shown(status="bogus") == everything
    assert shown(q="' OR 1=1 --") == set()


def test_the_invoice_page(client, invoice, finance):
    from billing.models import Payment

    Payment.objects.create(organizer=invoice.organizer, invoice=invoice, amount=Decimal("500"), paid_on=date.today())
    client.force_login(finance)
    response = client.get(reverse("invoices:detail", args=[invoice.pk]))
    content = response.content.decode()
    for expected in (invoice.number, invoice.ocr, "Deltagaravgift", "Lunch", invoice.buyer_orgnr, "123456"):
        assert expected in content
    assert response.context["balance"] == invoice.total_incl_vat - 500
    assert len(response.context["history"]) >= 2  # created as a draft, issued
    assert reverse("invoices:credit", args=[invoice.pk]) in content


def test_pdf_downloads(client, invoice, finance):
    client.force_login(finance)
    response = client.get(reverse("invoices:pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    client.force_login(representative("0114"))
    response = client.get(reverse("invoices:municipality_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_the_municipality_sees_its_issued_invoices_only(client, invoice, network, finance):
    draft = InvoiceFactory(membership=MembershipFactory(network=NetworkFactory(organizer=network.organizer)))
    note = invoicing.credit_invoice(invoice, actor=finance, reason="Fel")
    solna = issue(network, finance, "0184")
    client.force_login(representative("0114"))
    response = client.get(reverse("invoices:municipality_list"))
    assert {i.pk for i in response.context["page"]} == {invoice.pk, note.pk}
    content = response.content.decode()
    assert invoice.number in content and note.number in content and solna.number not in content
    assert client.get(reverse("invoices:municipality_pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("invoices:municipality_pdf", args=[solna.pk])).status_code == 404


def test_the_membership_page_links_to_the_invoices(client, invoice):
    client.force_login(representative("0114"))
    response = client.get(reverse("members:detail", args=[invoice.membership_id]))
    assert reverse("invoices:municipality_list") in response.content.decode()


# --- The credit form ---------------------------------------------------------------------------------------------


def test_a_full_credit_from_the_form(client, invoice, finance):
    client.force_login(finance)
    url = reverse("invoices:credit", args=[invoice.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"mode": "full", "reason": "Fel kommun"})
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert response.status_code == 302 and response["Location"] == reverse("invoices:detail", args=[note.pk])
    assert note.total_incl_vat == invoice.total_incl_vat and note.credit_reason == "Fel kommun"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CREDITED
    # A credited invoice has nothing left to credit.
    response = client.get(url)
    assert response.status_code == 302
    assert client.post(url, {"mode": "full", "reason": "Igen"}).status_code == 302
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1


def test_a_partial_credit_from_the_form(client, invoice, finance):
    fee, lunch = invoice.lines.order_by("order")
    client.force_login(finance)
    response = client.post(
        reverse("invoices:credit", args=[invoice.pk]),
        {"mode": "partial", "reason": "En deltagare färre", f"quantity_{fee.pk}": "1", f"amount_{lunch.pk}": "100,50"},
    )
    assert response.status_code == 302
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.total_excl_vat == Decimal("10100.50")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def test_a_hostile_reason_is_kept_as_text(client, invoice, finance):
    client.force_login(finance)
    client.post(reverse("invoices:credit", args=[invoice.pk]), {"mode": "full", "reason": SCRIPT})
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.credit_reason == SCRIPT
    content = client.get(reverse("invoices:detail", args=[note.pk])).content.decode()
    assert SCRIPT not in content and "&lt;script&gt;" in content


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "full", "reason": ""},
        {"mode": "full", "reason": "   "},
        {"mode": "full"},
        {"mode": "full", "reason": "x" * 100_000},
        {"mode": "bogus", "reason": "Fel"},
        {"reason": "Fel"},
        {"mode": "partial", "reason": "Fel"},  # no line given
        {"mode": "partial", "reason": "Fel", "quantity_FEE": "-1"},
        {"mode": "partial", "reason": "Fel", "quantity_FEE": "0"},
        {"mode": "partial", "reason": "Fel", "quantity_FEE": "3"},
        {"mode": "partial", "reason": "Fel", "quantity_FEE": "1.001"},
        {"mode": "partial", "reason": "Fel", "quantity_FEE": "abc"},
        {"mode": "partial", "reason": "Fel", "quantity_FEE": "9" * 100_000},
        {"mode": "partial", "reason": "Fel", "quantity_FEE": SCRIPT},
        {"mode": "partial", "reason": "Fel", "amount_FEE": "20000.01"},
        {"mode": "partial", "reason": "Fel", "amount_FEE": "-5"},
        {"mode": "partial", "reason": "Fel", "amount_FEE": "NaN"},
        {"mode": "partial", "reason": "Fel", "quantity_FEE": "1", "amount_FEE": "1"},
    ],
)
def test_bad_input_on_the_credit_form(client, invoice, finance, data):
    fee = invoice.lines.get(description="Deltagaravgift")
    data = {key.replace("FEE", str(fee.pk)): value for key, value in data.items()}
    client.force_login(finance)
    response = client.post(reverse("invoices:credit", args=[invoice.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert SCRIPT not in response.content.decode()
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_over_crediting_after_an_earlier_credit_note_is_shown_on_the_form(client, invoice, finance):
    fee = invoice.lines.get(description="Deltagaravgift")
    invoicing.credit_invoice(
        invoice, actor=finance, reason="Ett", lines=[invoicing.CreditLine(fee.pk, quantity=Decimal("1.5"))]
    )
    client.force_login(finance)
    response = client.post(
        reverse("invoices:credit", args=[invoice.pk]), {"mode": "partial", "reason": "Två", f"quantity_{fee.pk}": "1"}
    )
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1


# --- Constant queries --------------------------------------------------------------------------------------------


def test_the_lists_query_count_is_constant(client, network, finance, django_assert_max_num_queries):
    first = issue(network, finance, CODES[0])
    invoicing.credit_invoice(first, actor=finance, reason="Fel")
    rep = representative("0114")
    pages = [(finance, reverse("invoices:list")), (rep, reverse("invoices:municipality_list"))]
    counts = []
    for user, url in pages:
        client.force_login(user)
        with django_assert_max_num_queries(30) as one:
            client.get(url)
        counts.append(len(one.captured_queries))
    for code in CODES[1:]:
        issue(network, finance, code)
    for _ in range(4):
        issue(NetworkFactory(organizer=network.organizer), finance, "0114")
    for (user, url), count in zip(pages, counts, strict=True):
        client.force_login(user)
        with django_assert_max_num_queries(count):
            response = client.get(url)
        assert len(response.context["page"]) >= 5
