"""What an attachment really is, judged from its content, never from its name.

Accepted: PDF, DOCX, XLSX and ODT up to ``settings.ATTACHMENT_MAX_BYTES``. The
Office formats are ZIP archives; they are recognised by the members that define
them, and the archive is inspected without extracting it, with limits on the
member count and the declared uncompressed size so a zip bomb costs nothing.
"""

from __future__ import annotations

import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt"}

MAX_ZIP_MEMBERS = 5000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024

WRONG_TYPE = _("The file must be a PDF, Word (DOCX), OpenDocument text (ODT) or Excel (XLSX) document.")


def sniff_content_type(fileobj) -> str | None:
    """The content type of ``fileobj`` judged from its bytes, or None if it is not one we accept."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        return _sniff_zip(fileobj)
    # A broken or hostile ZIP: bad directory, truncated or corrupt deflate data.
    # Each means "not a document we accept", never an error page.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        return None
    finally:
        fileobj.seek(0)


def _sniff_zip(fileobj) -> str | None:
    with zipfile.ZipFile(fileobj) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
            return None
        names = {m.filename for m in members}
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            # Read only a small, unencrypted member in a method zipfile supports (ODT stores it plainly).
            readable = info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.flag_bits & 0x1
            if readable and info.file_size <= 100:
                with archive.open(info) as member:
                    if member.read(101).strip() == ODT.encode():
                        return ODT
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def validate_attachment(uploaded) -> str:
    """Check size and type of an uploaded file; return its content type or raise ValidationError."""
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB."),
            code="too_large",
            params={"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    return content_type
