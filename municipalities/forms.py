from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities import majority_import, selectors
from municipalities.efficiency_models import model_problems
from municipalities.imports import MAX_BYTES, ImportFileError, decode_upload
from municipalities.models import County, EfficiencyModel, EfficiencyModelKpi, Kpi, Municipality


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


class MajorityImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows-1252, semicolon or comma separated, at most 1 MB and 2000 rows."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            if upload.size > majority_import.MAX_BYTES:
                raise ImportFileError(_("The file is larger than 1 MB. Split it into smaller files."))
            raw = upload.read(majority_import.MAX_BYTES + 1)
            self.cleaned_data["text"], self.cleaned_data["encoding"] = majority_import.decode_majority_upload(raw)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class MunicipalityMajorityForm(forms.ModelForm):
    """One municipality's political majority, edited by hand; the same rules as the import."""

    class Meta:
        model = Municipality
        fields = majority_import.MAJORITY_FIELDS
        widgets = {"majority_source_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "political_majority": _("Left and centre-right count as blocs in a selection; the others as neither."),
            "majority_parties": _("Abbreviations separated by semicolons or commas, e.g. M;KD;L."),
            "majority_source": _("Where the majority comes from, e.g. SKR, Styre i kommuner efter valet 2022."),
            "majority_source_date": _("The date of the source, as YYYY-MM-DD; not in the future."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["political_majority"].choices = [("", _("Not recorded")), *Municipality.Majority.choices]
        self.fields["majority_source_date"].input_formats = ["%Y-%m-%d"]
        for name in ("majority_parties", "kso_party", "majority_source"):
            self.fields[name].widget.attrs["maxlength"] = self.fields[name].max_length

    def _clean_text(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        majority_import.check_not_formula(value)
        return value

    def clean_majority_parties(self) -> str:
        return majority_import.normalise_parties(self._clean_text("majority_parties"))

    def clean_kso_party(self) -> str:
        return self._clean_text("kso_party")

    def clean_majority_source(self) -> str:
        return self._clean_text("majority_source")

    def clean_majority_source_date(self):
        date = self.cleaned_data.get("majority_source_date")
        if date is not None:
            majority_import.check_not_future(date, today=timezone.localdate())
        return date

    def clean(self):
        cleaned = super().clean()
        source_missing = not cleaned.get("majority_source") and "majority_source" not in self.errors
        if cleaned.get("political_majority") and source_missing:
            self.add_error(
                "majority_source",
                _("Say where the majority comes from: a source is required when a majority is recorded."),
            )
        return cleaned


DESCRIPTION_MAX_LENGTH = 5_000


class KpiChoice:
    """Labels of key figures in the model form: id, title, kind of value and direction."""

    @staticmethod
    def label(kpi: Kpi) -> str:
        unit = kpi.get_unit_display() if kpi.unit else _("kind of value not known")
        direction = kpi.get_direction_display() if kpi.direction else _("no direction")
        return f"{kpi.id} {kpi.title} ({unit}; {direction})"


class EfficiencyModelForm(forms.ModelForm):
    """A model's name and key figures; the rules of ``efficiency_models.model_problems`` decide what is sound."""

    quality = forms.ModelMultipleChoiceField(
        label=_("Quality or result"),
        queryset=Kpi.objects.none(),
        help_text=_("One or more. Each must have a direction (higher or lower is better)."),
    )
    volume = forms.ModelMultipleChoiceField(
        label=_("Volume"),
        queryset=Kpi.objects.none(),
        required=False,
        help_text=_(
            "Needed only when the resource is a total cost. When it is a cost per unit (kr/elev), "
            "the volume is already in it and is not used."
        ),
    )
    resource = forms.ModelChoiceField(
        label=_("Resource"),
        queryset=Kpi.objects.none(),
        help_text=_("A cost in kronor, in total or per unit. Shares and deviations cannot be divisors."),
    )

    class Meta:
        model = EfficiencyModel
        fields = ("name", "organizer", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organizers, **kwargs):
        super().__init__(*args, **kwargs)
        kpis = Kpi.objects.filter(followed=True).order_by("id")
        for name in ("quality", "volume", "resource"):
            self.fields[name].queryset = kpis
            self.fields[name].label_from_instance = KpiChoice.label
        self.fields["quality"].widget.attrs["size"] = 10
        self.fields["volume"].widget.attrs["size"] = 6
        self.fields["resource"].empty_label = _("Choose a cost")
        self.fields["organizer"].queryset = organizers
        self.fields["organizer"].empty_label = None
        self.fields["description"].max_length = DESCRIPTION_MAX_LENGTH
        self.fields["description"].validators.append(MaxLengthValidator(DESCRIPTION_MAX_LENGTH))
        self.fields["description"].widget.attrs["maxlength"] = DESCRIPTION_MAX_LENGTH
        if self.instance.pk and not self.is_bound:
            components = list(self.instance.components.all())
            for role in EfficiencyModelKpi.Role:
                ids = [component.kpi_id for component in components if component.role == role]
                self.initial[role.value] = ids[0] if role == EfficiencyModelKpi.Role.RESOURCE and ids else ids

    def clean(self):
        cleaned = super().clean()
        Role = EfficiencyModelKpi.Role
        parts = [(kpi, Role.QUALITY) for kpi in cleaned.get("quality") or []]
        parts += [(kpi, Role.VOLUME) for kpi in cleaned.get("volume") or []]
        if cleaned.get("resource") is not None:
            parts.append((cleaned["resource"], Role.RESOURCE))
        if self.errors:
            return cleaned  # a missing or invalid choice has its own message; the rules need all three
        for problem in model_problems(parts):
            self.add_error(problem.role or None, problem.message)
        return cleaned

    @property
    def volume_dropped(self) -> bool:
        resource = self.cleaned_data.get("resource")
        per_unit = resource is not None and resource.unit == Kpi.Unit.COST_PER_UNIT
        return bool(self.cleaned_data.get("volume")) and per_unit
