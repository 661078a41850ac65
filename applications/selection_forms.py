"""Forms of the selection pages: a network's selection rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import SelectionRules
from municipalities.classification import REGION_CLASS, SIZE_CLASSES
from networks.models import Network

MAX_CAPACITY = 100
MAX_WEIGHT = 10
# The form's value for "no spread bonus": the model stores "", but a required choice cannot be blank.
NO_COVERAGE = "none"


def size_classes_for(network: Network) -> list:
    """The size classes a rule can matter for: the kommun classes, the region class, or both.

    "Population unknown" is left out: it is a gap in the register, not a size to select by.
    """
    kommuner = network.eligibility in (Network.Eligibility.MUNICIPALITIES, Network.Eligibility.BOTH)
    regions = network.eligibility in (Network.Eligibility.REGIONS, Network.Eligibility.BOTH)
    return [*(SIZE_CLASSES if kommuner else []), *([REGION_CLASS] if regions else [])]


def _number(**kwargs) -> forms.FloatField:
    # Localised: "1,5" (Swedish) and "1.5" both read as one and a half; a text input, not type=number.
    field = forms.FloatField(min_value=0, max_value=MAX_WEIGHT, localize=True, **kwargs)
    field.widget.attrs["inputmode"] = "decimal"
    return field


def _places(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=0, max_value=MAX_CAPACITY, **kwargs)


class SelectionRulesForm(forms.Form):
    """The rules of ``applications/selection.py`` for one network, and its number of places."""

    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("How many municipalities the selection chooses; this is the network's number of places."),
    )
    weight_score = _number(
        label=_("Weight of the review score"),
        help_text=_("From 0 to 10. How much the reviewers' average score counts; 0 leaves it out."),
    )
    weight_need = _number(
        label=_("Weight of the need of support"),
        help_text=_("From 0 to 10. How much the need of support from the efficiency key figures counts."),
    )
    coverage = forms.ChoiceField(
        label=_("Spread over"),
        widget=forms.RadioSelect,
        help_text=_(
            "Favours municipalities from as many riksområden or counties as possible: a bonus for each one covered."
        ),
    )
    coverage_bonus = _number(
        label=_("Bonus per area covered"),
        help_text=_("From 0 to 10, added once for each area among the chosen; compare with the weights above."),
    )
    bloc_max_difference = _places(
        label=_("Political balance: largest difference between the blocs"),
        help_text=_(
            "The chosen left-majority and right-majority municipalities may differ by at most this many; "
            "cross-bloc and unclear majorities count as neither. Blank: no rule."
        ),
    )
    county_max = forms.IntegerField(
        label=_("At most per county"),
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("No more than this many chosen municipalities from one county. Blank: no rule."),
    )
    offer_days = forms.IntegerField(
        label=_("Days to answer an offer from the waiting list"),
        min_value=1,
        max_value=90,
        help_text=_(
            "When a member leaves, the first on the waiting list is offered the place and has until 23:59 "
            "this many days later to answer; then the offer passes on."
        ),
    )

    def __init__(self, *args, size_classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.size_classes = list(size_classes)
        self.fields["coverage"].choices = [
            (value or NO_COVERAGE, label) for value, label in SelectionRules.Coverage.choices
        ]
        for size in self.size_classes:
            self.fields[self.min_name(size.key)] = _places(label=_("At least"))
            self.fields[self.max_name(size.key)] = _places(label=_("At most"))

    @staticmethod
    def min_name(key: str) -> str:
        return f"size_min_{key}"

    @staticmethod
    def max_name(key: str) -> str:
        return f"size_max_{key}"

    @classmethod
    def initial_from(cls, rules: SelectionRules, *, capacity: int) -> dict:
        """The form's initial values from saved (or default) rules and the network's places."""
        initial = {name: getattr(rules, name) for name in ("weight_score", "weight_need", "coverage_bonus")}
        initial.update(
            capacity=capacity,
            coverage=rules.coverage or NO_COVERAGE,
            bloc_max_difference=rules.bloc_max_difference,
            county_max=rules.county_max,
            offer_days=rules.offer_days,
        )
        for key, n in (rules.size_min or {}).items():
            initial[cls.min_name(key)] = n
        for key, n in (rules.size_max or {}).items():
            initial[cls.max_name(key)] = n
        return initial

    def size_rows(self):
        """(size class label, "at least" field, "at most" field) per size class, for the template."""
        return [
            (size.label, self[self.min_name(size.key)], self[self.max_name(size.key)]) for size in self.size_classes
        ]

    def clean(self):
        data = super().clean()
        capacity = data.get("capacity")
        minimums = {}
        for size in self.size_classes:
            low, high = data.get(self.min_name(size.key)), data.get(self.max_name(size.key))
            if low is not None and high is not None and low > high:
                self.add_error(
                    self.max_name(size.key), _("Must not be less than the minimum (%(minimum)s).") % {"minimum": low}
                )
            if capacity is None:
                continue
            for name, n in ((self.min_name(size.key), low), (self.max_name(size.key), high)):
                if n is not None and n > capacity:
                    self.add_error(name, _("More than the number of places (%(capacity)s).") % {"capacity": capacity})
            if low is not None:
                minimums[size.key] = low
        if capacity is not None and sum(minimums.values()) > capacity:
            self.add_error(
                None,
                _("The minimums per size class add up to %(total)s, more than the %(capacity)s places.")
                % {"total": sum(minimums.values()), "capacity": capacity},
            )
        return data

    def rules_data(self) -> dict:
        """The cleaned values for ``selection_rules_save``."""
        data = self.cleaned_data
        size_min, size_max = {}, {}
        for size in self.size_classes:
            if data[self.min_name(size.key)] is not None:
                size_min[size.key] = data[self.min_name(size.key)]
            if data[self.max_name(size.key)] is not None:
                size_max[size.key] = data[self.max_name(size.key)]
        return {
            "capacity": data["capacity"],
            "weight_score": data["weight_score"],
            "weight_need": data["weight_need"],
            "coverage": "" if data["coverage"] == NO_COVERAGE else data["coverage"],
            "coverage_bonus": data["coverage_bonus"],
            "size_min": size_min,
            "size_max": size_max,
            "bloc_max_difference": data["bloc_max_difference"],
            "county_max": data["county_max"],
            "offer_days": data["offer_days"],
        }
