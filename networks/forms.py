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
from core.spreadsheet import FORMULA_PREFIXES
from municipalities.models import EfficiencyModel, Municipality, normalise_orgnr, validate_orgnr, validate_peppol_id
from networks.models import (
    Membership,
    MembershipCommitment,
    MembershipParticipant,
    Network,
    NetworkCommitment,
    NetworkContact,
    NetworkParticipantRole,
    Organizer,
    ParticipantGroup,
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


# --- Memberships ---------------------------------------------------------------------------

# A cell beginning with one of these is run as a formula by spreadsheets (CSV injection); the
# one-line fields below end up in exports (participant lists, invoices), so they are refused.

ADDRESS_MAX_LENGTH = 500
MAX_PARTICIPANTS = 100  # a hard cap on the rows of one post; the network's own maximum is guidance only
OTHER_ROLE = "__other__"
PARTICIPANT_KEYS = ("name", "email", "title", "role")


def validate_not_formula(value: str) -> None:
    if value and value.startswith(FORMULA_PREFIXES):
        raise forms.ValidationError(
            _("The text must not begin with =, +, -, @ or a tab: spreadsheets would run it as a formula."),
            code="formula",
        )


def _model_field(model, name: str, *, formula_check: bool = True, **kwargs) -> forms.Field:
    """The model field's form field (its label and length), optional; one-line text refuses formulas."""
    field = model._meta.get_field(name).formfield(required=False, **kwargs)
    if formula_check and isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField):
        field.validators.append(validate_not_formula)
    return field


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DirectMembershipForm(forms.Form):
    """A lead adds a member without an application; the service says why one cannot be added."""

    municipality = forms.ModelChoiceField(label=_("Municipality or region"), queryset=Municipality.objects.none())
    started_on = forms.DateField(
        label=_("Member from"), required=False, widget=DATE_INPUT, help_text=_("Today if left empty.")
    )
    confirm_over_capacity = forms.BooleanField(label=_("Add even though all places are taken"), required=False)

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        # Any register entry validates, so that a member or a wrong kind gets the service's clear
        # message; the list offers only those of the network's kind that are not active members.
        field.queryset = Municipality.objects.filter(is_active=True)
        kinds = {
            Network.Eligibility.MUNICIPALITIES: [Municipality.Kind.MUNICIPALITY],
            Network.Eligibility.REGIONS: [Municipality.Kind.REGION],
        }.get(network.eligibility, [Municipality.Kind.MUNICIPALITY, Municipality.Kind.REGION])
        members = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).values("municipality")
        offered = field.queryset.filter(kind__in=kinds).exclude(pk__in=members).order_by("name")
        field.choices = [("", "—"), *offered.values_list("pk", "name")]


class MembershipInvoiceForm(forms.Form):
    invoice_orgnr = _model_field(
        Membership, "invoice_orgnr", max_length=20, help_text=_("Ten digits, e.g. 212000-0142.")
    )
    invoice_email = _model_field(Membership, "invoice_email")
    invoice_address = _model_field(
        Membership, "invoice_address", max_length=ADDRESS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    buyer_reference = _model_field(
        Membership,
        "buyer_reference",
        label=_("Your reference (“er referens”)"),
        help_text=_("Required on the invoice: a name or code your municipality uses to route it."),
    )
    peppol_id = _model_field(Membership, "peppol_id", help_text=_("Usually 0007: followed by the organisation number."))

    def clean_invoice_orgnr(self):
        value = normalise_orgnr(self.cleaned_data.get("invoice_orgnr") or "")
        if value:
            validate_orgnr(value)
        return value

    def clean_peppol_id(self):
        value = (self.cleaned_data.get("peppol_id") or "").strip()
        if value:
            validate_peppol_id(value)
        return value


class MembershipCommitmentForm(forms.Form):
    """The answer to one of the network's commitments, as in the application."""

    confirmed = _model_field(MembershipCommitment, "confirmed", label=_("We commit to this"))
    decision_date = _model_field(MembershipCommitment, "decision_date", widget=DATE_INPUT)
    decision_reference = _model_field(MembershipCommitment, "decision_reference")
    decision_pending = _model_field(MembershipCommitment, "decision_pending")
    expected_date = _model_field(MembershipCommitment, "expected_date", widget=DATE_INPUT)
    # Free text: may well begin with "-" (a list), and is not exported as a cell of its own.
    details = _model_field(
        MembershipCommitment,
        "details",
        formula_check=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, commitment: NetworkCommitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        if commitment.kind != NetworkCommitment.Kind.DECISION:
            for name in ("decision_date", "decision_reference", "decision_pending", "expected_date"):
                del self.fields[name]

    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class MembershipParticipantForm(forms.Form):
    """One participant; a row left empty is no participant, a started one needs a name and an e-mail."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = _model_field(MembershipParticipant, "name")
    email = _model_field(MembershipParticipant, "email")
    title = _model_field(MembershipParticipant, "title")
    role = _model_field(MembershipParticipant, "role")
    role_other = forms.CharField(
        label=_("Other role"), max_length=150, required=False, validators=[validate_not_formula]
    )
    groups = forms.MultipleChoiceField(
        label=_("Takes part in"),
        choices=ParticipantGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Meetings are for one or more of these groups; the participant is invited to theirs."),
    )

    def __init__(self, *args, role_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if role_choices:
            choices = [("", "—"), *[(r, r) for r in role_choices], (OTHER_ROLE, _("Other (describe)"))]
            self.fields["role"] = forms.ChoiceField(label=_("Role in the network"), choices=choices, required=False)
            current = self.initial.get("role")
            if current and current not in role_choices:
                self.initial["role"], self.initial["role_other"] = OTHER_ROLE, current
        else:
            del self.fields["role_other"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == OTHER_ROLE:
            cleaned["role"] = (cleaned.get("role_other") or "").strip()
        if cleaned.get("DELETE"):
            return cleaned
        started = cleaned.get("id") or any(cleaned.get(name) for name in ("name", "email", "title", "role"))
        if started and not cleaned.get("name") and "name" not in self.errors:
            self.add_error("name", _("Enter the participant’s name."))
        if started and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter the participant’s e-mail address."))
        return cleaned

    def row(self) -> dict:
        values = {name: self.cleaned_data.get(name) or "" for name in PARTICIPANT_KEYS}
        return {"id": self.cleaned_data.get("id"), **values, "groups": list(self.cleaned_data.get("groups") or [])}


class BaseMembershipParticipantFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            email = (data.get("email") or "").lower()
            if email and email in seen:
                form.add_error("email", _("This person is already on the list."))
            seen.add(email)

    def rows(self) -> list[dict]:
        """The participants to keep, for membership_save_participants."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE") and (data.get("name") or data.get("email")):
                rows.append(form.row())
        return rows


MembershipParticipantFormSet = forms.formset_factory(
    MembershipParticipantForm,
    formset=BaseMembershipParticipantFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_PARTICIPANTS,
    absolute_max=MAX_PARTICIPANTS,
    validate_max=True,
)


def membership_participant_formset(*, participants, role_choices=(), data=None, extra: int = 1):
    initial = [
        {"id": p.pk, "groups": list(p.groups), **{name: getattr(p, name) for name in PARTICIPANT_KEYS}}
        for p in participants
    ]
    formset = MembershipParticipantFormSet(
        data=data, initial=initial, prefix="participants", form_kwargs={"role_choices": role_choices}
    )
    formset.extra = extra
    return formset


class MembershipLeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for leaving"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the municipality’s decision, or what was agreed with it."),
    )
    left_on = forms.DateField(
        label=_("Left on"), required=False, widget=DATE_INPUT, help_text=_("Today if left empty.")
    )
