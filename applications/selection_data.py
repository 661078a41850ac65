"""From a network's submitted applications to the optimiser's candidates and rules, and back to a proposal.

The optimiser itself (``applications/selection.py``) knows nothing of the database;
this module reads what it needs in a constant number of queries: the network's
rules, the applications with their municipality, county and review average, and
(when need of support has a weight) the need-of-support scores.
"""

from __future__ import annotations

from applications import reviews
from applications.models import SelectionRules
from applications.selection import Candidate, Proposal, Rules, propose
from municipalities.classification import SIZE_CLASS_CHOICES, bloc, size_class
from municipalities.efficiency_models import need_of_support


def default_rules(network) -> SelectionRules:
    """The seeds' rules, unsaved.

    Seeds 000 and 001 select on the application plus geographic spread, size and
    political majority: the review score, a bonus per riksområde covered, at least
    two kommuner under 15 000 inhabitants and a bloc difference of at most two.
    Seed 002 prioritises the greatest need of support from the problem description
    and Kolada's efficiency key figures: the review score and the need weigh the same.
    """
    if network.requires_problem_description:
        return SelectionRules(network=network, weight_score=1.0, weight_need=1.0)
    return SelectionRules(network=network, size_min={"under_15000": 2}, bloc_max_difference=2)


def selection_rules(network) -> SelectionRules:
    """The network's saved rules, or the defaults (unsaved) until a lead saves them."""
    try:
        return network.selection_rules
    except SelectionRules.DoesNotExist:
        return default_rules(network)


def candidates(network, *, with_need: bool) -> list[Candidate]:
    """The submitted applications as candidates (two queries, three more with need of support)."""
    applications = list(reviews.application_review_list(network=network, filters=reviews.ReviewFilters()))
    needs = {}
    if with_need:
        scores = need_of_support(
            models=list(network.efficiency_models.all()),
            municipality_ids=[application.municipality_id for application in applications],
        )
        needs = {municipality_id: score.score for municipality_id, score in scores.items()}
    result = []
    for application in applications:
        municipality = application.municipality
        county = municipality.county
        result.append(
            Candidate(
                key=application.pk,
                label=municipality.name,
                score=None if application.average is None else float(application.average),
                need=needs.get(municipality.pk),
                county=county.code if county else "",
                area=county.nuts2_code if county else "",
                size_class=size_class(kind=municipality.kind, population=municipality.population).key,
                bloc=bloc(municipality.political_majority),
            )
        )
    return result


def optimiser_rules(rules: SelectionRules, *, capacity: int, locked_in=(), locked_out=()) -> Rules:
    return Rules(
        capacity=capacity,
        weight_score=rules.weight_score,
        weight_need=rules.weight_need,
        coverage=rules.coverage,
        coverage_bonus=rules.coverage_bonus,
        size_min={key: int(value) for key, value in (rules.size_min or {}).items()},
        size_max={key: int(value) for key, value in (rules.size_max or {}).items()},
        bloc_max_difference=rules.bloc_max_difference,
        county_max=rules.county_max,
        locked_in=frozenset(locked_in),
        locked_out=frozenset(locked_out),
        size_labels={key: str(label) for key, label in SIZE_CLASS_CHOICES},
    )


def network_proposal(network, *, locked_in=(), locked_out=()) -> tuple[list[Candidate], Proposal]:
    """The proposal for ``network`` under its rules, with the given applications locked in or out."""
    rules = selection_rules(network)
    pool = candidates(network, with_need=rules.weight_need > 0)
    proposal = propose(
        pool, optimiser_rules(rules, capacity=network.capacity, locked_in=locked_in, locked_out=locked_out)
    )
    return pool, proposal
