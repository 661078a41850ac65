"""What an uploaded file really is, judged from its content, never from its name.

Each caller says which types it accepts (``accepted``) and with which message it
refuses others. Known types: PDF; the Office formats DOCX, XLSX and PPTX and the
OpenDocument formats ODT and ODP, which are ZIP archives recognised by the
members that define them (the archive is inspected without extracting it, with
limits on the member count and the declared uncompressed size, so a zip bomb
costs nothing); and plain text, which has no signature, so it is taken only from
a file named ``.txt`` whose content is text (UTF-8, or Windows-1252) without
control characters.

The largest upload is ``settings.ATTACHMENT_MAX_BYTES`` unless the caller gives
``max_bytes``.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODP = "application/vnd.oasis.opendocument.presentation"
TXT = "text/plain"

EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PPTX: "pptx", ODT: "odt", ODP: "odp", TXT: "txt"}

# The documents accepted everywhere (applications' attachments).
DOCUMENTS = frozenset({PDF, DOCX, XLSX, ODT})

# OOXML: the part that tells a package's kind.
OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
OPENDOCUMENT = frozenset({ODT, ODP})

MAX_ZIP_MEMBERS = 5000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024

# Control characters plain text may not hold (tab, line feed, form feed and carriage return it may).
TEXT_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff_content_type(
    fileobj,
    *,
    accepted=DOCUMENTS,
    name: str = "",
    max_members: int = MAX_ZIP_MEMBERS,
    max_uncompressed: int = MAX_ZIP_UNCOMPRESSED,
) -> str | None:
    """The content type of ``fileobj`` judged from its bytes, or None if it is not one of ``accepted``.

    ``name`` (the user's file name) matters only for plain text, which has no signature.
    """
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            found = PDF
        elif head.startswith(b"PK\x03\x04"):
            found = _sniff_zip(fileobj, accepted, max_members, max_uncompressed)
        elif TXT in accepted and (name or "").lower().endswith(".txt"):
            found = TXT if _is_text(fileobj) else None
        else:
            found = None
    # A broken or hostile ZIP: bad directory, truncated or corrupt deflate data.
    # Each means "not a file we accept", never an error page.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        found = None
    finally:
        fileobj.seek(0)
    return found if found in accepted else None


def _sniff_zip(fileobj, accepted, max_members: int, max_uncompressed: int) -> str | None:
    with zipfile.ZipFile(fileobj) as archive:
        members = archive.infolist()
        if len(members) > max_members or sum(m.file_size for m in members) > max_uncompressed:
            return None
        names = {m.filename for m in members}
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            # Read only a small, unencrypted member in a method zipfile supports (OpenDocument stores it plainly).
            readable = info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.flag_bits & 0x1
            if readable and info.file_size <= 100:
                with archive.open(info) as member:
                    declared = member.read(101).strip().decode("ascii", "replace")
                if declared in OPENDOCUMENT and declared in accepted:
                    return declared
            return None
        if "[Content_Types].xml" not in names:
            return None
        for part, content_type in OOXML_PARTS:
            if part in names:
                return content_type
    return None


def _is_text(fileobj, chunk_size: int = 64 * 1024) -> bool:
    """Whether the whole file is text: UTF-8 (or else Windows-1252) without NUL or other control characters."""
    for encoding in ("utf-8-sig", "cp1252"):
        fileobj.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := fileobj.read(chunk_size):
                if not _text_ok(decoder.decode(chunk)):
                    return False
            if not _text_ok(decoder.decode(b"", final=True)):
                return False
        except UnicodeDecodeError:
            continue
        return True
    return False


def _text_ok(text: str) -> bool:
    return TEXT_FORBIDDEN.search(text) is None


def validate_upload(
    uploaded,
    *,
    accepted,
    wrong_type,
    max_bytes: int | None = None,
    max_members: int = MAX_ZIP_MEMBERS,
    max_uncompressed: int = MAX_ZIP_UNCOMPRESSED,
) -> str:
    """Check size and type of an uploaded file; return its content type or raise ValidationError.

    ``wrong_type`` is the message for a file of another type (it names the accepted ones).
    """
    max_bytes = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB."),
            code="too_large",
            params={"mb": max_bytes // (1024 * 1024)},
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = sniff_content_type(
        uploaded,
        accepted=accepted,
        name=getattr(uploaded, "name", "") or "",
        max_members=max_members,
        max_uncompressed=max_uncompressed,
    )
    if content_type is None:
        raise ValidationError(wrong_type, code="wrong_type")
    return content_type


def safe_file_name(name: str, *, content_type: str | None = None, default: str = "file") -> str:
    """The user's file name fit to show and to offer for download.

    Without a path, control characters or NUL, at most 255 characters; with
    ``content_type``, it ends with that type's extension (one is added if the
    name says otherwise), so the name never claims to be something the file is not.
    """
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".").strip()
    name = name or default
    extension = EXTENSIONS.get(content_type or "")
    if extension and not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    if len(name) > 255:
        suffix = f".{extension}" if extension else ""
        name = name[: 255 - len(suffix)] + suffix
    return name
