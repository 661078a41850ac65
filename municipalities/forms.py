from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities import selectors
from municipalities.imports import MAX_BYTES, ImportFileError, decode_upload
from municipalities.models import County, Municipality


class MunicipalityFilterForm(forms.Form):
    """The list page's search and filters (GET); invalid values are ignored."""

    q = forms.CharField(
        label=_("Search name, code or organisation number"), required=False, max_length=100, widget=forms.SearchInput
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Municipality.Kind.choices]
    )
    county = forms.ModelChoiceField(
        label=_("County"), required=False, queryset=County.objects.all(), empty_label=_("All counties")
    )
    kommungrupp = forms.ChoiceField(label=_("SKR municipality group"), required=False)
    majority = forms.ChoiceField(
        label=_("Political majority"),
        required=False,
        choices=[("", _("All majorities")), *Municipality.Majority.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommungrupp"].choices = [("", _("All groups")), *selectors.kommungrupp_choices()]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def filters(self) -> dict:
        """The valid filters, for ``selectors.municipality_list``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or "",
            "kind": data.get("kind") or "",
            "county": data.get("county"),
            "kommungrupp": data.get("kommungrupp") or "",
            "majority": data.get("majority") or "",
        }


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows-1252, comma or semicolon separated, at most 2 MB and 2000 rows."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
        try:
            self.cleaned_data["text"], self.cleaned_data["encoding"] = decode_upload(upload.read(MAX_BYTES + 1))
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload
