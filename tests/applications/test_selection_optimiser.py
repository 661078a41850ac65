"""The selection optimiser against brute force over all combinations, and hand-made cases.

No database: applications.selection is pure. The brute force below re-implements
the scoring and the rules from the module docstring independently, so the
optimiser is not checked against itself.
"""

import itertools
import random
import statistics

import pytest
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from applications.selection import Candidate, Rules, evaluate, propose

TOLERANCE = 1e-6
COUNTIES = {"01": "SE11", "03": "SE12", "04": "SE12", "05": "SE21"}  # county → area
SIZES = ("small", "mid", "large")
BLOCS = ("left", "right", "")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- the independent reference ------------------------------------------------------------------


def reference_values(candidates, rules):
    scores = [c.score for c in candidates if c.score is not None]
    needs = [min(max(c.need, 0), 100) / 100 for c in candidates if c.need is not None]
    low, high = (min(scores), max(scores)) if scores else (0, 0)
    normal = [1.0 if high == low else (s - low) / (high - low) for s in scores]
    score_fill = statistics.median(normal) if normal else 0.5
    need_fill = statistics.median(needs) if needs else 0.5
    values = {}
    for c in candidates:
        s = score_fill if c.score is None else (1.0 if high == low else (c.score - low) / (high - low))
        n = need_fill if c.need is None else min(max(c.need, 0), 100) / 100
        values[c.key] = rules.weight_score * s + rules.weight_need * n
    return values


def reference_objective(candidates, rules, values, chosen):
    by_key = {c.key: c for c in candidates}
    regions = set()
    if rules.coverage:
        regions = {getattr(by_key[k], rules.coverage) for k in chosen} - {""}
    return sum(values[k] for k in chosen) + rules.coverage_bonus * len(regions)


def reference_rules(candidates, rules):
    """Every rule as (name, predicate over a frozenset of chosen keys), named like the module names them."""
    by_key = {c.key: c for c in candidates}

    def in_class(chosen, size):
        return sum(1 for k in chosen if by_key[k].size_class == size)

    out = [(f"Places: exactly {rules.capacity}", lambda s: len(s) == rules.capacity)]
    for size, n in sorted(rules.size_min.items()):
        if n > 0:
            out.append((f"At least {n} in size class {size}", lambda s, size=size, n=n: in_class(s, size) >= n))
    for size, n in sorted(rules.size_max.items()):
        out.append((f"At most {n} in size class {size}", lambda s, size=size, n=n: in_class(s, size) <= n))
    if rules.bloc_max_difference is not None:
        d = rules.bloc_max_difference

        def balanced(s):
            blocs = [by_key[k].bloc for k in s]
            return abs(blocs.count("left") - blocs.count("right")) <= d

        out.append((f"Political balance: difference at most {d}", balanced))
    if rules.county_max is not None:
        m = rules.county_max

        def per_county(s):
            counties = [by_key[k].county for k in s]
            return all(counties.count(county) <= m for county in set(counties) - {""})

        out.append((f"At most {m} per county", per_county))
    for key in sorted(rules.locked_in):
        out.append((f"Locked in: {key}", lambda s, key=key: key in s))
    for key in sorted(rules.locked_out):
        out.append((f"Locked out: {key}", lambda s, key=key: key not in s))
    return out


def subsets(keys, size=None):
    sizes = [size] if size is not None else range(len(keys) + 1)
    for r in sizes:
        yield from (frozenset(c) for c in itertools.combinations(keys, r))


def feasible(keys, predicates):
    return any(all(p(s) for p in predicates) for s in subsets(keys))


# --- random instances ---------------------------------------------------------------------------


@st.composite
def instances(draw):
    n = draw(st.integers(1, 9))
    keys = draw(st.lists(st.integers(1, 60), min_size=n, max_size=n, unique=True))
    candidates = []
    for key in keys:
        county = draw(st.sampled_from(sorted(COUNTIES)))
        candidates.append(
            Candidate(
                key=key,
                score=draw(st.none() | st.integers(1, 5).map(float) | st.floats(0, 10)),
                need=draw(st.none() | st.floats(0, 100)),
                county=county,
                area=COUNTIES[county],
                size_class=draw(st.sampled_from(SIZES)),
                bloc=draw(st.sampled_from(BLOCS)),
            )
        )
    draw(st.randoms()).shuffle(candidates)  # the input order must not matter
    sizes = st.dictionaries(st.sampled_from(SIZES), st.integers(0, 3), max_size=2)
    locks = st.frozensets(st.sampled_from(keys), max_size=2)
    rules = Rules(
        capacity=draw(st.integers(1, 4)),
        weight_score=draw(st.sampled_from([0.0, 1.0, 2.5])),
        weight_need=draw(st.sampled_from([0.0, 0.5, 1.0])),
        coverage=draw(st.sampled_from(["area", "county", ""])),
        coverage_bonus=draw(st.sampled_from([0.0, 0.3, 0.5, 2.0])),
        size_min=draw(sizes),
        size_max=draw(sizes),
        bloc_max_difference=draw(st.none() | st.integers(0, 2)),
        county_max=draw(st.none() | st.integers(1, 3)),
        locked_in=draw(locks),
        locked_out=draw(locks),
    )
    return candidates, rules


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_matches_brute_force(instance):
    candidates, rules = instance
    keys = sorted(c.key for c in candidates)
    values = reference_values(candidates, rules)
    named = reference_rules(candidates, rules)
    predicates = dict(named)
    proposal = propose(candidates, rules)
    event(proposal.status)

    eligible = [k for k in keys if k not in rules.locked_out]
    if len(eligible) <= rules.capacity:
        assert proposal.status == "all"
        assert proposal.chosen == eligible
        assert proposal.objective == pytest.approx(reference_objective(candidates, rules, values, eligible))
        return

    def objective(chosen):
        return reference_objective(candidates, rules, values, chosen)

    keeping = [s for s in subsets(keys, rules.capacity) if all(p(s) for _, p in named)]
    if not keeping:
        assert proposal.status == "infeasible"
        assert proposal.chosen == []
        assert proposal.conflicts, "an infeasible proposal names its conflict"
        conflict = [predicates[name] for name in proposal.conflicts]
        assert not feasible(keys, conflict), "the named rules cannot all hold"
        for i in range(len(conflict)):
            assert feasible(keys, conflict[:i] + conflict[i + 1 :]), f"{proposal.conflicts[i]} is not needed"
        return

    best = max(objective(s) for s in keeping)
    assert proposal.status == "optimal"
    assert proposal.objective == pytest.approx(best, abs=TOLERANCE)
    chosen = frozenset(proposal.chosen)
    assert len(chosen) == rules.capacity
    assert all(p(chosen) for _, p in named), "every rule, locks included, holds"
    assert rules.locked_in <= chosen
    assert not rules.locked_out & chosen
    assert objective(chosen) == pytest.approx(proposal.objective, abs=1e-9)
    assert sum(c.total for c in proposal.contributions.values()) == pytest.approx(proposal.objective, abs=1e-9)
    assert proposal.values == pytest.approx(values)

    # Binding: the optimum without the rule is better (clear-cut cases only, away from the threshold).
    for name, _ in named[1:]:
        others = [p for other, p in named if other != name]
        relaxed = max(objective(s) for s in subsets(keys, rules.capacity) if all(p(s) for p in others))
        if relaxed - best > 1e-5:
            assert name in proposal.binding
            assert proposal.binding_gains[name] == pytest.approx(relaxed - best, abs=TOLERANCE)
        elif relaxed - best < 1e-7:
            assert name not in proposal.binding

    # Swaps: the best single exchange, by brute force over the exchanges.
    left_out = [k for k in keys if k not in chosen and k not in rules.locked_out]
    assert sorted(proposal.swaps) == left_out
    for key in left_out:
        exchanges = [
            (chosen - {leaving}) | {key}
            for leaving in sorted(chosen - rules.locked_in)
            if all(p((chosen - {leaving}) | {key}) for _, p in named)
        ]
        swap = proposal.swaps[key]
        if not exchanges:
            assert swap is None
            continue
        assert swap is not None
        assert swap.objective == pytest.approx(max(objective(s) for s in exchanges), abs=1e-9)
        after = (chosen - {swap.replaces}) | {key}
        assert after in exchanges
        assert objective(after) == pytest.approx(swap.objective, abs=1e-9)
        assert swap.cost == pytest.approx(proposal.objective - swap.objective, abs=1e-9)
        assert swap.cost > -TOLERANCE


# --- hand-made instances ------------------------------------------------------------------------


def applicant(key, score=3.0, need=50.0, county="01", size="mid", bloc="", **kwargs):
    return Candidate(key, score, need, county, COUNTIES.get(county, "SE99"), size, bloc, **kwargs)


def test_all_when_no_more_applicants_than_places():
    candidates = [applicant(1, 5.0), applicant(2, 1.0, county="03"), applicant(3, 4.0), applicant(4, 2.0)]
    proposal = propose(candidates, Rules(capacity=3, locked_out=frozenset({4}), county_max=1))
    assert proposal.status == "all"
    assert proposal.chosen == [1, 2, 3]
    assert proposal.solves == 0
    assert proposal.swaps == {}
    assert proposal.violations == ["At most 1 per county"]  # two from county 01 come in anyway
    # Score 5 → 1.0, 1 → 0.0, 4 → 0.75; the bonus of SE11 goes to key 1 (higher value than 3).
    assert proposal.contributions[1].total == pytest.approx(1.5)
    assert proposal.contributions[2].coverage == 0.5
    assert proposal.contributions[3].coverage == 0.0
    assert proposal.objective == pytest.approx(1.0 + 0.0 + 0.75 + 2 * 0.5)
    assert sum(c.total for c in proposal.contributions.values()) == pytest.approx(proposal.objective)


def test_a_size_minimum_with_too_few_applicants_is_the_conflict():
    candidates = [applicant(k, size="under_15000" if k <= 2 else "mid", county=c) for k, c in enumerate("0134", 1)]
    candidates += [applicant(5, county="05"), applicant(6, county="05")]
    rules = Rules(capacity=4, size_min={"under_15000": 3}, county_max=2, bloc_max_difference=0)
    proposal = propose(candidates, rules)
    assert proposal.status == "infeasible"
    assert proposal.conflicts == ["At least 3 in size class under_15000"]


def test_locked_in_applicants_breaking_the_county_maximum():
    candidates = [applicant(k, county="01") for k in (1, 2, 3)] + [applicant(k, county="05") for k in (4, 5, 6)]
    rules = Rules(capacity=4, county_max=2, locked_in=frozenset({1, 2, 3}), locked_out=frozenset({6}))
    proposal = propose(candidates, rules)
    assert proposal.status == "infeasible"
    assert proposal.conflicts == ["At most 2 per county", "Locked in: 1", "Locked in: 2", "Locked in: 3"]


def test_more_locked_in_than_places():
    candidates = [applicant(k, county=c) for k, c in zip(range(1, 6), ["01", "03", "04", "05", "01"], strict=True)]
    proposal = propose(candidates, Rules(capacity=2, locked_in=frozenset({1, 2, 3})))
    assert proposal.status == "infeasible"
    assert proposal.conflicts == ["Places: exactly 2", "Locked in: 1", "Locked in: 2", "Locked in: 3"]


def test_binding_rules_are_named_with_what_they_cost():
    # The three best are all from county 01; the rest are weaker, from elsewhere.
    candidates = [applicant(1, 5.0), applicant(2, 4.8), applicant(3, 4.6)]
    candidates += [applicant(4, 2.0, county="03", bloc="left"), applicant(5, 1.0, county="05", bloc="right")]
    rules = Rules(capacity=3, coverage="", county_max=2, bloc_max_difference=1, size_max={"mid": 5})
    proposal = propose(candidates, rules)
    assert proposal.status == "optimal"
    assert proposal.chosen == [1, 2, 4]
    assert proposal.binding == ["At most 2 per county"]
    # Without it: 1 + 0.95 + 0.9 instead of 1 + 0.95 + 0.25.
    assert proposal.binding_gains["At most 2 per county"] == pytest.approx(0.65)
    # 3 in for 4 would make three from county 01: the best exchange is 3 for 2.
    assert proposal.swaps[3].replaces == 2
    assert proposal.swaps[3].cost == pytest.approx(0.05)
    assert proposal.swaps[5].replaces == 4
    assert proposal.swaps[5].cost == pytest.approx(0.25)
    assert propose(candidates, Rules(capacity=3, coverage="", county_max=1, locked_in=frozenset({2}))).swaps[1] is None


def test_coverage_can_outweigh_a_better_score_and_the_contributions_show_it():
    candidates = [applicant(1, 5.0), applicant(2, 4.9), applicant(3, 4.0, county="05")]
    proposal = propose([*candidates, applicant(4, 1.0)], Rules(capacity=2, coverage_bonus=0.5))
    assert proposal.chosen == [1, 3]  # 1.0 + 0.75 + 2 areas beats 1.0 + 0.975 + 1 area
    assert proposal.contributions[3].coverage == 0.5
    assert proposal.contributions[3].total == pytest.approx(1.25)
    assert proposal.contributions[1].total == pytest.approx(1.5)
    # 2 for 1 keeps both areas (1.975 − 1.75 + … = 2.725); 2 for 3 loses one (2.475).
    assert proposal.swaps[2].replaces == 1
    assert proposal.swaps[2].cost == pytest.approx(0.025)
    assert proposal.binding == []


def test_missing_values_take_the_median_and_are_reported():
    candidates = [applicant(1, 1.0, 0.0), applicant(2, 3.0, None), applicant(3, 5.0, 100.0), applicant(4, None, 80)]
    proposal = propose(candidates, Rules(capacity=4, weight_score=1.0, weight_need=1.0))
    assert proposal.values == pytest.approx({1: 0.0, 2: 0.5 + 0.8, 3: 2.0, 4: 0.5 + 0.8})
    assert proposal.missing_filled == {2, 4}
    # A part with no weight is not reported as filled in.
    assert propose(candidates, Rules(capacity=4, weight_need=0.0)).missing_filled == {4}
    # Nobody reviewed: 0.5 each, all filled in.
    unreviewed = [applicant(k, None) for k in (1, 2)]
    assert propose(unreviewed, Rules(capacity=2)).values == {1: 0.5, 2: 0.5}


def test_ties_go_to_the_lower_key_whatever_the_input_order():
    candidates = [applicant(k, county=c) for k, c in zip((9, 4, 7, 2, 5), ["01", "03", "05", "01", "04"], strict=True)]
    rules = Rules(capacity=2, coverage="")
    first = propose(candidates, rules)
    assert first.chosen == [2, 4]
    shuffled = list(candidates)
    random.Random(3).shuffle(shuffled)
    assert propose(shuffled, rules) == first


def test_labels_name_the_rules():
    candidates = [applicant(1, label="Ale"), applicant(2, size="under_15000", label="Bjuv"), applicant(3)]
    rules = Rules(capacity=1, locked_in=frozenset({1, 3}), size_labels={"under_15000": "under 15 000"})
    assert propose(candidates, rules).conflicts == ["Places: exactly 1", "Locked in: Ale", "Locked in: 3"]
    rules = Rules(capacity=1, locked_in=frozenset({1}), size_min={"under_15000": 1}, size_labels=rules.size_labels)
    assert propose(candidates, rules).conflicts == [
        "Places: exactly 1",
        "At least 1 in size class under 15 000",
        "Locked in: Ale",
    ]


def test_evaluate_a_hand_picked_set():
    candidates = [applicant(1, 5.0), applicant(2, 1.0), applicant(3, 3.0, county="05")]
    total, broken = evaluate(candidates, Rules(capacity=2, county_max=1, locked_out=frozenset({2})), [1, 2])
    assert total == pytest.approx(1.0 + 0.0 + 0.5)
    assert broken == ["At most 1 per county", "Locked out: 2"]


def test_locks_on_unknown_keys_are_ignored_and_bad_input_is_refused():
    candidates = [applicant(1), applicant(2, county="05"), applicant(3)]
    assert propose(candidates, Rules(capacity=2, locked_in=frozenset({99}))).status == "optimal"
    with pytest.raises(ValueError, match="unique"):
        propose([applicant(1), applicant(1)], Rules(capacity=1))
    with pytest.raises(ValueError, match="coverage"):
        propose(candidates, Rules(capacity=1, coverage="kommun"))
    with pytest.raises(ValueError, match="negative"):
        propose(candidates, Rules(capacity=-1))
