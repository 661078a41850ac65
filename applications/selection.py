"""Selection proposal: which applicants get the places of a network, fairly and explainably.

Pure Python (no database); the caller turns applications into ``Candidate`` rows
and the project leader's choices into ``Rules``, and ``propose()`` returns a
``Proposal``.

How a proposal is made (this text is meant to be shown to the project leader)
------------------------------------------------------------------------------
Every applicant gets a value:

    value = weight for the review score × review score + weight for need × need of support

* The review score is the average of the reviews, rescaled so that the lowest
  average among the applicants is 0 and the highest is 1 (when all averages
  are equal, every one is 1).
* The need of support (0–100, 100 = greatest need) is divided by 100, so it too
  runs from 0 to 1 (values outside 0–100 are capped).
* An applicant without a review score or without a need of support is given
  the median of the applicants that have one: a neutral value, never zero.
  Such applicants are listed as filled in (``missing_filled``), but only for a
  part whose weight is not zero. When nobody has a value, everybody gets 0.5.

The proposal picks exactly as many applicants as there are places, and among
all the sets that keep every rule it picks the one with the highest total:

    total = sum of the chosen applicants' values
            + coverage bonus × number of areas (riksområden) or counties the chosen come from

An applicant with no area or county code earns no coverage bonus. The rules
are: at least / at most so many chosen in a size class; political balance (the
number of chosen left-majority and right-majority municipalities differ by at
most so many; cross-bloc, unclear and unknown count as neither); at most so
many chosen per county (an empty county code is not limited); applicants locked
in (always chosen) and locked out (never chosen). Locks on keys that are not
among the applicants are ignored.

When there are no more applicants (not locked out) than places, everybody
who is not locked out is chosen and nothing is optimised (status "all"); the
rules that this choice breaks are listed in ``violations``.

The optimum is proven by an integer linear programme (PuLP with its bundled
CBC solver). Ties are broken towards lower keys (the earlier application): for
the solver only, each applicant gets a tiny extra, at most a billionth of the
largest value, so the proposal's total is within that per place of the best.

Explanations
------------
* Contributions: each chosen applicant's score part, need part and coverage
  part; they add up to the total. The coverage bonus of an area (or county) is
  credited to the chosen applicant from that area with the highest value
  (ties: the lower key); the others from the same area get no coverage part.
* Binding rules: a rule is binding when the best total without that rule
  (all other rules kept) is higher by more than 10⁻⁶; ``binding_gains`` says by
  how much. The number of places is never called binding.
* Conflicts (no set keeps every rule): a minimal set of rules that cannot all
  hold together, counting the number of places and each lock as a rule;
  dropping any one of them makes the rest possible. It is found by trying to
  drop each rule in turn (places, sizes, balance, counties, locks), one solver
  run each, and keeping it only when the rest would become possible.
* Swaps: for each applicant left out (and not locked out), the best single
  exchange with a chosen applicant who is not locked in that still keeps every
  rule, the total after it and what it costs (total now − total after). Every
  exchange is evaluated directly, not by the solver.
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pulp
from django.utils.translation import gettext as _

STATUS_OPTIMAL = "optimal"
STATUS_INFEASIBLE = "infeasible"
STATUS_ALL = "all"

COVERAGE_CHOICES = ("area", "county", "")
LEFT, RIGHT = "left", "right"

# A rule is binding when dropping it improves the total by more than this.
BINDING_TOLERANCE = 1e-6
# The solver sees the values scaled so that the largest is SOLVER_SCALE: CBC's
# tolerances (about 1e-7 absolute) then resolve differences of about 1e-13 of
# the largest value. The tie-break adds at most TIE_BREAK (in solver units) per
# chosen applicant, i.e. TIE_BREAK / SOLVER_SCALE = 1e-9 of the largest value.
SOLVER_SCALE = 1e6
TIE_BREAK = 1e-3


@dataclass(frozen=True)
class Candidate:
    key: int  # the application's pk
    score: float | None  # review average (any scale); None = not reviewed
    need: float | None  # need of support 0–100 (100 = greatest need); None = missing
    county: str  # county code, e.g. "01"
    area: str  # riksområde / NUTS 2 code, e.g. "SE11"
    size_class: str  # a key of Rules.size_min / size_max, e.g. "under_15000"
    bloc: str  # "left", "right" or "" (cross-bloc, unclear, unknown count as neither)
    label: str = ""  # shown in rule names ("Locked in: Ale") instead of the key when given


@dataclass(frozen=True)
class Rules:
    capacity: int
    weight_score: float = 1.0
    weight_need: float = 0.0
    coverage: str = "area"  # "area", "county" or "" (no coverage bonus)
    coverage_bonus: float = 0.5  # added once per covered area/county
    size_min: Mapping[str, int] = field(default_factory=dict)  # at least n chosen in the size class
    size_max: Mapping[str, int] = field(default_factory=dict)  # at most n chosen in the size class
    bloc_max_difference: int | None = None  # |#left − #right| ≤ d among the chosen
    county_max: int | None = None  # at most n chosen per county
    locked_in: frozenset[int] = frozenset()
    locked_out: frozenset[int] = frozenset()
    size_labels: Mapping[str, str] = field(default_factory=dict)  # size class → name shown in rule names


@dataclass(frozen=True)
class Contribution:
    score: float  # weight_score × normalised score
    need: float  # weight_need × need / 100
    coverage: float  # the coverage bonus credited to this applicant (0 or coverage_bonus)
    total: float  # score + need + coverage


@dataclass(frozen=True)
class Swap:
    replaces: int  # the chosen key that would leave
    objective: float  # the total after the exchange
    cost: float  # total now − total after (≥ 0 up to rounding, since the proposal is optimal)


@dataclass
class Proposal:
    status: str  # "optimal", "infeasible" or "all"
    chosen: list[int]  # sorted keys
    objective: float  # 0.0 when infeasible
    contributions: dict[int, Contribution]  # per chosen key
    binding: list[str]  # names of the rules that changed the outcome
    conflicts: list[str]  # when infeasible: rule names that cannot all hold
    swaps: dict[int, Swap | None]  # per left-out key (not locked out): the best exchange, None if none keeps the rules
    missing_filled: set[int]  # keys whose score or need (with a non-zero weight) was filled with the median
    values: dict[int, float] = field(default_factory=dict)  # every candidate's value (score part + need part)
    binding_gains: dict[str, float] = field(default_factory=dict)  # binding rule name → how much better without it
    violations: list[str] = field(default_factory=list)  # status "all": the rules the choice of everybody breaks
    solves: int = 0  # solver runs made


@dataclass(frozen=True)
class _Rule:
    kind: str  # "capacity", "size_min", "size_max", "bloc", "county_max", "locked_in", "locked_out"
    name: str
    n: int = 0
    group: str = ""  # the size class of size_min / size_max
    key: int = 0  # the candidate of a lock


def _region(candidate: Candidate, coverage: str) -> str:
    if coverage == "area":
        return candidate.area
    if coverage == "county":
        return candidate.county
    return ""


def _validate(candidates: Sequence[Candidate], rules: Rules) -> None:
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("candidate keys must be unique")
    if rules.capacity < 0:
        raise ValueError("capacity must not be negative")
    if rules.coverage not in COVERAGE_CHOICES:
        raise ValueError(f"coverage must be one of {COVERAGE_CHOICES}")
    if not rules.coverage_bonus >= 0:  # also rejects NaN
        raise ValueError("coverage_bonus must not be negative")
    if not (math.isfinite(rules.weight_score) and math.isfinite(rules.weight_need)):
        raise ValueError("weights must be finite numbers")
    for limit in (rules.bloc_max_difference, rules.county_max, *rules.size_max.values()):
        if limit is not None and limit < 0:
            raise ValueError("a maximum must not be negative")


def _present(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _normalised(candidates: Sequence[Candidate], rules: Rules) -> tuple[dict[int, Contribution], set[int]]:
    """Each candidate's score and need parts (coverage 0), and the keys filled with a median."""
    raw_scores = [c.score for c in candidates if _present(c.score)]
    low, high = (min(raw_scores), max(raw_scores)) if raw_scores else (0.0, 0.0)

    def rescale(score: float) -> float:
        return 1.0 if high == low else (score - low) / (high - low)

    scores = {c.key: rescale(c.score) for c in candidates if _present(c.score)}
    needs = {c.key: min(max(c.need, 0.0), 100.0) / 100 for c in candidates if _present(c.need)}
    score_median = statistics.median(scores.values()) if scores else 0.5
    need_median = statistics.median(needs.values()) if needs else 0.5
    parts, filled = {}, set()
    for c in candidates:
        s = scores.get(c.key, score_median)
        n = needs.get(c.key, need_median)
        if (c.key not in scores and rules.weight_score != 0) or (c.key not in needs and rules.weight_need != 0):
            filled.add(c.key)
        score_part, need_part = rules.weight_score * s, rules.weight_need * n
        parts[c.key] = Contribution(score_part, need_part, 0.0, score_part + need_part)
    return parts, filled


def _rules(candidates: Sequence[Candidate], rules: Rules) -> list[_Rule]:
    """Every rule in a fixed order: places, sizes, balance, counties, locks (locks by key)."""
    keys = {c.key: c for c in candidates}

    def who(key: int) -> str:
        return keys[key].label or str(key)

    def size(group: str) -> str:
        return rules.size_labels.get(group, group)

    out = [_Rule("capacity", _("Places: exactly %(n)s") % {"n": rules.capacity}, n=rules.capacity)]
    for group in sorted(rules.size_min):
        n = rules.size_min[group]
        if n > 0:
            name = _("At least %(n)s in size class %(class)s") % {"n": n, "class": size(group)}
            out.append(_Rule("size_min", name, n=n, group=group))
    for group in sorted(rules.size_max):
        n = rules.size_max[group]
        name = _("At most %(n)s in size class %(class)s") % {"n": n, "class": size(group)}
        out.append(_Rule("size_max", name, n=n, group=group))
    if rules.bloc_max_difference is not None:
        name = _("Political balance: difference at most %(n)s") % {"n": rules.bloc_max_difference}
        out.append(_Rule("bloc", name, n=rules.bloc_max_difference))
    if rules.county_max is not None:
        out.append(_Rule("county_max", _("At most %(n)s per county") % {"n": rules.county_max}, n=rules.county_max))
    for key in sorted(k for k in rules.locked_in if k in keys):
        out.append(_Rule("locked_in", _("Locked in: %(key)s") % {"key": who(key)}, key=key))
    for key in sorted(k for k in rules.locked_out if k in keys):
        out.append(_Rule("locked_out", _("Locked out: %(key)s") % {"key": who(key)}, key=key))
    return out


class _Tally:
    """The counts that the rules and the total look at, for one set of chosen keys."""

    def __init__(self, model: _Model, keys: Iterable[int]) -> None:
        self.model = model
        self.keys: set[int] = set()
        self.size: Counter[str] = Counter()
        self.county: Counter[str] = Counter()
        self.bloc: Counter[str] = Counter()
        self.region: Counter[str] = Counter()
        for key in keys:
            self.add(key)

    def add(self, key: int) -> None:
        c = self.model.by_key[key]
        self.keys.add(key)
        self.size[c.size_class] += 1
        self.county[c.county] += 1
        self.bloc[c.bloc] += 1
        self.region[_region(c, self.model.rules.coverage)] += 1

    def remove(self, key: int) -> None:
        c = self.model.by_key[key]
        self.keys.remove(key)
        self.size[c.size_class] -= 1
        self.county[c.county] -= 1
        self.bloc[c.bloc] -= 1
        self.region[_region(c, self.model.rules.coverage)] -= 1

    def covered(self) -> int:
        if not self.model.rules.coverage:
            return 0
        return sum(1 for region, count in self.region.items() if region and count > 0)

    def objective(self) -> float:
        values = math.fsum(self.model.parts[key].total for key in self.keys)
        return values + self.model.rules.coverage_bonus * self.covered()

    def holds(self, rule: _Rule) -> bool:
        if rule.kind == "capacity":
            return len(self.keys) == rule.n
        if rule.kind == "size_min":
            return self.size[rule.group] >= rule.n
        if rule.kind == "size_max":
            return self.size[rule.group] <= rule.n
        if rule.kind == "bloc":
            return abs(self.bloc[LEFT] - self.bloc[RIGHT]) <= rule.n
        if rule.kind == "county_max":
            return all(count <= rule.n for county, count in self.county.items() if county)
        if rule.kind == "locked_in":
            return rule.key in self.keys
        if rule.kind == "locked_out":
            return rule.key not in self.keys
        raise ValueError(rule.kind)


class _Model:
    """The instance: candidates in key order, their values, the rules; solves subsets of the rules."""

    def __init__(self, candidates: Sequence[Candidate], rules: Rules) -> None:
        self.rules = rules
        self.candidates = sorted(candidates, key=lambda c: c.key)
        self.by_key = {c.key: c for c in self.candidates}
        self.parts, self.filled = _normalised(self.candidates, rules)
        self.all_rules = _rules(self.candidates, rules)
        self.solves = 0
        self.regions = (
            sorted({_region(c, rules.coverage) for c in self.candidates} - {""}) if rules.coverage_bonus > 0 else []
        )
        largest = max([abs(p.total) for p in self.parts.values()] + [rules.coverage_bonus], default=0.0)
        self.scale = SOLVER_SCALE / max(largest, 1e-3)

    def tally(self, keys: Iterable[int]) -> _Tally:
        return _Tally(self, keys)

    def solve(self, active: Sequence[_Rule]) -> set[int] | None:
        """The best chosen set under the given rules, or None when no set keeps them all."""
        if not active:  # only the conflict search asks this: with no rule, the empty set keeps them all
            return set()
        self.solves += 1
        problem = pulp.LpProblem("selection", pulp.LpMaximize)
        count = len(self.candidates)
        x = {c.key: problem.add_variable(f"x_{i}", 0, 1, pulp.LpBinary) for i, c in enumerate(self.candidates)}
        y = {region: problem.add_variable(f"y_{i}", 0, 1, pulp.LpBinary) for i, region in enumerate(self.regions)}
        terms = []
        for rank, c in enumerate(self.candidates):
            tie = TIE_BREAK * (count - rank) / count
            terms.append((self.scale * self.parts[c.key].total + tie) * x[c.key])
        terms.extend(self.scale * self.rules.coverage_bonus * var for var in y.values())
        problem += pulp.lpSum(terms)
        for region, var in y.items():
            problem += var <= pulp.lpSum(x[c.key] for c in self.candidates if _region(c, self.rules.coverage) == region)
        for rule in active:
            self._add(problem, x, rule)
        with warnings.catch_warnings():
            # PuLP 3.3 announces that 4.0 drops the bundled CBC; this module is pinned below 3.4.
            warnings.filterwarnings("ignore", "PULP_CBC_CMD is deprecated", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(msg=False)
        problem.solve(solver)
        status = pulp.LpStatus[problem.status]
        if status == "Infeasible":
            return None
        if status != "Optimal":
            raise RuntimeError(f"the solver did not prove an optimum: {status}")
        return {key for key, var in x.items() if (var.value() or 0) > 0.5}

    def _add(self, problem: pulp.LpProblem, x: dict[int, pulp.LpVariable], rule: _Rule) -> None:
        def members(test) -> pulp.LpAffineExpression:
            return pulp.lpSum(x[c.key] for c in self.candidates if test(c))

        if rule.kind == "capacity":
            problem += pulp.lpSum(x.values()) == rule.n
        elif rule.kind == "size_min":
            problem += members(lambda c: c.size_class == rule.group) >= rule.n
        elif rule.kind == "size_max":
            problem += members(lambda c: c.size_class == rule.group) <= rule.n
        elif rule.kind == "bloc":
            left, right = members(lambda c: c.bloc == LEFT), members(lambda c: c.bloc == RIGHT)
            problem += left - right <= rule.n
            problem += right - left <= rule.n
        elif rule.kind == "county_max":
            for county in sorted({c.county for c in self.candidates} - {""}):
                problem += members(lambda c, county=county: c.county == county) <= rule.n
        elif rule.kind == "locked_in":
            problem += x[rule.key] >= 1
        elif rule.kind == "locked_out":
            problem += x[rule.key] <= 0
        else:
            raise ValueError(rule.kind)

    def contributions(self, chosen: set[int]) -> dict[int, Contribution]:
        """Each chosen key's parts; an area's bonus goes to its chosen candidate of highest value (then lower key)."""
        credited: set[str] = set()
        out = {}
        for key in sorted(chosen, key=lambda k: (-self.parts[k].total, k)):
            part = self.parts[key]
            region = _region(self.by_key[key], self.rules.coverage)
            bonus = 0.0
            if region and region not in credited and self.rules.coverage_bonus > 0:
                credited.add(region)
                bonus = self.rules.coverage_bonus
            out[key] = Contribution(part.score, part.need, bonus, part.total + bonus)
        return dict(sorted(out.items()))

    def swaps(self, chosen: set[int], objective: float, rules: Sequence[_Rule]) -> dict[int, Swap | None]:
        """The best single exchange for each left-out candidate, evaluated directly on the counts."""
        tally = self.tally(chosen)
        movable = sorted(chosen - self.rules.locked_in)
        out: dict[int, Swap | None] = {}
        for c in self.candidates:
            if c.key in chosen or c.key in self.rules.locked_out:
                continue
            best: Swap | None = None
            tally.add(c.key)
            for leaving in movable:
                tally.remove(leaving)
                if all(tally.holds(rule) for rule in rules):
                    after = tally.objective()
                    if best is None or after > best.objective:
                        best = Swap(replaces=leaving, objective=after, cost=objective - after)
                tally.add(leaving)
            tally.remove(c.key)
            out[c.key] = best
        return out


def evaluate(candidates: Sequence[Candidate], rules: Rules, chosen: Iterable[int]) -> tuple[float, list[str]]:
    """The total of a hand-picked set and the names of the rules it breaks (for a leader's own adjustments)."""
    _validate(candidates, rules)
    model = _Model(candidates, rules)
    tally = model.tally(set(chosen))
    return tally.objective(), [rule.name for rule in model.all_rules if not tally.holds(rule)]


def propose(candidates: Sequence[Candidate], rules: Rules) -> Proposal:
    """The proposal for the given applicants and rules (see the module docstring for how it is made)."""
    _validate(candidates, rules)
    model = _Model(candidates, rules)
    values = {key: part.total for key, part in sorted(model.parts.items())}
    eligible = {c.key for c in model.candidates if c.key not in rules.locked_out}

    if len(eligible) <= rules.capacity:
        tally = model.tally(eligible)
        return Proposal(
            status=STATUS_ALL,
            chosen=sorted(eligible),
            objective=tally.objective(),
            contributions=model.contributions(eligible),
            binding=[],
            conflicts=[],
            swaps={},
            missing_filled=model.filled,
            values=values,
            violations=[rule.name for rule in model.all_rules if rule.kind != "capacity" and not tally.holds(rule)],
        )

    every = model.all_rules
    chosen = model.solve(every)
    if chosen is None:
        core = list(every)
        for rule in every:  # deletion filter: drop each rule that is not needed for the conflict
            trial = [r for r in core if r is not rule]
            if model.solve(trial) is None:
                core = trial
        return Proposal(
            status=STATUS_INFEASIBLE,
            chosen=[],
            objective=0.0,
            contributions={},
            binding=[],
            conflicts=[rule.name for rule in core],
            swaps={},
            missing_filled=model.filled,
            values=values,
            solves=model.solves,
        )

    objective = model.tally(chosen).objective()
    gains = {}
    for rule in every:
        if rule.kind == "capacity":
            continue
        relaxed = model.solve([r for r in every if r is not rule])
        if relaxed is not None:
            gain = model.tally(relaxed).objective() - objective
            if gain > BINDING_TOLERANCE:
                gains[rule.name] = gain
    return Proposal(
        status=STATUS_OPTIMAL,
        chosen=sorted(chosen),
        objective=objective,
        contributions=model.contributions(chosen),
        binding=list(gains),
        conflicts=[],
        swaps=model.swaps(chosen, objective, every),
        missing_filled=model.filled,
        values=values,
        binding_gains=gains,
        solves=model.solves,
    )
