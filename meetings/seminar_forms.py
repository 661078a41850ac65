"""The public sign-up form of an open seminar."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings import seminars
from meetings.invitations import DIETARY_MODES
from meetings.models import Meeting

HONEYPOT = "website"


class RegistrationForm(forms.Form):
    """Name, organisation, e-mail and, for a seminar on site, dietary needs; plus a field only robots fill in."""

    name = forms.CharField(
        label=_("Name"),
        max_length=seminars.NAME_MAX_LENGTH,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=seminars.ORGANISATION_MAX_LENGTH,
        help_text=_("E.g. your municipality, region or company."),
        error_messages={"required": _("Enter your organisation.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=seminars.EMAIL_MAX_LENGTH,
        help_text=_("The confirmation, with a link to cancel, is sent here."),
        error_messages={"required": _("Enter your e-mail address."), "invalid": _("Enter a valid e-mail address.")},
    )
    # Free text such as "- glutenfri" is normal here; the leads' CSV neutralises formulas.
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        max_length=seminars.DIETARY_MAX_LENGTH,
        required=False,
        help_text=_("Allergies or special diets, for the lunch and coffee. Deleted the day after the seminar."),
    )
    # The honeypot: hidden from people (and screen readers); a robot filling in every field is refused.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting.mode not in DIETARY_MODES:
            del self.fields["dietary_needs"]
        # The max_length message names the limit, so a huge value is refused, never cut short silently.
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = _("Keep it to %(limit_value)s characters.")

    def clean_website(self) -> str:
        if self.cleaned_data.get(HONEYPOT):
            raise forms.ValidationError(
                _("The form could not be sent. Reload the page and try again."), code="honeypot"
            )
        return ""

    @property
    def is_spam(self) -> bool:
        return HONEYPOT in self.errors

    def registration_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organisation": data["organisation"],
            "email": data["email"],
            "dietary_needs": data.get("dietary_needs") or "",
        }

    @classmethod
    def initial_from(cls, data) -> dict:
        """What was typed (for the form shown again after the rate limit), without the honeypot."""
        return {name: data.get(name, "") for name in ("name", "organisation", "email", "dietary_needs")}
