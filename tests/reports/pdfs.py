"""Reading PDFs in tests: text (pypdf), page count, metadata."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:40]
    return PdfReader(io.BytesIO(data))


def text(data: bytes) -> str:
    """All pages' text with whitespace (also no-break spaces) folded to single spaces."""
    pages = reader(data).pages
    joined = " ".join(page.extract_text() or "" for page in pages).replace("\u00a0", " ")
    joined = re.sub(r"[\u2010\u00ad]\s*\n\s*|\u2010 ", "", joined)  # words hyphenated at a line end
    return re.sub(r"\s+", " ", joined)


def page_count(data: bytes) -> int:
    return len(reader(data).pages)


def title(data: bytes) -> str:
    return str(reader(data).metadata.get("/Title", ""))


def language(data: bytes) -> str:
    return str(reader(data).trailer["/Root"].get("/Lang", ""))


def response_pdf(response) -> bytes:
    """The PDF bytes of a download response (checked: status 200, PDF, attachment)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content) if response.streaming else response.content
