"""The selection workbench's reads: a row per submitted application, and how the applicants are spread.

One page holds what a network's leads need to decide an urval: each applicant's
register facts (county, riksområde, kommungrupp, population and size class,
political majority and bloc), review average and need of support, lock, the
current and the published decision, and what the latest run proposed and why
(the parts of a chosen applicant's contribution, the best swap of one left out).
It costs a constant number of queries whatever the number of applications.

The selection report reads the same rows, and ``rules_in_words`` tells the rules
of a run in sentences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import reviews
from applications.decisions import latest_run, proposed_decision, rules_snapshot
from applications.models import Application, SelectionRules, SelectionRun
from applications.selection_data import selection_rules
from municipalities.classification import BLOC_LABELS, SIZE_CLASS_CHOICES, SizeClass, bloc, size_class
from municipalities.efficiency_models import need_of_support
from municipalities.models import Municipality

Decision = Application.Decision
Lock = Application.Lock
NEITHER = "neither"  # the filter's name for the bloc "" (cross-bloc, other, unclear, unknown)
NO_DECISION = "none"

# The parts of a run's rules that shape its proposal (``SelectionRun.rules`` keeps more).
PROPOSAL_RULES = (
    "capacity",
    "weight_score",
    "weight_need",
    "coverage",
    "coverage_bonus",
    "size_min",
    "size_max",
    "bloc_max_difference",
    "county_max",
)
SORTS = ("name", "population", "score", "need", "value", "decision")
SIZE_ORDER = {key: index for index, (key, _label) in enumerate(SIZE_CLASS_CHOICES)}
DECISION_ORDER = {Decision.ACCEPTED: 0, Decision.WAITLIST: 1, Decision.REJECTED: 2, "": 3}
SWEDISH_LETTERS = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}", "é": "e", "ü": "y"})


@dataclass(frozen=True)
class WorkbenchFilters:
    """What the table is narrowed to; "" means no filter."""

    county: str = ""  # county code, e.g. "01"
    area: str = ""  # riksområde (NUTS 2), e.g. "SE11"
    size: str = ""  # size class key
    bloc: str = ""  # "left", "right" or NEITHER
    decision: str = ""  # a Decision value or NO_DECISION
    proposed: str = ""  # "yes" or "no"
    q: str = ""  # part of the municipality's name


@dataclass(frozen=True)
class Contribution:
    score: float
    need: float
    coverage: float
    total: float


@dataclass(frozen=True)
class SwapOption:
    replaces_id: int
    replaces_name: str
    cost: float  # how much the total would drop

    @property
    def tie(self) -> bool:
        """The exchange costs nothing that shows (an equally good choice; the earlier application won)."""
        return abs(self.cost) < 0.0005


@dataclass
class Row:
    """One submitted application on the workbench."""

    application: Application
    size: SizeClass
    bloc: str  # "left", "right" or ""
    average: float | None  # the review average (0–5)
    need: float | None  # 0–100; None when missing or not shown
    in_run: bool = False  # among the latest run's applicants
    proposed: str = ""  # Decision.ACCEPTED / WAITLIST from the latest run, "" without one
    value: float | None = None  # the run's value of the applicant (score part + need part)
    contribution: Contribution | None = None  # chosen: its parts of the total
    swap: SwapOption | None = None  # left out: the best single exchange
    missing_filled: bool = False  # its score or need was the applicants' median in the run

    @property
    def municipality(self) -> Municipality:
        return self.application.municipality

    @property
    def name(self) -> str:
        return self.municipality.name

    @property
    def county_code(self) -> str:
        return self.municipality.county.code

    @property
    def area_code(self) -> str:
        return self.municipality.county.nuts2_code

    @property
    def area_name(self) -> str:
        return self.municipality.county.riksomrade

    @property
    def bloc_label(self) -> str:
        return BLOC_LABELS[self.bloc]

    @property
    def chosen(self) -> bool:
        return self.proposed == Decision.ACCEPTED

    @property
    def proposed_label(self) -> str:
        return str(Decision(self.proposed).label) if self.proposed else ""

    @property
    def locked_out(self) -> bool:
        return self.application.selection_lock == Lock.OUT

    @property
    def decision(self) -> str:
        return self.application.decision

    @property
    def departs(self) -> bool:
        """The current decision is not what the latest run proposes (an override)."""
        return self.application.overrides_proposal

    @property
    def unpublished(self) -> bool:
        """The decision (or its rank) has changed since it was published, or was never published."""
        application = self.application
        return bool(application.decision) and (
            application.decision != application.published_decision or not application.decision_published_at
        )


@dataclass
class Workbench:
    network: object
    rules: SelectionRules
    run: SelectionRun | None
    show_need: bool
    all_rows: list[Row]
    rows: list[Row]  # filtered and sorted
    sort: str = "name"

    @property
    def chosen_ids(self) -> set[int]:
        return {row.application.pk for row in self.all_rows if row.chosen}

    @property
    def applicants(self) -> int:
        return len(self.all_rows)

    @property
    def places(self) -> int:
        return self.network.capacity

    @property
    def accept_all_possible(self) -> bool:
        return 0 < self.applicants <= self.places

    def count(self, decision: str) -> int:
        return sum(row.decision == decision for row in self.all_rows)

    @property
    def undecided(self) -> int:
        return self.count("")

    @property
    def decided(self) -> int:
        return self.applicants - self.undecided

    @property
    def counts(self) -> dict[str, int]:
        return {
            "accepted": self.count(Decision.ACCEPTED),
            "waitlist": self.count(Decision.WAITLIST),
            "rejected": self.count(Decision.REJECTED),
            "undecided": self.undecided,
        }

    @property
    def feasible_run(self) -> bool:
        return self.run is not None and self.run.status != SelectionRun.Status.INFEASIBLE

    @property
    def published(self) -> int:
        return sum(bool(row.application.published_decision) for row in self.all_rows)

    @property
    def unpublished(self) -> int:
        return sum(row.unpublished for row in self.all_rows)

    @property
    def overrides(self) -> list[Row]:
        return [row for row in self.all_rows if row.departs]

    def by_decision(self, decision: str) -> list[Row]:
        rows = [row for row in self.all_rows if row.decision == decision]
        if decision == Decision.WAITLIST:
            rows.sort(key=lambda row: (row.application.waitlist_rank or 10**6, sort_name_key(row.name)))
        return rows


def sort_name_key(name: str) -> str:
    """Swedish alphabetical order: å, ä, ö after z."""
    return name.casefold().translate(SWEDISH_LETTERS)


def show_need_of_support(network, rules: SelectionRules, models: list) -> bool:
    """The need of support is shown when the rules weigh it or the network has efficiency models for it."""
    return rules.weight_need > 0 or bool(models)


def _rows(network, *, with_decider: bool) -> list[Row]:
    queryset = reviews.application_review_list(network=network, filters=reviews.ReviewFilters(), criteria=[])
    if with_decider:
        queryset = queryset.select_related("decided_by")
    rows = []
    for application in queryset:
        municipality = application.municipality
        rows.append(
            Row(
                application=application,
                size=size_class(kind=municipality.kind, population=municipality.population),
                bloc=bloc(municipality.political_majority),
                average=None if application.average is None else round(float(application.average), 2),
                need=None,
            )
        )
    return rows


def _add_need(rows: list[Row], models: list) -> None:
    scores = need_of_support(models=models, municipality_ids=[row.application.municipality_id for row in rows])
    for row in rows:
        row.need = scores[row.application.municipality_id].score


def _add_run(rows: list[Row], run: SelectionRun | None) -> None:
    if run is None:
        return
    result = run.result or {}
    contributions = result.get("contributions", {})
    swaps = result.get("swaps", {})
    values = result.get("values", {})
    filled = set(result.get("missing_filled", []))
    for row in rows:
        key = str(row.application.pk)
        row.in_run = key in run.candidates
        if not row.in_run:
            continue  # submitted after the run: nothing proposed for it yet
        row.proposed = proposed_decision(run, row.application.pk)
        row.value = values.get(key)
        row.missing_filled = row.application.pk in filled
        part = contributions.get(key)
        if part and row.chosen:
            row.contribution = Contribution(part["score"], part["need"], part["coverage"], part["total"])
        swap = swaps.get(key)
        if swap:
            name = run.candidates.get(str(swap["replaces"]), {}).get("label", "")
            row.swap = SwapOption(replaces_id=swap["replaces"], replaces_name=name, cost=swap["cost"])


def workbench(
    network, *, filters: WorkbenchFilters | None = None, sort: str = "", with_decider: bool = False
) -> Workbench:
    """Every submitted application of ``network`` as a row, with the latest run's proposal and explanation.

    ``rows`` is narrowed by ``filters`` and sorted by ``sort`` (a key of SORTS, "-" in front for
    descending; anything else sorts by the proposal's value when there is a run, else by name);
    ``all_rows`` is every applicant, for the distributions.
    """
    rules = selection_rules(network)
    models = list(network.efficiency_models.all())
    show_need = show_need_of_support(network, rules, models)
    rows = _rows(network, with_decider=with_decider)
    if show_need and rows:
        _add_need(rows, models)
    run = latest_run(network)
    _add_run(rows, run)
    sort = clean_sort(sort, has_run=run is not None)
    shown = sort_rows(filter_rows(rows, filters or WorkbenchFilters()), sort)
    return Workbench(network=network, rules=rules, run=run, show_need=show_need, all_rows=rows, rows=shown, sort=sort)


def filter_rows(rows: list[Row], filters: WorkbenchFilters) -> list[Row]:
    def keep(row: Row) -> bool:
        if filters.county and row.county_code != filters.county:
            return False
        if filters.area and row.area_code != filters.area:
            return False
        if filters.size and row.size.key != filters.size:
            return False
        if filters.bloc and row.bloc != ("" if filters.bloc == NEITHER else filters.bloc):
            return False
        if filters.decision and row.decision != ("" if filters.decision == NO_DECISION else filters.decision):
            return False
        if filters.proposed and row.chosen != (filters.proposed == "yes"):
            return False
        return not filters.q or filters.q.casefold() in row.name.casefold()

    return [row for row in rows if keep(row)]


def clean_sort(sort: str, *, has_run: bool) -> str:
    """``sort`` when it is one of SORTS (with an optional "-"), else the default order."""
    if isinstance(sort, str) and sort.lstrip("-") in SORTS and sort.count("-") <= 1:
        return sort
    return "-value" if has_run else "name"


def _sort_value(row: Row, key: str):
    if key == "name":
        return sort_name_key(row.name)
    if key == "population":
        return row.municipality.population
    if key == "score":
        return row.average
    if key == "need":
        return row.need
    if key == "value":
        return row.value
    # decision: accepted, the waiting list in its order, not accepted, undecided
    return (DECISION_ORDER.get(row.decision, 3), row.application.waitlist_rank or 0)


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """Sorted by ``sort``; rows without a value come last either way, ties by name."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    rows = sorted(rows, key=lambda row: sort_name_key(row.name))
    present = [row for row in rows if _sort_value(row, key) is not None]
    missing = [row for row in rows if _sort_value(row, key) is None]
    present.sort(key=lambda row: _sort_value(row, key), reverse=descending)  # stable: ties stay by name
    return present + missing


# Distributions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    applicants: int
    proposal: int
    accepted: int


@dataclass(frozen=True)
class Distribution:
    key: str  # "area", "county", "size", "kommungrupp", "bloc"
    title: str
    buckets: list[Bucket]

    @property
    def totals(self) -> Bucket:
        return Bucket(
            key="",
            label=_("Total"),
            applicants=sum(b.applicants for b in self.buckets),
            proposal=sum(b.proposal for b in self.buckets),
            accepted=sum(b.accepted for b in self.buckets),
        )


UNKNOWN = gettext_lazy("Unknown")
DIMENSIONS = [
    ("area", gettext_lazy("National area (riksområde)")),
    ("county", gettext_lazy("County")),
    ("size", gettext_lazy("Size class")),
    ("kommungrupp", gettext_lazy("SKR municipality group")),
    ("bloc", gettext_lazy("Political majority")),
]


def _facet(row: Row, dimension: str) -> tuple[str, str, object]:
    """(key, label, sort key) of the row in ``dimension``."""
    municipality = row.municipality
    if dimension == "area":
        return row.area_code, row.area_name or str(UNKNOWN), row.area_code
    if dimension == "county":
        return row.county_code, municipality.county.name, row.county_code
    if dimension == "size":
        return row.size.key, str(row.size.label), SIZE_ORDER.get(row.size.key, 99)
    if dimension == "kommungrupp":
        code = municipality.kommungrupp_code
        label = f"{code} {municipality.kommungrupp_name}".strip() if code else str(UNKNOWN)
        return code, label, code or "~"
    order = {"left": 0, "right": 1, "": 2}
    return row.bloc or NEITHER, str(row.bloc_label), order[row.bloc]


def distributions(rows: list[Row], chosen_ids) -> list[Distribution]:
    """For each dimension, how many applicants, proposed (``chosen_ids``) and accepted fall in each group."""
    chosen_ids = set(chosen_ids)
    result = []
    for dimension, title in DIMENSIONS:
        labels, order = {}, {}
        applicants, proposal, accepted = Counter(), Counter(), Counter()
        for row in rows:
            key, label, sort_key = _facet(row, dimension)
            labels[key], order[key] = label, sort_key
            applicants[key] += 1
            proposal[key] += row.application.pk in chosen_ids
            accepted[key] += row.decision == Decision.ACCEPTED
        buckets = [
            Bucket(
                key=key, label=labels[key], applicants=applicants[key], proposal=proposal[key], accepted=accepted[key]
            )
            for key in sorted(labels, key=lambda k: order[k])
        ]
        result.append(Distribution(key=dimension, title=str(title), buckets=buckets))
    return result


# Rules in words --------------------------------------------------------------------------


def _number(value) -> str:
    return number_format(value, decimal_pos=None if float(value) != int(value) else 0)


def current_rules(network) -> dict:
    """The network's rules now, in the shape a run keeps them (``SelectionRun.rules``)."""
    return rules_snapshot(network)


def rules_in_words(rules: dict, *, names: dict[int, str] | None = None) -> list[str]:
    """A run's (or the current) rules as sentences, for the workbench and the report."""
    names = names or {}
    sizes = {key: str(label) for key, label in SIZE_CLASS_CHOICES}
    sentences = [
        _("%(places)s places.") % {"places": rules.get("capacity")},
        _(
            "Each applicant's value is %(score)s × the review score plus %(need)s × the need of support, "
            "both on a scale from 0 to 1."
        )
        % {"score": _number(rules.get("weight_score", 0)), "need": _number(rules.get("weight_need", 0))},
    ]
    coverage, bonus = rules.get("coverage", ""), _number(rules.get("coverage_bonus", 0))
    if coverage == SelectionRules.Coverage.AREA and rules.get("coverage_bonus"):
        sentences.append(
            _("A bonus of %(bonus)s for each national area (riksområde) among the chosen.") % {"bonus": bonus}
        )
    elif coverage == SelectionRules.Coverage.COUNTY and rules.get("coverage_bonus"):
        sentences.append(_("A bonus of %(bonus)s for each county among the chosen.") % {"bonus": bonus})
    else:
        sentences.append(_("No bonus for geographic spread."))
    for key, value in (rules.get("size_min") or {}).items():
        sentences.append(_("At least %(n)s chosen: %(size)s.") % {"n": value, "size": sizes.get(key, key)})
    for key, value in (rules.get("size_max") or {}).items():
        sentences.append(_("At most %(n)s chosen: %(size)s.") % {"n": value, "size": sizes.get(key, key)})
    if rules.get("bloc_max_difference") is not None:
        sentences.append(
            _(
                "Political balance: the numbers of chosen municipalities with a left and with a right majority "
                "differ by at most %(n)s (cross-bloc, other and unclear majorities count as neither)."
            )
            % {"n": rules["bloc_max_difference"]}
        )
    if rules.get("county_max") is not None:
        sentences.append(_("At most %(n)s chosen from the same county.") % {"n": rules["county_max"]})
    for key, label in (("locked_in", _("Locked in")), ("locked_out", _("Locked out"))):
        if rules.get(key):
            who = ", ".join(names.get(pk, str(pk)) for pk in rules[key])
            sentences.append(f"{label}: {who}.")
    return sentences


def out_of_date(bench: Workbench) -> list[str]:
    """Why the latest run's proposal no longer matches the rules, locks or applicants (empty: it does)."""
    run = bench.run
    if run is None:
        return []
    reasons = []
    now = current_rules(bench.network)
    if any(_normalised(run.rules.get(key)) != _normalised(now.get(key)) for key in PROPOSAL_RULES):
        reasons.append(_("The rules or the number of places have changed since the proposal was made."))
    locks = {
        "locked_in": sorted(row.application.pk for row in bench.all_rows if row.application.selection_lock == Lock.IN),
        "locked_out": sorted(
            row.application.pk for row in bench.all_rows if row.application.selection_lock == Lock.OUT
        ),
    }
    if any(sorted(run.rules.get(key, [])) != value for key, value in locks.items()):
        reasons.append(_("Applications have been locked in or out since the proposal was made."))
    if {int(key) for key in run.candidates} != {row.application.pk for row in bench.all_rows}:
        reasons.append(_("Applications have been submitted or withdrawn since the proposal was made."))
    return reasons


def _normalised(value):
    if isinstance(value, dict):
        return {key: int(v) for key, v in value.items() if v not in (None, "")}
    return value
