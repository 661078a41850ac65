"""The application's forms: validation of formats only; completeness is checked on submit."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from applications.attachments import validate_attachment
from applications.models import Application, ApplicationCommitment, ProposedParticipant
from municipalities.models import Kpi, normalise_orgnr

TEXT_MAX = 20000  # characters in one free-text answer (about eight pages)
OTHER_ROLE = "__other__"


class ApplicationForm(forms.ModelForm):
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("PDF, Word (DOCX), OpenDocument text (ODT) or Excel (XLSX), at most 10 MB."),
    )

    class Meta:
        model = Application
        fields = [
            "motivation",
            "problem_area",
            "current_state",
            "problem",
            "goal",
            "invoice_orgnr",
            "invoice_email",
            "invoice_address",
            "buyer_reference",
            "peppol_id",
            "update_register",
        ]
        labels = {"buyer_reference": _("Your reference (“er referens”)")}
        help_texts = {
            "invoice_orgnr": _("Ten digits, e.g. 212000-0142."),
            "buyer_reference": _("Required on the invoice: a name or code your municipality uses to route it."),
            "peppol_id": _("Usually 0007: followed by the organisation number."),
        }
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 6}),
            "current_state": forms.Textarea(attrs={"rows": 5}),
            "problem": forms.Textarea(attrs={"rows": 5}),
            "goal": forms.Textarea(attrs={"rows": 4}),
            "invoice_address": forms.Textarea(attrs={"rows": 3}),
        }

    referenced_kpis = forms.ModelMultipleChoiceField(
        label=_("Key figures to reference"),
        queryset=Kpi.objects.filter(followed=True),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )

    def __init__(self, *args, network, profile=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        if not network.requires_problem_description:
            for name in ("problem_area", "current_state", "problem", "goal", "referenced_kpis"):
                del self.fields[name]
        else:
            # The choices shown are the profile's rows (no query); validation still asks the
            # database, so a tampered id (unknown or not followed) is a form error.
            self.fields["referenced_kpis"].choices = [(row.kpi.pk, row.kpi.title) for row in profile]
            if self.instance.pk and "referenced_kpis" not in self.initial:
                self.initial["referenced_kpis"] = [kpi.pk for kpi in self.instance.referenced_kpis.all()]
        for field in self.fields.values():
            field.required = False
            if isinstance(field.widget, forms.Textarea):
                field.validators.append(_max_length(TEXT_MAX))

    def clean_invoice_orgnr(self):
        value = (self.cleaned_data.get("invoice_orgnr") or "").strip()
        return normalise_orgnr(value) if value else ""

    def clean_peppol_id(self):
        return (self.cleaned_data.get("peppol_id") or "").strip()

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        if uploaded:
            validate_attachment(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        orgnr = cleaned.get("invoice_orgnr")
        if orgnr and not cleaned.get("peppol_id") and "peppol_id" not in self.errors:
            cleaned["peppol_id"] = f"0007:{orgnr}"
        return cleaned


def _max_length(limit):
    return MaxLengthValidator(limit)


class CommitmentForm(forms.ModelForm):
    """One of the network's commitments, confirmed with its details."""

    class Meta:
        model = ApplicationCommitment
        fields = ["confirmed", "decision_date", "decision_reference", "decision_pending", "expected_date", "details"]
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expected_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "details": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        self.fields["confirmed"].label = _("We commit to this")
        for field in self.fields.values():
            field.required = False
        self.fields["details"].validators.append(_max_length(TEXT_MAX))
        if commitment.kind != commitment.Kind.DECISION:
            for name in ("decision_date", "decision_reference", "decision_pending", "expected_date"):
                del self.fields[name]

    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class ParticipantForm(forms.ModelForm):
    role_other = forms.CharField(label=_("Other role"), max_length=150, required=False)

    class Meta:
        model = ProposedParticipant
        fields = ["name", "email", "title", "role"]

    def __init__(self, *args, role_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        choices = [("", "—"), *[(r, r) for r in role_choices], (OTHER_ROLE, _("Other (describe)"))]
        self.fields["role"] = forms.ChoiceField(label=_("Role in the network"), choices=choices, required=False)
        current = self.instance.role if self.instance.pk else ""
        if current and current not in role_choices:
            self.initial["role"] = OTHER_ROLE
            self.initial["role_other"] = current

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == OTHER_ROLE:
            cleaned["role"] = (cleaned.get("role_other") or "").strip()
        return cleaned

    def _post_clean(self):
        # Name and e-mail are checked on submit, so a draft may hold a half-filled row.
        pass

    def row(self) -> dict:
        return {
            "id": self.instance.pk,
            **{name: self.cleaned_data.get(name) or "" for name in ("name", "email", "title", "role")},
        }


class BaseParticipantFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            email = (form.cleaned_data.get("email") or "").lower()
            if email and email in seen:
                form.add_error("email", _("This person is already on the list."))
            seen.add(email)

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            row = form.row()
            if any(row[name] for name in ("name", "email", "title")):
                rows.append(row)
        return rows


def participant_formset_class(network):
    limit = network.participants_max or 20
    return inlineformset_factory(
        Application,
        ProposedParticipant,
        form=ParticipantForm,
        formset=BaseParticipantFormSet,
        fields=["name", "email", "title", "role"],
        extra=0,
        can_delete=True,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )


def participant_formset(network, *, data=None, instance=None, role_choices=(), extra=0):
    cls = participant_formset_class(network)
    cls.extra = extra
    return cls(data=data, instance=instance, prefix="participants", form_kwargs={"role_choices": role_choices})
