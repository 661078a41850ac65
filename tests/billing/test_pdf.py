"""The invoice PDF: a tagged Swedish PDF made by reports.pdf with the invoice's data, the shared layout, a zip of
many, a reference page, no network."""

import base64
import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from weasyprint.formatting_structure import boxes

import billing.signals  # noqa: F401  (the guard of issued invoices)
from accounts.models import StaffRole
from billing import invoicing, pdf
from billing.models import Invoice
from tests.factories import BillingOrganizerFactory, InvoiceFactory, MembershipFactory, NetworkFactory, staff
from tests.reports import pdfs
from tests.reports.conftest import hit_server  # noqa: F401

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


# --- The shared layout: tagged PDF/UA, header, "Sida X av Y", the seller's details on every page ---------------------

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def assert_tagged_swedish(data: bytes, title: str) -> None:
    reader = pdfs.reader(data)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert pdfs.language(data) == "sv"
    assert pdfs.title(data) == title


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", (page.extract_text() or "").replace("\u00a0", " ")) for page in pdfs.reader(data).pages]


def test_the_invoice_is_a_tagged_swedish_one_page_document_with_its_facts(org, finance):
    invoice = issued(org, finance)
    data = pdf.invoice_pdf(invoice)
    assert_tagged_swedish(data, f"Faktura {invoice.number}")
    assert pdfs.page_count(data) == 1
    text = pdfs.text(data)
    assert text.count(org.name) >= 2  # the running header and the seller's details in the footer
    for expected in (
        "Sida 1 av 1",
        "Upplands Väsby",  # the buyer
        invoice.number,
        invoice.ocr,
        "2026-03-04",  # due
        "25 000 kr",
        "6 250 kr",
        "31 250 kr",
        "Godkänd för F-skatt",
        "222000-0315",
        org.vat_number,
        org.bankgiro,
        "Befolkning 31 dec 2016: 15 432 invånare",
    ):
        assert expected in text, expected


def test_the_invoice_is_swedish_whatever_the_request_language(org, finance):
    from django.utils import translation

    invoice = issued(org, finance)
    with translation.override("en"):
        data = pdf.invoice_pdf(invoice)
    assert "Att betala" in pdfs.text(data) and "Sida 1 av 1" in pdfs.text(data)


def test_the_running_header_shows_the_frozen_seller_and_the_organisers_logo(org, finance, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    invoice = issued(org, finance)
    org.name = "Nytt namn efter fakturan"
    org.logo.save("logo.png", ContentFile(PNG_1X1))
    invoice = Invoice.objects.get(pk=invoice.pk)
    html = pdf.invoice_html(invoice)
    assert 'src="data:image/png;base64,' in html
    assert f'alt="{invoice.seller_name}"' in html
    data = pdf.invoice_pdf(invoice)
    text = pdfs.text(data)
    assert invoice.seller_name in text and "Nytt namn efter fakturan" not in text
    page = pdfs.reader(data).pages[0]
    assert any(xobject.get_object()["/Subtype"] == "/Image" for xobject in page["/Resources"]["/XObject"].values())


def test_a_draft_and_a_credit_note_are_titled_as_such(org, finance):
    draft = InvoiceFactory(membership=MembershipFactory(network=NetworkFactory(organizer=org)))
    data = pdf.invoice_pdf(draft)
    assert_tagged_swedish(data, "Fakturautkast")
    assert "Utkast: detta är inte en faktura" in pdfs.text(data)
    invoice = issued(org, finance)
    note = invoicing.credit_invoice(invoice, actor=finance, reason="Fel belopp")
    data = pdf.invoice_pdf(note)
    assert_tagged_swedish(data, f"Kreditfaktura {note.number}")
    text = pdfs.text(data)
    assert invoice.number in text and "Fel belopp" in text
    assert re.search(r"Krediterad\s*31 250 kr", text)


def test_a_long_invoice_repeats_the_header_row_and_the_footer_on_every_page(org, finance):
    rows = [{"description": f"Träff {n}: kostnad för deltagare", "unit_price": Decimal("1000")} for n in range(1, 61)]
    invoice = issued(org, finance, lines=rows)
    data = pdf.invoice_pdf(invoice)
    texts = page_texts(data)
    pages = len(texts)
    assert 2 <= pages <= 5
    for number, text in enumerate(texts, start=1):
        assert "Beskrivning" in text and "À-pris" in text and "Belopp" in text, number  # the header row
        assert org.name in text and "222000-0315" in text and "Godkänd för F-skatt" in text, number
        assert f"Sida {number} av {pages}" in text
    everything = " ".join(texts)
    assert all(f"Träff {n}: kostnad för deltagare" in everything for n in range(1, 61))
    assert "75 000 kr" in texts[-1] and invoice.ocr in texts[-1]  # 60 000 kr + VAT, with the payment box


def test_hostile_text_on_the_invoice_fetches_nothing_and_reads_no_file(org, finance, hit_server):  # noqa: F811
    hostile = hit_server.hostile_texts()
    invoice = issued(
        org,
        finance,
        seller_name=hostile[2][:200],
        seller_street=hostile[3][:200],
        buyer_name=" ".join(hostile)[:200],
        buyer_reference=hostile[0],
        buyer_address="\n".join(hostile),
        note="\n".join(hostile),
        lines=[{"description": text} for text in hostile],
    )
    note = invoicing.credit_invoice(invoice, actor=finance, reason=" ".join(hostile)[:300])
    for document in (invoice, note):
        html = pdf.invoice_html(document)
        assert "<img src=" not in html and "<style>@import" not in html
        text = pdfs.text(pdf.invoice_pdf(document))
        assert "root:" not in text
        assert "file:///etc/passwd" in text  # shown as the text it is
    assert hit_server.hits == []


def test_the_zip_makes_a_constant_number_of_queries(org, finance):
    one = [issued(org, finance)]
    three = [issued(org, finance) for _ in range(3)]
    with CaptureQueriesContext(connection) as first:
        pdf.invoices_pdf_zip(one)
    with CaptureQueriesContext(connection) as second:
        pdf.invoices_pdf_zip(three)
    assert len(second) == len(first)


def test_the_reference_page_is_one_tagged_page_with_the_invoices_stylesheets():
    data = pdf.reference_pdf()
    assert_tagged_swedish(data, "Referenssida")
    assert pdfs.page_count(data) == 1
    text = pdfs.text(data)
    assert "Sveriges Kommuner och Regioner" in text and "Sida 1 av 1" in text and "Godkänd för F-skatt" in text
    assert pdf.STYLESHEETS[0] == pdf.PRINT_STYLESHEET and pdf.STYLESHEETS[1] == pdf.STYLESHEET
