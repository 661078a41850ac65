"""The selection report (urvalsrapport) as a PDF: the same content as its page, laid out for print.

Criteria and the rules with their weights, every applicant with its scores, the proposal (the chosen
with their shares, the left out with the best exchange), the decisions (accepted, waiting list, not
accepted, departures from the proposal) and the spread of applicants, proposal and accepted as bar
charts, each followed by its table.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application
from applications.selection_report import report_context
from reports import pdf

Decision = Application.Decision


def selection_report_context(network) -> dict:
    """The document's context, made in Swedish (rules in words and chart titles are texts made in Python)."""
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        context = report_context(network)
        bench = context["bench"]
        # The waiting list has its own section, in its order.
        groups = [
            (value, label, bench.by_decision(value)) for value, label in Decision.choices if value != Decision.WAITLIST
        ]
        title = _("Selection report")
        return context | {
            "title": f"{title}: {network.title}",
            "heading": title,
            "organizer_name": network.organizer.name,
            "logo": pdf.logo_data_uri(network.organizer),
            "document_date": timezone.localdate(),
            "description": network.title,
            "decision_groups": [(value, str(label), rows) for value, label, rows in groups if rows],
        }


def has_selection_report(network) -> bool:
    """A network has a selection report once an application has been submitted to it."""
    return network.applications.exclude(submitted_at=None).exists()


def selection_report_html(network) -> str:
    return pdf.render_html("reports/selection_report.html", selection_report_context(network))


def selection_report_pdf(network) -> bytes:
    return pdf.html_to_pdf(selection_report_html(network))


def selection_report_file_name(network) -> str:
    return pdf.file_name("urvalsrapport", network.slug)
