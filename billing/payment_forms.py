"""Forms of finance's payments page. Forms only validate and convert; billing.payments holds the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.batch_forms import DATE_INPUT, ShortDateField
from billing.payments import MAX_AMOUNT, find_invoice

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class AmountField(forms.DecimalField):
    """An amount in kronor, "1 234,50" or "1234.50"."""

    def to_python(self, value):
        if isinstance(value, str):
            if len(value) > 30:
                raise forms.ValidationError(_("Enter the amount as a number, e.g. 1 250,50."), code="invalid")
            value = value.replace("\u00a0", "").replace(" ", "").replace("kr", "").replace(",", ".")
        return super().to_python(value)


class InvoiceField(forms.CharField):
    """An issued invoice of the user's organisers, by its number or OCR reference."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Enter the invoice number or the OCR reference."),
                "max_length": _("No invoice has a number or OCR reference that long."),
            },
        )
        super().__init__(*args, **kwargs)


class _InvoiceLookupMixin:
    def clean_invoice(self):
        text = self.cleaned_data["invoice"]
        invoice = find_invoice(self.user, text)
        if invoice is None:
            raise forms.ValidationError(_("No issued invoice of yours has that number or OCR reference."))
        return invoice


class PaymentForm(_InvoiceLookupMixin, forms.Form):
    invoice = InvoiceField(label=_("Invoice number or OCR reference"))
    amount = AmountField(
        label=_("Amount (kr)"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        max_value=MAX_AMOUNT,
        error_messages={
            "required": _("Enter the amount paid."),
            "invalid": _("Enter the amount as a number, e.g. 1 250,50."),
            "min_value": _("The amount must be more than zero."),
            "max_value": _("The amount is too large."),
            "max_digits": _("The amount is too large."),
            "max_whole_digits": _("The amount is too large."),
            "max_decimal_places": _("The amount can have at most two decimals (öre)."),
        },
    )
    paid_on = ShortDateField(
        label=_("Paid on"),
        widget=DATE_INPUT,
        error_messages={"required": _("Enter the payment date."), "invalid": _("Enter a date such as 2024-03-15.")},
    )
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=35,
        error_messages={"max_length": _("Keep the reference to %(limit_value)s characters (it has %(show_value)s).")},
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The payment date cannot be in the future."), code="future")
        return paid_on


class AssignForm(_InvoiceLookupMixin, forms.Form):
    invoice = InvoiceField(label=_("Invoice number or OCR reference"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class BgMaxForm(forms.Form):
    file = forms.FileField(
        label=_("BgMax file from Bankgirot"),
        error_messages={"required": _("Choose the BgMax file to import."), "empty": _("The file is empty.")},
    )
    organizer = forms.ChoiceField(label=_("Organiser"), required=False)

    def __init__(self, *args, organizers, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizers = list(organizers)
        self.fields["organizer"].choices = [(str(o.pk), o.name) for o in self.organizers]
        if len(self.organizers) <= 1:
            self.fields["organizer"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB: a BgMax file is much smaller."), code="too_large"
            )
        return upload

    def clean_organizer(self):
        value = self.cleaned_data.get("organizer")
        if len(self.organizers) == 1:
            return self.organizers[0]
        chosen = next((o for o in self.organizers if str(o.pk) == value), None)
        if chosen is None:
            raise forms.ValidationError(_("Choose the organiser whose bankgiro the file is for."))
        return chosen
