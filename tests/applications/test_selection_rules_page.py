"""The selection rules page: defaults, saving, reset, who may use it, and bad input."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import StaffRole
from applications.models import SelectionRules
from applications.selection_services import selection_rules_reset, selection_rules_save
from networks.models import Network
from tests.factories import NetworkFactory, OrganizerFactory, UserFactory, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role


@pytest.fixture
def setup():
    x, y = OrganizerFactory(name="Org X"), OrganizerFactory(name="Org Y")
    return {
        "x": x,
        "network": NetworkFactory(organizer=x, title="Nätverk X", capacity=10),
        "need_network": NetworkFactory(organizer=x, title="Effektivitet", requires_problem_description=True),
        "lead": staff(Role.NETWORK_LEAD, organizer=x),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=y),
    }


def rules_url(network):
    return reverse("selection:rules", args=[network.slug])


def reset_url(network):
    return reverse("selection:rules_reset", args=[network.slug])


def valid_post(**changes):
    data = {
        "capacity": "12",
        "weight_score": "2",
        "weight_need": "0,5",
        "coverage": "county",
        "coverage_bonus": "0,25",
        "size_min_under_15000": "3",
        "size_max_under_15000": "6",
        "size_min_15000_50000": "",
        "size_max_15000_50000": "",
        "size_min_50000_200000": "1",
        "size_max_50000_200000": "",
        "size_min_over_200000": "",
        "size_max_over_200000": "2",
        "bloc_max_difference": "1",
        "county_max": "3",
        "offer_days": "10",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def rules_data(**changes):
    data = {
        "weight_score": 1.0,
        "weight_need": 0.0,
        "coverage": "area",
        "coverage_bonus": 0.5,
        "size_min": {"under_15000": 2},
        "size_max": {},
        "bloc_max_difference": 2,
        "county_max": None,
        "offer_days": 14,
    }
    data.update(changes)
    return data


# Defaults ---------------------------------------------------------------------


def test_get_shows_the_seed_defaults_of_a_spread_size_and_majority_network(setup, client):
    network = setup["network"]
    client.force_login(setup["lead"])
    response = client.get(rules_url(network))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["size_min_under_15000"] == 2
    assert initial["bloc_max_difference"] == 2
    assert (initial["weight_score"], initial["weight_need"], initial["coverage"]) == (1.0, 0.0, "area")
    assert initial["capacity"] == 10
    assert response.context["is_default"] is True
    body = response.content.decode()
    assert 'name="size_min_under_15000" value="2"' in body
    assert 'name="bloc_max_difference" value="2"' in body
    assert reset_url(network) not in body  # nothing saved, nothing to reset
    assert not SelectionRules.objects.exists()  # looking saves nothing


def test_get_shows_the_need_weighted_defaults_of_a_problem_description_network(setup, client):
    client.force_login(setup["lead"])
    response = client.get(rules_url(setup["need_network"]))
    initial = response.context["form"].initial
    assert (initial["weight_score"], initial["weight_need"]) == (1.0, 1.0)
    assert initial["bloc_max_difference"] is None
    assert "size_min_under_15000" not in initial
    assert 'name="weight_need" value="1,0"' in response.content.decode()  # Swedish decimal comma


def test_get_shows_saved_rules_and_the_reset_button(setup, client):
    network, lead = setup["network"], setup["lead"]
    selection_rules_save(network=network, actor=lead, data=rules_data(county_max=4, size_max={"over_200000": 1}))
    client.force_login(lead)
    response = client.get(rules_url(network))
    initial = response.context["form"].initial
    assert (initial["county_max"], initial["size_max_over_200000"]) == (4, 1)
    assert response.context["is_default"] is False
    assert reset_url(network) in response.content.decode()


def test_region_size_class_only_when_regions_may_apply(setup, client):
    client.force_login(setup["lead"])
    kommuner = client.get(rules_url(setup["network"])).context["form"]
    assert "size_min_region" not in kommuner.fields and "size_min_under_15000" in kommuner.fields
    regions = NetworkFactory(organizer=setup["x"], eligibility=Network.Eligibility.REGIONS)
    form = client.get(rules_url(regions)).context["form"]
    assert "size_min_region" in form.fields and "size_min_under_15000" not in form.fields
    both = NetworkFactory(organizer=setup["x"], eligibility=Network.Eligibility.BOTH)
    form = client.get(rules_url(both)).context["form"]
    assert {"size_min_region", "size_min_under_15000"} <= set(form.fields)
    assert not any(name.endswith("_unknown") for name in form.fields)


def test_overview_links_to_the_rules(setup, client):
    network = setup["network"]
    client.force_login(setup["lead"])
    body = client.get(reverse("leads:network_overview", args=[network.slug])).content.decode()
    assert rules_url(network) in body


def test_get_query_count_is_constant(setup, client, django_assert_max_num_queries):
    network, lead = setup["network"], setup["lead"]
    client.force_login(lead)
    with django_assert_max_num_queries(8):
        assert client.get(rules_url(network)).status_code == 200
    selection_rules_save(network=network, actor=lead, data=rules_data(size_max={"over_200000": 1}))
    with django_assert_max_num_queries(8):
        assert client.get(rules_url(network)).status_code == 200


# Saving and reset ---------------------------------------------------------------


def test_post_saves_rules_and_capacity_and_history_records_the_user(setup, client):
    network, lead = setup["network"], setup["lead"]
    client.force_login(lead)
    response = client.post(rules_url(network), valid_post())
    assert response.status_code == 302 and response["Location"] == rules_url(network)
    rules = SelectionRules.objects.get(network=network)
    assert (rules.weight_score, rules.weight_need, rules.coverage, rules.coverage_bonus) == (2.0, 0.5, "county", 0.25)
    assert rules.size_min == {"under_15000": 3, "50000_200000": 1}
    assert rules.size_max == {"under_15000": 6, "over_200000": 2}
    assert (rules.bloc_max_difference, rules.county_max) == (1, 3)
    network.refresh_from_db()
    assert network.capacity == 12
    assert rules.history.get().history_user == lead
    assert network.history.first().history_user == lead


def test_post_blank_rules_mean_no_rule_and_no_coverage_is_stored_empty(setup, client):
    network = setup["network"]
    client.force_login(setup["lead"])
    blanks = {name: "" for name in valid_post() if name.startswith("size_")}
    data = valid_post(coverage="none", bloc_max_difference="", county_max="", **blanks)
    assert client.post(rules_url(network), data).status_code == 302
    rules = SelectionRules.objects.get(network=network)
    assert (rules.coverage, rules.size_min, rules.size_max) == ("", {}, {})
    assert (rules.bloc_max_difference, rules.county_max) == (None, None)


def test_post_accepts_decimal_point_and_swedish_comma(setup, client):
    network = setup["network"]
    client.force_login(setup["lead"])
    assert client.post(rules_url(network), valid_post(weight_score="1,5", weight_need="2.5")).status_code == 302
    rules = SelectionRules.objects.get(network=network)
    assert (rules.weight_score, rules.weight_need) == (1.5, 2.5)


def test_saving_unchanged_rules_adds_no_history(setup):
    network, lead = setup["network"], setup["lead"]
    rules = selection_rules_save(network=network, actor=lead, data=rules_data())
    selection_rules_save(network=network, actor=lead, data=rules_data())
    assert rules.history.count() == 1


def test_reset_deletes_saved_rules_and_the_defaults_apply_again(setup, client):
    network, lead = setup["network"], setup["lead"]
    rules = selection_rules_save(network=network, actor=lead, data=rules_data(county_max=2))
    client.force_login(lead)
    response = client.post(reset_url(network))
    assert response.status_code == 302 and response["Location"] == rules_url(network)
    assert not SelectionRules.objects.exists()
    deleted = SelectionRules.history.filter(id=rules.pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", lead)
    assert client.get(rules_url(network)).context["is_default"] is True
    assert client.post(reset_url(network)).status_code == 302  # nothing to reset: no error


def test_reset_is_post_only(setup, client):
    network, lead = setup["network"], setup["lead"]
    selection_rules_save(network=network, actor=lead, data=rules_data())
    client.force_login(lead)
    assert client.get(reset_url(network)).status_code == 405
    assert SelectionRules.objects.exists()


def test_services_refuse_users_who_do_not_lead_the_network(setup):
    network = setup["network"]
    selection_rules_save(network=network, actor=setup["lead"], data=rules_data())
    with pytest.raises(PermissionDenied):
        selection_rules_save(network=network, actor=setup["other_lead"], data=rules_data(county_max=1))
    with pytest.raises(PermissionDenied):
        selection_rules_reset(network=network, actor=setup["other_lead"])
    assert SelectionRules.objects.get(network=network).county_max is None


@pytest.mark.parametrize(
    "changes",
    [
        {"size_min": {"nonsense": 1}},
        {"size_min": {"under_15000": -1}},
        {"size_min": {"under_15000": "2"}},
        {"size_min": {"under_15000": 4}, "size_max": {"under_15000": 3}},
        {"size_min": {"under_15000": 6, "over_200000": 6}},
        {"size_max": {"under_15000": 11}},
        {"weight_score": 11.0},
        {"coverage": "kommun"},
    ],
)
def test_save_service_validates_without_a_form(setup, changes):
    network, lead = setup["network"], setup["lead"]
    with pytest.raises(ValidationError):
        selection_rules_save(network=network, actor=lead, data={**rules_data(**changes), "capacity": 10})
    assert not SelectionRules.objects.exists()


def test_save_service_rolls_back_the_capacity_with_invalid_rules(setup):
    network, lead = setup["network"], setup["lead"]
    with pytest.raises(ValidationError):
        selection_rules_save(
            network=network, actor=lead, data={**rules_data(size_min={"under_15000": 5}), "capacity": 4}
        )
    network.refresh_from_db()
    assert network.capacity == 10 and not SelectionRules.objects.exists()


# Who may ------------------------------------------------------------------------


def test_leads_co_organiser_leads_administrators_and_superusers_may_use_the_page(setup, client):
    network = setup["network"]
    co = OrganizerFactory()
    network.co_organizers.add(co)
    users = [
        setup["lead"],
        staff(Role.NETWORK_LEAD, organizer=co),
        staff(Role.ADMINISTRATOR, organizer=setup["x"]),
        UserFactory(is_superuser=True, is_staff=True),
    ]
    for user in users:
        client.force_login(user)
        assert client.get(rules_url(network)).status_code == 200, user
        assert client.post(rules_url(network), valid_post(county_max="2")).status_code == 302, user
        assert client.post(reset_url(network)).status_code == 302, user


def test_anonymous_users_go_to_the_login_page(setup, client):
    network = setup["network"]
    login = reverse("account_login")
    for response in (
        client.get(rules_url(network)),
        client.post(rules_url(network), valid_post()),
        client.post(reset_url(network)),
    ):
        assert response.status_code == 302 and login in response["Location"]
    assert not SelectionRules.objects.exists()


def test_representative_finance_and_roleless_users_are_refused(setup, client):
    network, lead = setup["network"], setup["lead"]
    selection_rules_save(network=network, actor=lead, data=rules_data())
    for user in (representative("0114"), staff(Role.FINANCE, organizer=setup["x"]), UserFactory()):
        client.force_login(user)
        assert client.get(rules_url(network)).status_code == 403
        assert client.post(rules_url(network), valid_post()).status_code == 403
        assert client.post(reset_url(network)).status_code == 403
    assert SelectionRules.objects.get(network=network).county_max is None


def test_another_organisers_lead_gets_404(setup, client):
    network, lead = setup["network"], setup["lead"]
    selection_rules_save(network=network, actor=lead, data=rules_data())
    client.force_login(setup["other_lead"])
    assert client.get(rules_url(network)).status_code == 404
    assert client.post(rules_url(network), valid_post()).status_code == 404
    assert client.post(reset_url(network)).status_code == 404
    assert client.get(reverse("selection:rules", args=["finns-inte"])).status_code == 404
    assert SelectionRules.objects.get(network=network).county_max is None


# Bad input ----------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_score": "mycket"}, "weight_score"),
        ({"weight_score": "-1"}, "weight_score"),
        ({"weight_score": "10,5"}, "weight_score"),
        ({"weight_need": str(10**30)}, "weight_need"),
        ({"weight_need": "1e400"}, "weight_need"),
        ({"weight_need": "nan"}, "weight_need"),
        ({"coverage_bonus": HOSTILE}, "coverage_bonus"),
        ({"coverage": HOSTILE}, "coverage"),
        ({"coverage": ""}, "coverage"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "101"}, "capacity"),
        ({"capacity": str(10**30)}, "capacity"),
        ({"capacity": "12,5"}, "capacity"),
        ({"capacity": ""}, "capacity"),
        ({"size_min_under_15000": "-1"}, "size_min_under_15000"),
        ({"size_min_under_15000": "1,5"}, "size_min_under_15000"),
        ({"size_min_under_15000": HOSTILE}, "size_min_under_15000"),
        ({"size_max_over_200000": str(10**30)}, "size_max_over_200000"),
        ({"size_min_under_15000": "7", "size_max_under_15000": "6"}, "size_max_under_15000"),
        ({"size_min_under_15000": "13", "size_max_under_15000": ""}, "size_min_under_15000"),
        ({"size_max_over_200000": "13"}, "size_max_over_200000"),
        ({"size_min_under_15000": "8", "size_min_50000_200000": "5", "size_max_under_15000": ""}, "__all__"),
        ({"bloc_max_difference": "-1"}, "bloc_max_difference"),
        ({"bloc_max_difference": "två"}, "bloc_max_difference"),
        ({"county_max": "0"}, "county_max"),
        ({"county_max": str(10**30)}, "county_max"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(setup, client, changes, field):
    network = setup["network"]
    client.force_login(setup["lead"])
    response = client.post(rules_url(network), valid_post(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert HOSTILE not in response.content.decode()
    assert not SelectionRules.objects.exists()
    network.refresh_from_db()
    assert network.capacity == 10


@pytest.mark.parametrize("missing", ["capacity", "weight_score", "weight_need", "coverage", "coverage_bonus"])
def test_missing_required_fields_are_form_errors(setup, client, missing):
    network = setup["network"]
    client.force_login(setup["lead"])
    response = client.post(rules_url(network), valid_post(**{missing: None}))
    assert response.status_code == 400
    assert missing in response.context["form"].errors
    assert not SelectionRules.objects.exists()


def test_empty_post_is_a_form_error(setup, client):
    client.force_login(setup["lead"])
    response = client.post(rules_url(setup["network"]), {})
    assert response.status_code == 400
    assert not SelectionRules.objects.exists()


def test_errors_are_announced_on_the_field(setup, client):
    client.force_login(setup["lead"])
    response = client.post(rules_url(setup["network"]), valid_post(size_min_under_15000="7", size_max_under_15000="6"))
    body = response.content.decode()
    assert 'aria-describedby="id_size_max_under_15000_error' in body
    assert 'id="id_size_max_under_15000_error"' in body
    assert 'aria-invalid="true"' in body


def test_save_service_checks_unchanged_rules_against_a_smaller_capacity(setup):
    network, lead = setup["network"], setup["lead"]
    selection_rules_save(network=network, actor=lead, data=rules_data(size_min={"under_15000": 5}))
    with pytest.raises(ValidationError):
        selection_rules_save(
            network=network, actor=lead, data={**rules_data(size_min={"under_15000": 5}), "capacity": 4}
        )
    network.refresh_from_db()
    assert network.capacity == 10
