"""What an attachment really is, judged from its content, never from its name.

Accepted: PDF, DOCX, XLSX and ODT up to ``settings.ATTACHMENT_MAX_BYTES``. The
checks themselves live in ``core.uploads`` (hand-ins of homework use them too);
this module names what an application accepts. The Office formats are ZIP
archives, inspected without extracting them, with limits on the member count and
the declared uncompressed size so a zip bomb costs nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import uploads
from core.uploads import DOCX, ODT, PDF, XLSX

ACCEPTED = uploads.DOCUMENTS
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt"}

MAX_ZIP_MEMBERS = uploads.MAX_ZIP_MEMBERS
MAX_ZIP_UNCOMPRESSED = uploads.MAX_ZIP_UNCOMPRESSED

WRONG_TYPE = _("The file must be a PDF, Word (DOCX), OpenDocument text (ODT) or Excel (XLSX) document.")


def sniff_content_type(fileobj) -> str | None:
    """The content type of ``fileobj`` judged from its bytes, or None if it is not one we accept."""
    return uploads.sniff_content_type(
        fileobj, accepted=ACCEPTED, max_members=MAX_ZIP_MEMBERS, max_uncompressed=MAX_ZIP_UNCOMPRESSED
    )


def validate_attachment(uploaded) -> str:
    """Check size and type of an uploaded file; return its content type or raise ValidationError."""
    return uploads.validate_upload(
        uploaded,
        accepted=ACCEPTED,
        wrong_type=WRONG_TYPE,
        max_members=MAX_ZIP_MEMBERS,
        max_uncompressed=MAX_ZIP_UNCOMPRESSED,
    )
