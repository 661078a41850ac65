"""The application receipt (kvitto): what a municipality submitted, as it was submitted, with its version and time.

The content is the submitted version's snapshot (``ApplicationVersion.data``, made by
``applications.services.application_snapshot``), never the application as it is now: a receipt of version 2
shows what version 2 said, whatever was changed later. A draft that was never submitted has no receipt.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications import selectors
from applications.models import Application, ApplicationVersion
from networks.models import NetworkCommitment
from reports import pdf

TEMPLATE = "reports/receipt.html"


class NoReceipt(LookupError):
    """The application has no submitted version (or not the one asked for)."""


def receipt_version(application: Application, number: int | None = None) -> ApplicationVersion:
    """The submitted version ``number`` of ``application``, or its latest one; ``NoReceipt`` when there is none."""
    version = selectors.application_version(application, number)
    if version is None:
        raise NoReceipt(f"application {application.pk} has no submitted version {number or ''}".strip())
    return version


def _contact_persons(data: dict) -> list[str]:
    """The names the municipality gave for the contact-person commitment (seed 002's "kontaktperson")."""
    return [
        answer["details"]
        for answer in data.get("commitments", [])
        if answer.get("kind") == NetworkCommitment.Kind.CONTACT_PERSON and answer.get("details")
    ]


def receipt_context(application: Application, version: ApplicationVersion) -> dict:
    """Everything the receipt shows (a constant number of queries)."""
    network = application.network
    organizer = network.organizer
    data = version.data
    submitted_at = timezone.localtime(version.submitted_at)
    with translation.override(pdf.DOCUMENT_LANGUAGE):  # the title is the document's, in Swedish
        title = _("Application receipt: %(municipality)s, %(network)s, version %(version)s") % {
            "municipality": application.municipality.name,
            "network": network.title,
            "version": version.number,
        }
    return {
        "title": title,
        "organizer_name": organizer.name,
        "logo": pdf.logo_data_uri(organizer),
        "document_date": timezone.localdate(),
        "application": application,
        "network": network,
        "municipality": application.municipality,
        "version": version,
        "submitted_at": submitted_at,
        "submitted_by": version.submitted_by,
        "data": data,
        "fields": data.get("fields", {}),
        "contact_persons": _contact_persons(data),
        "later_version": application.version if application.version > version.number else None,
    }


def receipt_html(application: Application, version: ApplicationVersion) -> str:
    return pdf.render_html(TEMPLATE, receipt_context(application, version))


def receipt_pdf(application: Application, version: ApplicationVersion | None = None) -> bytes:
    """The receipt of ``version`` (by default the latest submitted one) as PDF bytes; ``NoReceipt`` for a draft."""
    if version is None:
        version = receipt_version(application)
    elif version.application_id != application.pk:
        raise NoReceipt(f"version {version.pk} is not of application {application.pk}")
    return pdf.html_to_pdf(receipt_html(application, version))


def receipt_file_name(application: Application, version: ApplicationVersion) -> str:
    return pdf.file_name("kvitto", application.municipality.name, application.network.slug, f"v{version.number}")
