"""Forms of the review pages: the list's filters (GET) and one reviewer's scores (POST)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.reviews import MAX_SCORE, ORDERINGS, ReviewFilters
from municipalities import selectors as municipality_selectors
from municipalities.models import County, Municipality

ALL_STATUSES = "all"
NOT_ASSESSED = "na"
COMMENT_MAX_LENGTH = 4000


def size_group_choices() -> list[tuple[str, str]]:
    """Kolada's size classes in the register, smallest first ("0-4 999" before "10 000-14 999")."""
    groups = Municipality.objects.exclude(kolada_size_group="").values_list("kolada_size_group", flat=True).distinct()

    def lower_bound(label: str) -> int:
        digits = re.match(r"[\d\s]+", label)
        return int(re.sub(r"\D", "", digits.group())) if digits else 0

    return [(group, group) for group in sorted(set(groups), key=lower_bound)]


def order_choices() -> list[tuple[str, str]]:
    labels = {
        "municipality": _("Municipality"),
        "county": _("County"),
        "submitted": _("Submitted"),
        "average": _("Average"),
        "spread": _("Spread"),
    }
    choices = []
    for key in ORDERINGS:
        choices.append((key, _("%(column)s, ascending") % {"column": labels[key]}))
        choices.append((f"-{key}", _("%(column)s, descending") % {"column": labels[key]}))
    return choices


class ReviewFilterForm(forms.Form):
    """Filters and sorting of the review list; invalid values fall back to the defaults."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    county = forms.ModelChoiceField(
        label=_("County"), required=False, queryset=County.objects.all(), empty_label=_("All counties")
    )
    kommungrupp = forms.ChoiceField(label=_("SKR municipality group"), required=False)
    size = forms.ChoiceField(label=_("Size class (Kolada)"), required=False)
    order = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Submitted (default)")),
            *[(v, label) for v, label in Application.Status.choices if v != Application.Status.SUBMITTED],
            (ALL_STATUSES, _("All statuses")),
        ]
        self.fields["kommungrupp"].choices = [("", _("All groups")), *municipality_selectors.kommungrupp_choices()]
        self.fields["size"].choices = [("", _("All sizes")), *size_group_choices()]
        self.fields["order"].choices = order_choices()
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def _clean_or_default(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}

    def filters(self) -> ReviewFilters:
        data = self._clean_or_default()
        status = data.get("status") or Application.Status.SUBMITTED
        county = data.get("county")
        return ReviewFilters(
            status="" if status == ALL_STATUSES else status,
            county_id=county.pk if county else None,
            kommungrupp=data.get("kommungrupp") or "",
            size_group=data.get("size") or "",
        )

    def ordering(self) -> str:
        return self._clean_or_default().get("order") or "municipality"


class ReviewScoreForm(forms.Form):
    """One reviewer's score and comment per criterion; "not assessed" is a choice, not a blank."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        score_choices = [(NOT_ASSESSED, _("Not assessed")), *[(str(n), str(n)) for n in range(MAX_SCORE + 1)]]
        for criterion in self.criteria:
            self.fields[self.score_name(criterion)] = forms.ChoiceField(
                label=_("Score: %(criterion)s") % {"criterion": criterion.title},
                choices=score_choices,
                initial=NOT_ASSESSED,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[self.comment_name(criterion)] = forms.CharField(
                label=_("Comment: %(criterion)s") % {"criterion": criterion.title},
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
            )

    @staticmethod
    def score_name(criterion) -> str:
        return f"score_{criterion.pk}"

    @staticmethod
    def comment_name(criterion) -> str:
        return f"comment_{criterion.pk}"

    @classmethod
    def initial_from(cls, reviews) -> dict:
        """The form's initial values from the reviewer's saved reviews."""
        initial = {}
        for review in reviews:
            initial[f"score_{review.criterion_id}"] = NOT_ASSESSED if review.score is None else str(review.score)
            initial[f"comment_{review.criterion_id}"] = review.comment
        return initial

    def rows(self):
        """(criterion, score field, comment field) per criterion, for the template.

        A field with errors is marked aria-invalid and described by its error text.
        """
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs.update({"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-errors"})
        return [(c, self[self.score_name(c)], self[self.comment_name(c)]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        """The cleaned scores for ``review_save``."""
        result = {}
        for criterion in self.criteria:
            raw = self.cleaned_data[self.score_name(criterion)]
            score = None if raw == NOT_ASSESSED else int(raw)
            result[criterion.pk] = (score, self.cleaned_data[self.comment_name(criterion)].strip())
        return result
