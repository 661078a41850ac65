"""Efficiency models on hand-made numbers: the rules, the index, group index, rank, trend and need of support."""

import pytest

from municipalities.efficiency_models import (
    compute_model,
    compute_models,
    model_problems,
    need_of_support,
    percentile,
    signed,
    trend_label,
)
from municipalities.models import EfficiencyModel, EfficiencyModelKpi, Kpi, KpiValue
from tests.factories import OrganizerFactory, municipality

pytestmark = pytest.mark.django_db

Role = EfficiencyModelKpi.Role
Unit = Kpi.Unit
A, B, C = "0114", "1440", "0764"  # Upplands Väsby and Ale (both A2), Alvesta (B4)
D = "1984"  # Arboga: used where a kommun lacks a value


def make_kpi(kpi_id, unit, direction="higher", **kwargs):
    return Kpi.objects.create(
        id=kpi_id, title=f"Test {kpi_id}", unit=unit, direction=direction, followed=True, **kwargs
    )


def set_values(kpi, year, values: dict[str, float | None], *, is_demo=False):
    for code, value in values.items():
        KpiValue.objects.create(kpi=kpi, municipality=municipality(code), year=year, value=value, is_demo=is_demo)


def make_model(parts, name="Testmodell"):
    model = EfficiencyModel.objects.create(organizer=OrganizerFactory(), name=name)
    for kpi, role in parts:
        EfficiencyModelKpi.objects.create(model=model, kpi=kpi, role=role)
    return model


@pytest.fixture
def kpis():
    return {
        "quality": make_kpi("XQ0001", Unit.SHARE),  # e.g. pupils passing, higher is better
        "days": make_kpi("XQ0002", Unit.AVERAGE, "lower"),  # e.g. waiting days, lower is better
        "unit_cost": make_kpi("XR0001", Unit.COST_PER_UNIT, "lower"),  # kr/elev
        "total_cost": make_kpi("XR0002", Unit.COST_TOTAL, "lower"),  # kr
        "volume": make_kpi("XV0001", Unit.COUNT, ""),  # pupils
        "share_volume": make_kpi("XV0002", Unit.SHARE, ""),
        "deviation": make_kpi("XD0001", Unit.DEVIATION, "lower"),  # net-cost deviation, %
        "unknown": make_kpi("XU0001", "", ""),
    }


# --- The rules -------------------------------------------------------------------


def messages_of(problems):
    return " ".join(problem.message for problem in problems)


def test_a_quality_and_a_cost_per_unit_is_a_sound_model(kpis):
    assert model_problems([(kpis["quality"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)]) == []


def test_a_share_cannot_be_the_divisor(kpis):
    problems = model_problems([(kpis["quality"], Role.QUALITY), (kpis["share_volume"], Role.RESOURCE)])
    assert [problem.role for problem in problems] == [Role.RESOURCE]
    assert "XV0002" in problems[0].message


def test_a_deviation_is_rejected_as_divisor_and_as_factor(kpis):
    problems = model_problems([(kpis["deviation"], Role.QUALITY), (kpis["deviation"], Role.RESOURCE)])
    roles = {problem.role for problem in problems}
    assert {Role.QUALITY, Role.RESOURCE} <= roles
    assert "XD0001" in messages_of(problems)


def test_a_key_figure_of_unknown_kind_cannot_be_used(kpis):
    problems = model_problems([(kpis["unknown"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)])
    assert [problem.role for problem in problems] == [Role.QUALITY]


def test_a_total_cost_needs_a_volume_that_is_a_number(kpis):
    without = model_problems([(kpis["quality"], Role.QUALITY), (kpis["total_cost"], Role.RESOURCE)])
    assert [problem.role for problem in without] == [Role.VOLUME]
    share = model_problems(
        [(kpis["quality"], Role.QUALITY), (kpis["share_volume"], Role.VOLUME), (kpis["total_cost"], Role.RESOURCE)]
    )
    assert [problem.role for problem in share] == [Role.VOLUME]
    assert "XV0002" in share[0].message
    sound = [(kpis["quality"], Role.QUALITY), (kpis["volume"], Role.VOLUME), (kpis["total_cost"], Role.RESOURCE)]
    assert model_problems(sound) == []


def test_quality_and_exactly_one_resource_are_required(kpis):
    problems = model_problems([(kpis["unit_cost"], Role.RESOURCE), (kpis["total_cost"], Role.RESOURCE)])
    assert {problem.role for problem in problems} == {Role.QUALITY, Role.RESOURCE}
    assert model_problems([]) != []


def test_quality_needs_a_direction(kpis):
    problems = model_problems([(kpis["volume"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)])
    assert [problem.role for problem in problems] == [Role.QUALITY]
    assert "XV0001" in problems[0].message


def test_a_cost_cannot_be_quality(kpis):
    problems = model_problems([(kpis["unit_cost"], Role.QUALITY), (kpis["total_cost"], Role.RESOURCE)])
    assert Role.QUALITY in {problem.role for problem in problems}


def test_a_model_breaking_the_rules_is_not_computed(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60})
    set_values(kpis["deviation"], 2024, {A: 5, B: -3})
    result = compute_model(make_model([(kpis["quality"], Role.QUALITY), (kpis["deviation"], Role.RESOURCE)]))
    assert result.problems
    assert result.years == []
    assert result.latest(municipality(A).pk) is None


# --- The index -------------------------------------------------------------------


def test_quality_per_unit_cost_relative_to_the_median(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40})  # median 60: 4/3, 1, 2/3
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, C: 50})  # median 100: 1, 1, 1/2
    # Efficiency 4/3, 1, 4/3; median 4/3: index 100, 75, 100.
    result = compute_model(make_model([(kpis["quality"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)]))

    a, b, c = (result.latest(municipality(code).pk) for code in (A, B, C))
    assert result.years == [2024]
    assert (a.index, b.index, c.index) == pytest.approx((100, 75, 100))
    assert (a.rank, c.rank, b.rank) == (1, 1, 3)  # a tie shares the rank
    assert a.ranked == 3
    # A and B share group A2 (median efficiency 7/6); C is alone in B4.
    assert a.group_index == pytest.approx(100 * (4 / 3) / (7 / 6))
    assert b.group_index == pytest.approx(100 * 1 / (7 / 6))
    assert c.group_index == pytest.approx(100)


def test_lower_is_better_is_inverted_and_quality_parts_are_averaged(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40})  # 4/3, 1, 2/3
    set_values(kpis["days"], 2024, {A: 10, B: 20, C: 40})  # median 20, lower better: 2, 1, 1/2
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, C: 50})  # 1, 1, 1/2
    # Quality 5/3, 1, 7/12; efficiency 5/3, 1, 7/6; median 7/6.
    model = make_model(
        [(kpis["quality"], Role.QUALITY), (kpis["days"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)]
    )
    result = compute_model(model)

    indices = [result.latest(municipality(code).pk).index for code in (A, B, C)]
    assert indices == pytest.approx([100 * (5 / 3) / (7 / 6), 100 * 1 / (7 / 6), 100])


def test_total_cost_with_volume(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40})  # 4/3, 1, 2/3
    set_values(kpis["volume"], 2024, {A: 200, B: 100, C: 50})  # median 100: 2, 1, 1/2
    set_values(kpis["total_cost"], 2024, {A: 1000, B: 500, C: 300})  # median 500: 2, 1, 3/5
    # Efficiency 4/3, 1, 5/9; median 1.
    model = make_model(
        [(kpis["quality"], Role.QUALITY), (kpis["volume"], Role.VOLUME), (kpis["total_cost"], Role.RESOURCE)]
    )
    result = compute_model(model)

    assert result.volume_dropped is False
    indices = [result.latest(municipality(code).pk).index for code in (A, B, C)]
    assert indices == pytest.approx([400 / 3, 100, 500 / 9])


def test_volume_drops_out_with_a_cost_per_unit(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40})
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, C: 50})
    set_values(kpis["volume"], 2024, {A: 1})  # would make B and C missing if it were used
    model = make_model(
        [(kpis["quality"], Role.QUALITY), (kpis["volume"], Role.VOLUME), (kpis["unit_cost"], Role.RESOURCE)]
    )
    result = compute_model(model)

    assert result.volume_dropped is True
    indices = [result.latest(municipality(code).pk).index for code in (A, B, C)]
    assert indices == pytest.approx([100, 75, 100])


def test_missing_and_unusable_values_are_missing_with_a_reason_never_zero(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40, D: 50})
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, C: 0})  # C: zero cost; D: no value
    set_values(kpis["days"], 2024, {A: 10, B: 0, C: 5, D: 5})  # B: zero where lower is better
    model = make_model(
        [(kpis["quality"], Role.QUALITY), (kpis["days"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)]
    )
    result = compute_model(model)

    a, b, c, d = (result.latest(municipality(code).pk) for code in (A, B, C, D))
    assert a.index == pytest.approx(100) and a.ranked == 1
    for point, kpi_id in [(b, "XQ0002"), (c, "XR0001"), (d, "XR0001")]:
        assert point.index is None
        assert point.rank is None
        assert kpi_id in point.missing
    # Kolada's suppressed values (null) count as missing, too.
    set_values(kpis["quality"], 2023, {A: None, B: 60})
    set_values(kpis["days"], 2023, {A: 10, B: 10})
    set_values(kpis["unit_cost"], 2023, {A: 100, B: 100})
    result = compute_model(model)
    assert result.points[municipality(A).pk][2023].index is None
    assert result.points[municipality(B).pk][2023].index == pytest.approx(100)


def test_trend_rank_and_demo_over_years(kpis):
    model = make_model([(kpis["quality"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)])
    set_values(kpis["unit_cost"], 2022, {A: 100, B: 100, C: 100})
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, C: 100})
    set_values(kpis["quality"], 2022, {A: 40, B: 60, C: 80})  # A: index 2/3 × 100
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40}, is_demo=True)  # A: index 4/3 × 100
    set_values(kpis["unit_cost"], 2023, {A: 100})  # 2023 lacks quality: not a year of the model

    result = compute_model(model)
    a = municipality(A).pk

    assert result.years == [2022, 2024]
    assert [point.index for point in result.series(a)] == pytest.approx([200 / 3, 400 / 3])
    assert [point.rank for point in result.series(a)] == [3, 1]
    assert result.trend(a) == pytest.approx(200 / 3)
    assert trend_label(result.trend(a)) == trend_label(10)
    assert result.series(a)[-1].uses_demo is True
    assert result.series(a)[0].uses_demo is False
    assert result.uses_demo() is True


def test_regions_and_gender_values_are_left_out(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, "0010": 1})  # 0010 is a region
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, "0010": 1})
    KpiValue.objects.create(kpi=kpis["quality"], municipality=municipality(B), year=2024, gender="K", value=1)
    result = compute_model(make_model([(kpis["quality"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)]))
    assert municipality("0010").pk not in result.points
    # Median of 80 and 60 is 70: A 80/70, B 60/70; efficiency median (80+60)/2/70 = 1.
    assert result.latest(municipality(A).pk).index == pytest.approx(100 * 80 / 70)


def test_several_models_take_three_queries(kpis, django_assert_num_queries):
    set_values(kpis["quality"], 2024, {A: 80, B: 60})
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100})
    set_values(kpis["days"], 2024, {A: 10, B: 20})
    models = [
        make_model([(kpis["quality"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)], name="Ett"),
        make_model([(kpis["days"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)], name="Två"),
        make_model([(kpis["deviation"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)], name="Fel"),
    ]
    with django_assert_num_queries(3):
        results = compute_models(models)
    assert [bool(result.problems) for result in results] == [False, False, True]
    assert results[1].latest(municipality(A).pk).index == pytest.approx(100 * 2 / 1.5)


# --- Need of support -------------------------------------------------------------


def test_percentile_counts_ties_half():
    assert percentile([1, 2, 3, 4, 5], 1) == 0
    assert percentile([1, 2, 3, 4, 5], 5) == 100
    assert percentile([1, 2, 3, 4, 5], 3) == 50
    assert percentile([1, 2, 2, 3], 2) == pytest.approx(50)
    assert percentile([7], 7) == 50


def test_need_of_support_from_the_network_models(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40})
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, C: 50})  # index 100, 75, 100
    model = make_model([(kpis["quality"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)])
    ids = [municipality(code).pk for code in (A, B, C, D)]

    scores = need_of_support(models=[model], municipality_ids=ids)

    a, b, c, d = (scores[pk] for pk in ids)
    assert (a.score, b.score, c.score) == (25.0, 100.0, 25.0)  # B is the least efficient: the greatest need
    assert d.score is None  # no value: missing, never zero
    assert d.parts[0].need is None and d.parts[0].ours is True
    assert a.parts[0].year == 2024 and a.available == 1


def test_need_of_support_averages_the_items_a_kommun_has(kpis):
    set_values(kpis["quality"], 2024, {A: 80, B: 60, C: 40})
    set_values(kpis["unit_cost"], 2024, {A: 100, B: 100, C: 50})  # index 100, 75, 100
    set_values(kpis["days"], 2024, {A: 10, B: 20})  # index 2/1.5, 1/1.5 → A most efficient
    first = make_model([(kpis["quality"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)], name="Ett")
    second = make_model([(kpis["days"], Role.QUALITY), (kpis["unit_cost"], Role.RESOURCE)], name="Två")
    ids = [municipality(code).pk for code in (A, B, C)]

    scores = need_of_support(models=[first, second], municipality_ids=ids)

    assert scores[ids[0]].score == pytest.approx((25 + 0) / 2)
    assert scores[ids[1]].score == pytest.approx((100 + 100) / 2)
    assert scores[ids[2]].score == 25.0  # only the first model has C
    assert scores[ids[2]].available == 1


def test_need_of_support_without_models_uses_rka_efficiency_indices():
    # The register's RKA indices (category rka_effektivitetsindex): values for two of them only.
    u11901, u15900 = Kpi.objects.get(id="U11901"), Kpi.objects.get(id="U15900")
    set_values(u11901, 2023, {A: 10, B: 90})
    set_values(u11901, 2024, {A: 90, B: 10, C: 50})  # the latest year counts
    set_values(u15900, 2024, {A: 20, B: 80})
    ids = [municipality(code).pk for code in (A, B, C)]

    scores = need_of_support(models=[], municipality_ids=ids)

    a, b, c = (scores[pk] for pk in ids)
    assert len(a.parts) == Kpi.objects.filter(category="rka_effektivitetsindex").count()
    assert all(part.ours is False for part in a.parts)
    assert a.score == pytest.approx((0 + 100) / 2)
    assert b.score == pytest.approx((100 + 0) / 2)
    assert c.score == 50.0 and c.available == 1


def test_signed_change_is_written_the_swedish_way():
    from django.utils import translation

    with translation.override("sv"):
        assert signed(3.21) == "+3,2"
        assert signed(-1.5) == "−1,5"
        assert signed(0) == "0,0"
        assert signed(None) == ""
