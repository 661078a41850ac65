"""The invoice PDF: real PDF bytes with the invoice's data, a zip of many, a reference page, no network."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from weasyprint.formatting_structure import boxes

import billing.signals  # noqa: F401  (the guard of issued invoices)
from accounts.models import StaffRole
from billing import invoicing, pdf
from tests.factories import BillingOrganizerFactory, InvoiceFactory, MembershipFactory, NetworkFactory, staff

pytestmark = pytest.mark.django_db


def text_of(document) -> str:
    """The text laid out on the document's pages (what the PDF's text layer holds)."""
    parts = []

    def walk(box):
        if isinstance(box, boxes.TextBox):
            parts.append(box.text)
        for child in getattr(box, "children", None) or ():
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(parts).replace("\u00a0", " ")


@pytest.fixture
def org():
    return BillingOrganizerFactory(invoice_number_prefix="SKR", organisation_number="2220000315")


@pytest.fixture
def finance(org):
    return staff(StaffRole.Role.FINANCE, organizer=org)


def issued(org, finance, **kwargs):
    draft = InvoiceFactory(membership=MembershipFactory(network=NetworkFactory(organizer=org)), **kwargs)
    return invoicing.issue_invoice(draft, actor=finance, issue_date=date(2026, 2, 2))


def test_the_invoice_pdf(org, finance):
    invoice = issued(org, finance)
    data = pdf.invoice_pdf(invoice)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = text_of(pdf.render_document(pdf.invoice_html(invoice)))
    for expected in (
        invoice.number,
        invoice.ocr,
        "Godkänd för F-skatt",
        "222000-0315",  # the seller's organisation number
        org.vat_number,
        org.bankgiro,
        "212000-0019",  # Upplands Väsby's organisation number
        "123456",  # the buyer's reference
        "2026-02-02",
        "2026-03-04",  # due in 30 days
        "31 250 kr",
        "15 432",
        "2016",
    ):
        assert expected in text, expected
    assert any(label in text for label in ("Att betala", "Amount due"))


def test_no_f_skatt_line_without_f_skatt(finance):
    org = BillingOrganizerFactory(f_skatt=False)
    StaffRole.objects.create(user=finance, organizer=org, role=StaffRole.Role.FINANCE)
    invoice = issued(org, finance)
    assert "F-skatt" not in text_of(pdf.render_document(pdf.invoice_html(invoice)))


def test_a_credit_note_pdf_names_the_credited_invoice(org, finance):
    invoice = issued(org, finance)
    note = invoicing.credit_invoice(invoice, actor=finance, reason="Fel belopp")
    text = text_of(pdf.render_document(pdf.invoice_html(note)))
    assert note.number in text and invoice.number in text and "Fel belopp" in text
    assert any(label in text for label in ("Kreditfaktura", "Credit note"))
    assert pdf.invoice_pdf(note).startswith(b"%PDF-")


def test_the_text_is_escaped(org, finance):
    invoice = issued(org, finance, buyer_reference="<b>ref</b>", lines=[{"description": "<script>x</script>"}])
    html = pdf.invoice_html(invoice)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>x</script>" in text_of(pdf.render_document(html))


def test_a_zip_of_three_pdfs(org, finance):
    invoices = [issued(org, finance) for _ in range(3)]
    data = pdf.invoices_pdf_zip(invoices)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"{invoice.number}.pdf" for invoice in invoices]
        for name in archive.namelist():
            assert archive.read(name).startswith(b"%PDF-")


def test_the_reference_page_and_the_shared_fonts_and_stylesheet():
    data = pdf.reference_pdf()
    assert data.startswith(b"%PDF-")
    assert pdf.stylesheet() is pdf.stylesheet() and pdf.font_config() is pdf.font_config()
    assert len(pdf.render_document("<p>x</p>").pages) == 1


def test_the_fetcher_reads_the_apps_files_only(tmp_path):
    fetcher = pdf.LocalFetcher()
    for url in ("http://example.com/font.woff2", "https://fonts.example.com/x.css", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    with pytest.raises(ValueError):
        fetcher.fetch(outside.as_uri())
    with pytest.raises(ValueError):
        fetcher.fetch((Path(settings.BASE_DIR) / "static" / ".." / "pyproject.toml").as_uri())
    response = fetcher.fetch(pdf.STYLESHEET.as_uri())
    assert b"@page" in response.read()
    response.close()


def test_a_remote_image_is_not_fetched():
    # A remote resource in the document is refused by the fetcher; the PDF is made without it.
    document = pdf.render_document('<p>x</p><img src="http://127.0.0.1:9/x.png" alt="">')
    assert len(document.pages) == 1
