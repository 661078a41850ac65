"""Forms of the lead's follow-up page: a dated note, and the receipt of a commitment.

Forms only validate and convert; ``meetings.followup`` holds the rules (and checks them again).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.followup import EARLIEST_NOTE_DATE, NOTE_MAX_LENGTH, STOCKHOLM

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A date as typed is a few characters; anything much longer is not a date.
DATE_TEXT_MAX_LENGTH = 30


def _today():
    return timezone.localtime(timezone.now(), STOCKHOLM).date()


class NoteDateField(forms.DateField):
    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) > DATE_TEXT_MAX_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class NoteForm(forms.Form):
    noted_on = NoteDateField(
        label=_("Date"),
        widget=DATE_INPUT,
        error_messages={
            "required": _("Enter the date of the note."),
            "invalid": _("Enter a date such as 2024-03-15."),
        },
    )
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
        error_messages={
            "required": _("Write the note."),
            "max_length": _("Keep the note to %(limit_value)s characters (it has %(show_value)s)."),
        },
        help_text=_("Seen by the network’s leads only."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"noted_on": _today()})
        super().__init__(*args, **kwargs)

    def clean_noted_on(self):
        noted_on = self.cleaned_data["noted_on"]
        if noted_on > _today():
            raise forms.ValidationError(_("A note cannot be dated in the future."), code="future")
        if noted_on < EARLIEST_NOTE_DATE:
            raise forms.ValidationError(_("Enter a date from the year 2000 onwards."), code="too_early")
        return noted_on


class ReceiptForm(forms.Form):
    """Mark a commitment as received by the lead ("1"), or undo the receipt ("0")."""

    received = forms.TypedChoiceField(
        choices=[("1", _("Received")), ("0", _("Not received"))],
        coerce=lambda value: value == "1",
        error_messages={
            "required": _("The form was not understood. Reload the page and try again."),
            "invalid_choice": _("The form was not understood. Reload the page and try again."),
        },
    )
