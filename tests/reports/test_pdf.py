"""reports.pdf: tagged Swedish PDFs, the layout's header and footer, and a fetcher that fetches nothing outside."""

import base64
import logging

import pytest
from django.core.files.base import ContentFile

from reports import pdf
from tests.reports import pdfs

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def test_reference_page_is_one_tagged_swedish_page_with_header_and_footer():
    data = pdf.reference_pdf()
    assert pdfs.page_count(data) == 1
    assert pdfs.title(data) == "Referenssida"
    assert pdfs.language(data) == "sv"
    reader = pdfs.reader(data)
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert b"pdfuaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    text = pdfs.text(data)
    assert "Sveriges Kommuner och Regioner" in text  # the header
    assert "Sida 1 av 1" in text  # the footer
    assert "25 000 kr" in text


def test_footer_counts_pages_of_a_long_document():
    context = pdf.reference_context() | {"paragraphs": [pdf.REFERENCE_TEXT * 4] * 40}
    data = pdf.render_pdf("reports/reference.html", context)
    pages = pdfs.page_count(data)
    assert pages > 2
    assert f"Sida {pages} av {pages}" in pdfs.text(data)


def test_document_is_swedish_whatever_the_request_language():
    from django.utils import translation

    with translation.override("en"):
        data = pdf.reference_pdf()
    assert "Sida 1 av 1" in pdfs.text(data)
    assert "Kommun" in pdfs.text(data)


def _html(body: str) -> str:
    head = '<head><meta charset="utf-8"><title>Prov</title></head>'
    return f'<!DOCTYPE html><html lang="sv">{head}<body>{body}</body></html>'


def test_hostile_markup_makes_no_request_and_reads_no_file(hit_server, caplog):
    body = "".join(hit_server.hostile_texts()) + '<img src="../../../../../../etc/passwd" alt="x">'
    with caplog.at_level(logging.WARNING, logger="reports.pdf"):
        data = pdf.html_to_pdf(_html(body))
    assert hit_server.hits == []
    assert "root:" not in pdfs.text(data)
    refused = [record.getMessage() for record in caplog.records if record.name == "reports.pdf"]
    assert any("127.0.0.1" in message for message in refused)
    assert any("/etc/passwd" in message for message in refused)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.se/x.png",
        "ftp://example.se/x",
        "file:///etc/passwd",
        "file:///etc/hostname",
    ],
)
def test_fetcher_refuses_everything_outside_static(url):
    with pytest.raises(pdf.RefusedFetch):
        pdf.LocalFetcher().fetch(url)


def test_fetcher_refuses_a_path_escaping_static():
    escaping = (pdf.STATIC_DIR / "reports" / ".." / ".." / "manage.py").as_uri()
    with pytest.raises(pdf.RefusedFetch):
        pdf.LocalFetcher().fetch(escaping)


def test_fetcher_serves_own_static_files_and_data_uris():
    own = pdf.LocalFetcher().fetch(pdf.PRINT_STYLESHEET.as_uri())
    assert b"@page" in own.read()
    own.close()
    assert pdf.LocalFetcher().fetch("data:text/plain;base64,aGVq").read() == b"hej"


@pytest.mark.django_db
def test_logo_becomes_a_data_uri_and_only_a_small_image_does(settings, tmp_path):
    from tests.factories import OrganizerFactory

    settings.MEDIA_ROOT = tmp_path
    organizer = OrganizerFactory()
    assert pdf.logo_data_uri(organizer) == ""
    organizer.logo.save("logo.png", ContentFile(PNG_1X1), save=False)
    uri = pdf.logo_data_uri(organizer)
    assert uri.startswith("data:image/png;base64,")
    data = pdf.render_pdf("reports/reference.html", pdf.reference_context() | {"logo": uri})
    assert pdfs.page_count(data) == 1
    organizer.logo.save("big.png", ContentFile(b"\x89PNG" + b"0" * (pdf.LOGO_MAX_BYTES + 1)), save=False)
    assert pdf.logo_data_uri(organizer) == ""
    organizer.logo.save("script.html", ContentFile(b"<script>"), save=False)
    assert pdf.logo_data_uri(organizer) == ""


def test_file_name_and_response():
    assert pdf.file_name("Slutrapport", "En effektivare administration 2026") == (
        "slutrapport-en-effektivare-administration-2026.pdf"
    )
    assert pdf.file_name('"; rm -rf /', "") == "rm-rf.pdf"
    assert pdf.file_name("") == "dokument.pdf"
    response = pdf.pdf_response(b"%PDF-1.7", "a.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="a.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_without_stamps_drops_the_moment_a_document_was_made_and_nothing_else():
    from datetime import date

    html = pdf.render_html("reports/reference.html", pdf.reference_context() | {"document_date": date(2026, 11, 23)})
    later = pdf.render_html("reports/reference.html", pdf.reference_context() | {"document_date": date(2027, 1, 2)})
    assert '<span class="stamp">2026-11-23</span>' in html
    stripped = pdf.without_stamps(html)
    assert "2026-11-23" not in stripped
    assert stripped == pdf.without_stamps(later)
    assert "Upplands Väsby" in stripped
