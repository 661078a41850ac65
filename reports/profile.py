"""The efficiency profile of a municipality as a PDF: the page's figures, indices and charts, each chart with its table.

The content is the page's (municipalities.efficiency_page), so the page and the document never differ. The
profile belongs to no network: the header names the site, or the reader's organiser (name and logo) when the
reader is staff of exactly one organiser.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import roles
from municipalities.efficiency_page import efficiency_page_context
from municipalities.models import Municipality
from networks.models import Organizer
from reports import pdf

TEMPLATE = "reports/profile.html"
# The document stays a readable length (and renders in a few seconds) with its ~60 key figures: every key figure
# in the overview and in the table of values per year, the first TREND_CHARTS (the efficiency indices come
# first) also as a chart with its table, over every year the page shows.
TREND_CHARTS = 6
YEAR_COLUMNS = 5


def header_organizer(user) -> Organizer | None:
    """The organiser whose name and logo head the document: the user's only organiser, else None (the site)."""
    organizer_ids = roles.organizer_ids(user) if user is not None else set()
    if organizer_ids is None or len(organizer_ids) != 1:
        return None
    return Organizer.objects.filter(pk=next(iter(organizer_ids))).first()


def profile_context(municipality: Municipality, *, user=None) -> dict:
    """The page's context and the document's: title, header (site or organiser), date. ``user`` decides, as on
    the page, whether the staff's efficiency models are included."""
    organizer = header_organizer(user)
    title = f"{_('Efficiency profile')}: {municipality.name}"
    context = efficiency_page_context(municipality=municipality, user=user)
    years, values = values_per_year(context["profiles"])
    return context | {
        "trend_charts": context["profiles"][:TREND_CHARTS],
        "years": years,
        "values_per_year": values,
        "title": title,
        "organizer_name": organizer.name if organizer else settings.SITE_NAME,
        "logo": pdf.logo_data_uri(organizer) if organizer else "",
        "document_date": timezone.localdate(),
        "description": _("Key figures of %(name)s against its municipality group and all municipalities.")
        % {"name": municipality.name},
        "site_name": settings.SITE_NAME,
    }


def values_per_year(sections: list, columns: int = YEAR_COLUMNS) -> tuple[list[int], list[tuple]]:
    """The last ``columns`` years any key figure has, and each key figure's section with its values those years
    (None where missing)."""
    years = sorted({point.year for section in sections for point in section.profile.trend})[-columns:]
    rows = []
    for section in sections:
        by_year = {point.year: point.value for point in section.profile.trend}
        rows.append((section, [by_year.get(year) for year in years]))
    return years, rows


def profile_html(municipality: Municipality, *, user=None) -> str:
    # The context holds text made by gettext and number formats (charts, words): make it in Swedish too.
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        return pdf.render_html(TEMPLATE, profile_context(municipality, user=user))


def profile_pdf(municipality: Municipality, *, user=None) -> bytes:
    return pdf.html_to_pdf(profile_html(municipality, user=user))


def profile_file_name(municipality: Municipality) -> str:
    """'effektivitetsprofil-upplands-vasby-2026-11-23.pdf' (Swedish, as the document)."""
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        return pdf.file_name(_("Efficiency profile"), municipality.name, timezone.localdate().isoformat())
