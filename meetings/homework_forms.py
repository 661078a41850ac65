"""Forms of the hand-in pages: a member municipality's hand-in, and the lead's receipt of one.

The forms check formats (length, file type and size) with clear messages; the
rules (who may hand in, something must remain) are the services' (meetings.homework).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings import homework as services


class HandInForm(forms.Form):
    # No maxlength attribute: a browser would cut pasted text silently; the server says how long it may be.
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument (ODT, ODP) or plain text (TXT), "
            "at most 10 MB. A new file replaces the one handed in."
        ),
    )

    def __init__(self, *args, submission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = gettext("At most %(max)s characters.") % {
            "max": f"{services.TEXT_MAX_LENGTH:,}".replace(",", "\u00a0")
        }
        self.submission = submission
        self.has_file = bool(submission is not None and submission.file)
        if submission is not None and "text" not in self.initial:
            self.initial["text"] = submission.text

    def clean_text(self):
        try:
            return services.clean_text(self.cleaned_data.get("text") or "")
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["text"]) from None

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            self.content_type = services.validate_file(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("text") and not cleaned.get("file") and not self.has_file:
            raise forms.ValidationError(services.NOTHING_HANDED_IN, code="empty")
        return cleaned


class ReceiptForm(forms.Form):
    """The lead's mark: received, or not received after all."""

    received = forms.TypedChoiceField(
        choices=[("1", _("Received")), ("0", _("Not received"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("The form was not understood. Reload the page and try again.")},
    )
