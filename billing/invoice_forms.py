"""Forms of the invoice pages: the finance list's filters and the credit note."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.invoicing import REASON_MAX_LENGTH, CreditLine
from billing.models import Invoice

SEARCH_MAX_LENGTH = 100


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Invoice.Status.choices])
    network = forms.ModelChoiceField(label=_("Network"), required=False, queryset=None, empty_label=_("All"))
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Invoice number or municipality."),
    )

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks

    def filter(self, queryset):
        """``queryset`` narrowed by the valid filters (all invoices when the filters are invalid)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["network"]:
            queryset = queryset.filter(network=data["network"])
        if data["q"].strip():
            text = data["q"].strip()
            queryset = queryset.filter(
                Q(number__icontains=text)
                | Q(buyer_name__icontains=text)
                | Q(membership__municipality__name__icontains=text)
            )
        return queryset


class CreditNoteForm(forms.Form):
    """Credit all that is left, or parts: for each line a quantity or an amount (excl. VAT)."""

    FULL, PARTIAL = "full", "partial"

    mode = forms.ChoiceField(
        label=_("What to credit"),
        choices=[(FULL, _("Everything left to credit")), (PARTIAL, _("Parts of lines"))],
        widget=forms.RadioSelect,
        initial=FULL,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the credit note."),
    )

    def __init__(self, *args, lines_left, **kwargs):
        """``lines_left``: (invoice line, amount left to credit of it) pairs."""
        super().__init__(*args, **kwargs)
        self.lines_left = lines_left
        self.line_fields = []
        for line, left in lines_left:
            quantity = forms.DecimalField(
                label=_("Quantity to credit of “%(line)s”") % {"line": line.description},
                required=False,
                min_value=Decimal("0.01"),
                max_value=line.quantity,
                max_digits=10,
                decimal_places=2,
                localize=True,  # 1,5 as well as 1.5
            )
            amount = forms.DecimalField(
                label=_("Amount to credit of “%(line)s”, excl. VAT") % {"line": line.description},
                required=False,
                min_value=Decimal("0.01"),
                max_value=max(left, Decimal("0.01")),
                max_digits=12,
                decimal_places=2,
                localize=True,
            )
            self.fields[f"quantity_{line.pk}"] = quantity
            self.fields[f"amount_{line.pk}"] = amount
            self.line_fields.append((line, left, self[f"quantity_{line.pk}"], self[f"amount_{line.pk}"]))

    def clean(self):
        data = super().clean()
        if data.get("mode") != self.PARTIAL:
            return data
        requested = []
        for line, _left in self.lines_left:
            quantity, amount = data.get(f"quantity_{line.pk}"), data.get(f"amount_{line.pk}")
            if quantity is not None and amount is not None:
                self.add_error(f"amount_{line.pk}", _("Give a quantity or an amount, not both."))
            elif quantity is not None or amount is not None:
                requested.append(CreditLine(line_id=line.pk, quantity=quantity, amount=amount))
        if not requested and not self.errors:
            raise forms.ValidationError(_("Give a quantity or an amount for at least one line."), code="no_lines")
        data["lines"] = requested
        return data

    def credit_lines(self) -> list[CreditLine] | None:
        """None for a full credit, else the requested parts."""
        return None if self.cleaned_data["mode"] == self.FULL else self.cleaned_data["lines"]
