"""Forms of the fee pages: a network's fee schedule (tiers and installments as small formsets), confirming a
member's population, and the date and network of finance's "what is due" preview.

Forms only convert and check the shape of the input; billing.fees holds the rules (shares summing to 100 %,
increasing limits, VAT)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from billing import fees
from billing.models import FeeSchedule, VatCategory
from meetings.forms import DATE_INPUT, SwedishDecimalField
from networks.forms import validate_not_formula

VAT_RATES = (("25", "25 %"), ("12", "12 %"), ("6", "6 %"), ("0", "0 %"))


class PopulationField(forms.CharField):
    """A number of inhabitants as people write it: "15 000" or "15000"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 15)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        if isinstance(value, str) and len(value) > 15:
            raise forms.ValidationError(_("Give a number of inhabitants such as 15 000."), code="invalid")
        return super().clean(value)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        digits = re.sub(r"\s", "", value)
        if not digits.isdigit():
            raise forms.ValidationError(_("Give a number of inhabitants such as 15 000."), code="invalid")
        number = int(digits)
        if not 0 < number <= fees.MAX_POPULATION:
            raise forms.ValidationError(_("Give a number of inhabitants such as 15 000."), code="invalid")
        return number

    def run_validators(self, value):  # the length is checked on the text, before parsing
        pass

    def prepare_value(self, value):
        return fees.inhabitants(value).replace("\u00a0", " ") if isinstance(value, int) else value


def _amount(label, **kwargs) -> SwedishDecimalField:
    return SwedishDecimalField(
        label=label, required=False, min_value=0, max_value=fees.MAX_AMOUNT, max_digits=12, decimal_places=2, **kwargs
    )


class FeeScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of fee"), choices=FeeSchedule.Kind.choices, widget=forms.RadioSelect, initial="flat"
    )
    flat_amount = _amount(_("Fee per member (excl. VAT)"), help_text=_("For a flat fee, e.g. 15 000."))
    population_year = forms.IntegerField(
        label=_("Population of the year"),
        required=False,
        min_value=fees.POPULATION_YEARS[0],
        max_value=fees.POPULATION_YEARS[1],
        help_text=_(
            "Kolada's N01951 (inhabitants 31 December) of this year decides the tier. "
            "Empty: the latest year Kolada has when the membership starts."
        ),
    )
    vat_category = forms.ChoiceField(label=_("VAT"), choices=VatCategory.choices, initial=VatCategory.STANDARD)
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VAT_RATES, initial="25")
    vat_exemption_reason = forms.CharField(
        label=_("Reason for the exemption from VAT"),
        required=False,
        max_length=300,
        validators=[validate_not_formula],
        help_text=_("Needed when the fee is exempt or outside the scope of VAT; printed on the invoice."),
    )
    payment_terms_days = forms.IntegerField(label=_("Days to pay"), min_value=1, max_value=120, initial=30)
    bill_meeting_costs = forms.BooleanField(
        label=_("Bill the costs of meetings on site per attendee, on top of the fee"), required=False
    )
    line_text = forms.CharField(
        label=_("Invoice line text"),
        required=False,
        max_length=200,
        validators=[validate_not_formula],
        help_text=_("E.g. “Deltagaravgift nätverket Effektivare kommun”. The installment is added."),
    )

    @classmethod
    def initial_for(cls, schedule: FeeSchedule | None) -> dict:
        if schedule is None:
            return {}
        initial = {name: getattr(schedule, name) for name in fees.SCHEDULE_FIELDS}
        initial["vat_rate"] = str(int(schedule.vat_rate)) if schedule.vat_rate == int(schedule.vat_rate) else ""
        return initial

    def schedule_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("vat_category") != VatCategory.STANDARD:
            data["vat_rate"] = "0"
        return data


class TierForm(forms.Form):
    up_to = PopulationField(label=_("Up to and including (inhabitants)"), required=False)
    amount = _amount(_("Fee (excl. VAT)"))


class InstallmentForm(forms.Form):
    share = SwedishDecimalField(
        label=_("Share, %"), required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    invoice_on = forms.DateField(label=_("Invoiced on"), required=False, widget=DATE_INPUT)
    label = forms.CharField(
        label=_("Label on the invoice"), required=False, max_length=100, validators=[validate_not_formula]
    )

    def clean_invoice_on(self):
        value = self.cleaned_data.get("invoice_on")
        if value and not fees.YEARS[0] <= value.year <= fees.YEARS[1]:
            raise forms.ValidationError(_("Give a date between 2000 and 2100."))
        return value


class _Rows(forms.BaseFormSet):
    fields: tuple[str, ...] = ()

    def rows(self) -> list[dict]:
        """The filled rows in order (empty rows are left out)."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if all(data.get(name) in (None, "") for name in self.fields):
                continue
            rows.append({name: data.get(name) for name in self.fields})
        return rows


class TierRows(_Rows):
    fields = ("up_to", "amount")


class InstallmentRows(_Rows):
    fields = ("share", "invoice_on", "label")

    def rows(self) -> list[dict]:
        return [row for row in super().rows() if row["share"] is not None or row["invoice_on"] is not None]


TierFormSet = forms.formset_factory(
    TierForm, formset=TierRows, extra=0, min_num=0, max_num=fees.MAX_TIERS, absolute_max=fees.MAX_TIERS,
    validate_max=True,
)  # fmt: skip
InstallmentFormSet = forms.formset_factory(
    InstallmentForm, formset=InstallmentRows, extra=0, max_num=fees.MAX_INSTALLMENTS,
    absolute_max=fees.MAX_INSTALLMENTS, validate_max=True,
)  # fmt: skip


def tier_formset(schedule: FeeSchedule | None, data=None) -> TierRows:
    initial = [{"up_to": t.up_to, "amount": t.amount} for t in fees._tiers(schedule)] if schedule else []
    initial += [{}] * max(1, 3 - len(initial)) if data is None else []
    return TierFormSet(data=data, initial=initial if data is None else None, prefix="tiers")


def installment_formset(schedule: FeeSchedule | None, data=None) -> InstallmentRows:
    initial = (
        [{"share": i.share, "invoice_on": i.invoice_on, "label": i.label} for i in schedule.installments.all()]
        if schedule
        else []
    )
    initial += [{}] * max(1, 3 - len(initial)) if data is None else []
    return InstallmentFormSet(data=data, initial=initial if data is None else None, prefix="installments")


class ConfirmBasisForm(forms.Form):
    population = PopulationField(
        label=_("Corrected population"), required=False, help_text=_("Only if the figure shown is wrong.")
    )
    population_year = forms.IntegerField(
        label=_("Year of the figure"),
        required=False,
        min_value=fees.POPULATION_YEARS[0],
        max_value=fees.POPULATION_YEARS[1],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("population") is not None and cleaned.get("population_year") is None:
            self.add_error("population_year", _("Give the year of the corrected figure."))
        return cleaned


class DueForm(forms.Form):
    """The date and (optionally) the network of the preview, from the query string."""

    datum = forms.DateField(label=_("Due up to and including"), required=False, widget=DATE_INPUT)
    natverk = forms.SlugField(label=_("Network"), required=False, max_length=80)

    def clean_datum(self):
        value = self.cleaned_data.get("datum")
        if value and not fees.YEARS[0] <= value.year <= fees.YEARS[1]:
            raise forms.ValidationError(_("Give a date between 2000 and 2100."))
        return value
