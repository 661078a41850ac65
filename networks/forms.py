"""Forms for the network leads' pages: the invitation and its parts."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts import roles
from municipalities.models import EfficiencyModel
from networks.models import (
    Network,
    NetworkCommitment,
    NetworkContact,
    NetworkParticipantRole,
    Organizer,
    ReviewCriterion,
)
from networks.permissions import networks_led_by
from networks.services import RESERVED_SLUGS, network_suggest_slug

# Business dates are Swedish whatever the server's or the user's time zone.
STOCKHOLM = ZoneInfo("Europe/Stockholm")
END_OF_DAY = time(23, 59)
START_OF_DAY = time(0, 0)
# Long texts are Markdown; a cap keeps a pasted book (or an attack) out of the database.
TEXT_MAX_LENGTH = 20_000

TEXT_FIELDS = (
    "summary",
    "background",
    "purpose",
    "working_forms",
    "timetable_note",
    "cost_note",
    "selection_process",
    "application_requirements",
    "contact_text",
)


class DateTimeWidget(forms.MultiWidget):
    """A date input and an optional time input, each with its own visible label."""

    def __init__(self, attrs=None, default_time: time = END_OF_DAY):
        self.default_time = default_time
        widgets = (
            forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        )
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if not value:
            return [None, None]
        local = timezone.localtime(value, STOCKHOLM)
        return [local.date(), local.time().replace(second=0, microsecond=0)]

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered here rather than by a template, so that the labels are part of
        # the widget wherever it is used (the default form renderer cannot see
        # the project's template directory).
        context = self.get_context(name, value, attrs)
        # Translated here, at render time, in the language of the request.
        time_help = _("(optional, %(time)s if empty)") % {"time": self.default_time.strftime("%H:%M")}
        labels = (_("Date"), format_html('{} <span class="text-body-secondary">{}</span>', _("Time"), time_help))
        parts = []
        for label, widget, sub in zip(labels, self.widgets, context["widget"]["subwidgets"], strict=True):
            html = widget.render(sub["name"], sub["value"], sub["attrs"], renderer)
            parts.append((sub["attrs"].get("id", ""), label, html))
        items = format_html_join(
            "",
            '<div class="col-auto"><label class="form-label small mb-0" for="{}">{}</label>{}</div>',
            parts,
        )
        return format_html('<div class="row g-2">{}</div>', items)


class StockholmDateTimeField(forms.MultiValueField):
    """A date and an optional time in Europe/Stockholm, stored as an aware datetime.

    A date alone means ``default_time`` (23:59 for a deadline: the whole day counts).
    """

    def __init__(self, *, default_time: time = END_OF_DAY, **kwargs):
        self.default_time = default_time
        fields = (
            forms.DateField(error_messages={"incomplete": _("Enter a date.")}),
            forms.TimeField(required=False),
        )
        kwargs.setdefault("widget", DateTimeWidget(default_time=default_time))
        kwargs.pop("max_length", None)
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not data_list[0]:
            return None
        day, clock = data_list[0], data_list[1] if len(data_list) > 1 else None
        return datetime.combine(day, clock or self.default_time, tzinfo=STOCKHOLM)


def lead_organizers(user) -> QuerySet[Organizer]:
    """Organisers where ``user`` is a network lead or administrator (all for a superuser)."""
    allowed = roles.organizer_ids(user, {roles.Role.NETWORK_LEAD, roles.Role.ADMINISTRATOR})
    queryset = Organizer.objects.all()
    return queryset if allowed is None else queryset.filter(pk__in=allowed)


class NetworkForm(forms.ModelForm):
    """The invitation. Status changes go through their own buttons, not this form."""

    applications_open_at = StockholmDateTimeField(
        label=_("Applications open"), required=False, default_time=START_OF_DAY
    )
    application_deadline = StockholmDateTimeField(label=_("Application deadline"), required=False)

    class Meta:
        model = Network
        fields = (
            "title",
            "slug",
            "organizer",
            "co_organizers",
            "summary",
            "background",
            "purpose",
            "working_forms",
            "period_start",
            "period_end",
            "period_text",
            "place",
            "timetable_note",
            "cost_note",
            "capacity",
            "selection_process",
            "applications_open_at",
            "application_deadline",
            "eligibility",
            "application_requirements",
            "participants_min",
            "participants_max",
            "requires_problem_description",
            "efficiency_models",
            "contact_text",
            "previous_cohort",
        )
        widgets = {
            "co_organizers": forms.CheckboxSelectMultiple,
            "efficiency_models": forms.CheckboxSelectMultiple,
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "eligibility": forms.RadioSelect,
        }
        help_texts = {
            "slug": _("Part of the address: /natverk/<address name>/. Letters a–z, digits and hyphens."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        organizers = lead_organizers(user)
        if self.instance.pk:
            # A co-organiser's lead may edit the network but keeps its invoicing organiser.
            organizers = Organizer.objects.filter(Q(pk__in=organizers) | Q(pk=self.instance.organizer_id))
        self.fields["organizer"].queryset = organizers
        self.fields["organizer"].empty_label = None
        self.fields["slug"].required = False
        for name in TEXT_FIELDS:
            field = self.fields[name]
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            field.widget.attrs.update({"rows": 4, "maxlength": TEXT_MAX_LENGTH})
        self.fields["summary"].widget.attrs["rows"] = 2
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["capacity"].validators.append(MinValueValidator(1))
        previous = Network.objects.filter(pk__in=networks_led_by(user).values("pk")).exclude(pk=self.instance.pk)
        self.fields["previous_cohort"].queryset = previous.order_by("title")
        # The models of the organisers the user leads, and those already chosen (kept if the user lost access).
        chosen = self.instance.efficiency_models.values("pk") if self.instance.pk else EfficiencyModel.objects.none()
        self.fields["efficiency_models"].queryset = EfficiencyModel.objects.filter(
            Q(organizer__in=lead_organizers(user)) | Q(pk__in=chosen)
        ).select_related("organizer")

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if not slug:
            # Suggested from the title when left empty (å, ä, ö become a, a, o).
            slug = network_suggest_slug(title=self.data.get("title", ""), exclude_pk=self.instance.pk)
        elif slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address name is reserved. Choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
        opens, deadline = cleaned.get("applications_open_at"), cleaned.get("application_deadline")
        if opens and deadline and deadline <= opens:
            self.add_error("application_deadline", _("The deadline must be after the applications open."))
        low, high = cleaned.get("participants_min"), cleaned.get("participants_max")
        if low is not None and high is not None and low > high:
            self.add_error("participants_max", _("The most participants cannot be fewer than the fewest."))
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end cannot be before the start."))
        organizer = cleaned.get("organizer")
        co_organizers = cleaned.get("co_organizers")
        if organizer and co_organizers and organizer in co_organizers:
            self.add_error("co_organizers", _("The invoicing organiser is not also a co-organiser."))
        return cleaned


class PartForm(forms.ModelForm):
    """One contact, commitment, role or criterion; its order may be left empty (0)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        if "description" in self.fields:
            self.fields["description"].max_length = TEXT_MAX_LENGTH
            self.fields["description"].validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class ContactForm(PartForm):
    class Meta:
        model = NetworkContact
        fields = ("name", "role", "phone", "email", "order")


class CommitmentForm(PartForm):
    class Meta:
        model = NetworkCommitment
        fields = ("kind", "title", "description", "order")
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX_LENGTH})}


class ParticipantRoleForm(PartForm):
    class Meta:
        model = NetworkParticipantRole
        fields = ("title", "order")


class ReviewCriterionForm(PartForm):
    class Meta:
        model = ReviewCriterion
        fields = ("title", "description", "order")
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX_LENGTH})}


def _formset(model, form):
    return forms.inlineformset_factory(
        Network, model, form=form, extra=1, can_delete=True, max_num=50, validate_max=True, absolute_max=100
    )


# (prefix, heading, formset class): the parts of an invitation edited on the same page.
PART_FORMSETS = (
    ("contacts", _("Contacts"), _formset(NetworkContact, ContactForm)),
    ("commitments", _("Commitments"), _formset(NetworkCommitment, CommitmentForm)),
    ("roles", _("Participant roles"), _formset(NetworkParticipantRole, ParticipantRoleForm)),
    ("criteria", _("Review criteria"), _formset(ReviewCriterion, ReviewCriterionForm)),
)


def part_formsets(*, data=None, instance: Network) -> list[tuple[str, forms.BaseInlineFormSet]]:
    return [(heading, cls(data=data, instance=instance, prefix=prefix)) for prefix, heading, cls in PART_FORMSETS]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Network.Status.choices)
