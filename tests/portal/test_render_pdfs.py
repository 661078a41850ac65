"""`make pdfs` (render_pdfs): every kind of document of the demo as PDF, the first page of each as PNG."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from tests.reports import pdfs

pytestmark = pytest.mark.django_db

KINDS = {
    "invitation",
    "receipt",
    "selection_report",
    "contact_list",
    "final_report",
    "attendance_list",
    "invoice",
    "profile",
    "reference",
}


def test_catalogue_has_every_kind_of_document(seeded_once):
    from portal.document_catalogue import all_documents

    documents = list(all_documents(sample=True))
    assert {document.kind for document in documents} == KINDS
    paths = [document.path for document in documents]
    assert len(paths) == len(set(paths))
    assert all(path.endswith(".pdf") and ".." not in path for path in paths)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm missing: install Debian's poppler-utils")
def test_render_pdfs_writes_pdfs_and_first_pages_as_png(seeded_once, tmp_path):
    out = tmp_path / "pdfs"
    (out / "stale.pdf").parent.mkdir()
    (out / "stale.pdf").write_bytes(b"old")
    stdout = StringIO()
    call_command("render_pdfs", out=str(out), sample=True, stdout=stdout)
    written = sorted(out.rglob("*.pdf"))
    assert not (out / "stale.pdf").exists()
    assert len(written) == len(KINDS)
    for path in written:
        data = path.read_bytes()
        assert pdfs.page_count(data) >= 1, path
        png = path.with_suffix(".png")
        assert png.read_bytes().startswith(b"\x89PNG"), png
    assert "documents in" in stdout.getvalue()
    assert (out / "referenssida.pdf").exists()
