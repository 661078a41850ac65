"""Forms of finance's batch pages. Forms only validate and convert; billing.batches holds the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.batches import finance_organizers
from billing.models import InvoiceBatch
from networks.models import Network

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_TEXT_MAX_LENGTH = 30  # a date as typed is a few characters; anything much longer is not a date
TITLE_MAX_LENGTH = InvoiceBatch._meta.get_field("title").max_length


class ShortDateField(forms.DateField):
    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) > DATE_TEXT_MAX_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class BatchCreateForm(forms.Form):
    """What the due preview posts: a date, and optionally a network (its slug) or an organiser (its slug)."""

    due_on = ShortDateField(
        label=_("Due up to"),
        widget=DATE_INPUT,
        error_messages={
            "required": _("Enter the date up to which charges are due."),
            "invalid": _("Enter a date such as 2024-03-15."),
        },
    )
    network = forms.CharField(
        label=_("Network"),
        required=False,
        max_length=50,
        error_messages={"max_length": _("No such network.")},
    )
    organizer = forms.CharField(
        label=_("Organiser"),
        required=False,
        max_length=50,
        error_messages={"max_length": _("No such organiser.")},
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        error_messages={"max_length": _("Keep the title to %(limit_value)s characters (it has %(show_value)s).")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        organizers = finance_organizers(self.user)
        slug = (cleaned.get("network") or "").strip()
        network = None
        if slug:
            network = Network.objects.filter(slug=slug, organizer__in=organizers).select_related("organizer").first()
            if network is None:
                self.add_error("network", _("No such network of your organisers."))
                return cleaned
        organizer_slug = (cleaned.get("organizer") or "").strip()
        if network is not None:
            organizer = network.organizer
        elif organizer_slug:
            organizer = organizers.filter(slug=organizer_slug).first()
            if organizer is None:
                self.add_error("organizer", _("No such organiser of yours."))
                return cleaned
        else:
            candidates = list(organizers[:2])
            if len(candidates) != 1:
                self.add_error("organizer", _("Choose the organiser or the network."))
                return cleaned
            organizer = candidates[0]
        cleaned["network_obj"] = network
        cleaned["organizer_obj"] = organizer
        return cleaned
