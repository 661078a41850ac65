"""From applications to the optimiser and back: candidates, the seeds' default rules, a proposal."""

import pytest

from applications.models import Application, Review, SelectionRules
from applications.selection_data import candidates, default_rules, network_proposal, selection_rules
from municipalities.models import EfficiencyModel, EfficiencyModelKpi, KpiValue, Municipality
from tests.factories import ApplicationFactory, NetworkFactory, ReviewCriterionFactory, UserFactory, municipality

pytestmark = pytest.mark.django_db
# Twelve kommuner of different sizes, counties and majorities.
CODES = ["0114", "1440", "0764", "1984", "2580", "0180", "0428", "1480", "0380", "2480", "2021", "1880"]
UNDER_15000 = {"1984", "0428", "2021"}


def submitted(network, codes):
    applications = []
    for code in codes:
        application = ApplicationFactory(network=network, municipality=municipality(code))
        Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED, version=1)
        applications.append(application)
    return applications


def test_defaults_follow_the_seeds():
    spread = default_rules(NetworkFactory(requires_problem_description=False))
    assert (spread.weight_need, spread.size_min, spread.bloc_max_difference) == (0.0, {"under_15000": 2}, 2)
    assert spread.coverage == SelectionRules.Coverage.AREA
    need = default_rules(NetworkFactory(requires_problem_description=True))
    assert (need.weight_score, need.weight_need, need.size_min) == (1.0, 1.0, {})


def test_saved_rules_win_over_the_defaults():
    network = NetworkFactory()
    SelectionRules.objects.create(network=network, weight_score=2.0, county_max=1)
    network.refresh_from_db()
    assert selection_rules(network).county_max == 1


def test_candidates_carry_the_register_facts_and_the_review_average(django_assert_max_num_queries):
    network = NetworkFactory(capacity=10)
    [vasby, ale, *_rest] = submitted(network, CODES[:3])
    ApplicationFactory(network=network, municipality=municipality("0180"))  # a draft is not a candidate
    criterion = ReviewCriterionFactory(network=network)
    for score, reviewer in [(4, UserFactory()), (2, UserFactory())]:
        Review.objects.create(application=vasby, criterion=criterion, reviewer=reviewer, score=score)
    with django_assert_max_num_queries(3):
        pool = {candidate.key: candidate for candidate in candidates(network, with_need=False)}
    assert len(pool) == 3
    register = Municipality.objects.get(code="0114")
    candidate = pool[vasby.pk]
    assert candidate.label == "Upplands Väsby" and candidate.score == 3.0
    assert (candidate.county, candidate.area) == (register.county.code, register.county.nuts2_code)
    assert candidate.size_class in {"15000_50000", "50000_200000"}
    assert pool[ale.pk].score is None  # not reviewed: missing, not zero
    assert pool[ale.pk].need is None


def test_a_proposal_fills_the_places_and_names_every_rule_it_needs():
    network = NetworkFactory(capacity=10, requires_problem_description=False)
    applications = submitted(network, CODES)
    pool, proposal = network_proposal(network, locked_out=[applications[0].pk])
    assert len(pool) == 12
    assert proposal.status == "optimal"
    assert len(proposal.chosen) == 10 and applications[0].pk not in proposal.chosen
    assert set(proposal.swaps) == {c.key for c in pool} - set(proposal.chosen) - {applications[0].pk}


def test_rules_that_cannot_hold_are_named():
    network = NetworkFactory(capacity=10, requires_problem_description=False)
    submitted(network, [code for code in CODES if code not in UNDER_15000] + ["1984", "1280", "0680"])
    _pool, proposal = network_proposal(network)  # the default asks for two under 15 000: only Arboga is
    assert proposal.status == "infeasible"
    assert proposal.chosen == []
    assert any("15 000" in name for name in proposal.conflicts)


def test_no_more_applicants_than_places_is_anta_alla():
    network = NetworkFactory(capacity=10)
    applications = submitted(network, CODES[:4])
    _pool, proposal = network_proposal(network)
    assert proposal.status == "all"
    assert sorted(proposal.chosen) == sorted(application.pk for application in applications)


def test_need_of_support_comes_from_the_networks_models():
    network = NetworkFactory(capacity=1, requires_problem_description=True)
    SelectionRules.objects.create(network=network, weight_score=0.0, weight_need=1.0, coverage="")
    network.refresh_from_db()
    model = EfficiencyModel.objects.create(organizer=network.organizer, name="Grundskola")
    EfficiencyModelKpi.objects.create(model=model, kpi_id="N15419", role="quality")
    EfficiencyModelKpi.objects.create(model=model, kpi_id="N15008", role="resource")
    network.efficiency_models.add(model)
    for code, quality in [("0114", 80), ("1440", 40), ("0764", 60)]:
        KpiValue.objects.create(kpi_id="N15419", municipality=municipality(code), year=2024, value=quality)
        KpiValue.objects.create(kpi_id="N15008", municipality=municipality(code), year=2024, value=100_000)
    vasby, ale = submitted(network, ["0114", "1440"])
    pool, proposal = network_proposal(network)
    needs = {candidate.key: candidate.need for candidate in pool}
    assert needs == {vasby.pk: 0.0, ale.pk: 100.0}
    assert proposal.chosen == [ale.pk]  # the least efficient has the greatest need of support
