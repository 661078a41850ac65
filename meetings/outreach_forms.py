"""The form of a lead's message to a meeting's invitees. It validates and converts; the rules are in
``meetings.outreach``. Too long a text is refused with a message, never cut."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings.outreach import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, Recipients


class MessageForm(forms.Form):
    to = forms.ChoiceField(
        label=_("To"),
        choices=Recipients.choices,
        initial=Recipients.ALL,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whom to send the message to."),
            "invalid_choice": _("Choose whom to send the message to."),
        },
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        error_messages={
            "required": _("Write a subject."),
            "max_length": _("Keep the subject to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text. Each recipient also gets their personal link to the meeting."),
        error_messages={
            "required": _("Write a message."),
            "max_length": _("Keep the message to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )

    def __init__(self, *args, counts: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if counts is not None:
            self.fields["to"].choices = [
                (
                    value,
                    ngettext("%(label)s (%(count)s person)", "%(label)s (%(count)s people)", counts.get(value, 0))
                    % {"label": label, "count": counts.get(value, 0)},
                )
                for value, label in Recipients.choices
            ]
