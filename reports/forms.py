"""Forms of reports: the lead's sections of the final report.

Forms only validate and convert; ``reports.final_report.final_report_save`` saves.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import SECTION_MAX_LENGTH, FinalReport

MARKDOWN_HELP = _(
    "Markdown: a blank line between paragraphs, “- ” at the start of a line for a list, **bold**, "
    "## for a subheading. HTML and images are not shown. Leave it empty to leave the section out."
)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": SECTION_MAX_LENGTH})


class FinalReportForm(forms.ModelForm):
    """The five sections; all may be empty, none may be longer than ``SECTION_MAX_LENGTH`` characters."""

    class Meta:
        model = FinalReport
        fields = FinalReport.SECTIONS
        labels = {
            "summary": _("Summary"),
            "method": _("Method"),
            "strengths": _("Strengths"),
            "recommendations": _("Recommendations"),
            "next_steps": _("Next steps"),
        }
        help_texts = {
            "summary": _("What the network did and achieved, in a few paragraphs. It opens the report."),
            "method": _("How the network worked: meetings, analyses, homework, check-ins."),
            "strengths": _("What worked well, in the network and in the municipalities."),
            "recommendations": _("What the municipalities and the organiser should do next."),
            "next_steps": _("The plan after the network: decisions, workshops, follow-up."),
        }
        widgets = {
            "summary": _textarea(6),
            "method": _textarea(6),
            "strengths": _textarea(6),
            "recommendations": _textarea(8),
            "next_steps": _textarea(6),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.help_text = f"{field.help_text} {MARKDOWN_HELP}"

    def clean(self):
        cleaned = super().clean()
        # A browser sends every textarea, also an empty one; a post without one would wipe that section.
        if self.is_bound and any(name not in self.data for name in FinalReport.SECTIONS):
            raise forms.ValidationError(
                _("The form was not complete, so nothing was saved. Reload the page and try again."), code="incomplete"
            )
        return cleaned
