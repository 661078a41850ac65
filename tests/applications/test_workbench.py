"""The selection workbench: rows, explanations, locks and runs, filters and sorts, distributions, queries, access."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffRole
from applications import decisions, workbench
from applications.models import Application, Review, SelectionRules, SelectionRun
from networks.models import Network
from tests.factories import (
    ApplicationFactory,
    NetworkFactory,
    OrganizerFactory,
    ReviewCriterionFactory,
    UserFactory,
    municipality,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
Decision = Application.Decision
# Twelve kommuner of different sizes, counties and majorities; three under 15 000 inhabitants.
CODES = ["0114", "1440", "0764", "1984", "2580", "0180", "0428", "1480", "0380", "2480", "2021", "1880"]
UNDER_15000 = {"1984", "0428", "2021"}
# Eight more, for the query-count test (twenty in all).
MORE_CODES = ["0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128"]
TICK = '<span aria-hidden="true">✓</span>'  # a proposed applicant's mark in the table


def submitted(network, codes, *, criterion=None, reviewer=None):
    """Submitted applications of ``codes``, each scored (index % 6) when a criterion is given."""
    applications = []
    for index, code in enumerate(codes):
        submitter = representative(code)
        application = ApplicationFactory(
            network=network,
            municipality=municipality(code),
            created_by=submitter,
            submitted_by=submitter,
            status=Application.Status.SUBMITTED,
            version=1,
        )
        if criterion is not None:
            Review.objects.create(application=application, criterion=criterion, reviewer=reviewer, score=index % 6)
        applications.append(application)
    return applications


def selection_network(organizer, codes=CODES, *, capacity=10, **kwargs):
    network = NetworkFactory(
        organizer=organizer, capacity=capacity, status=Network.Status.SELECTION, title="Urvalsnätverket", **kwargs
    )
    criterion = ReviewCriterionFactory(network=network, title="Problembeskrivningen")
    return network, submitted(network, codes, criterion=criterion, reviewer=UserFactory())


@pytest.fixture
def setup():
    x, y = OrganizerFactory(name="Org X"), OrganizerFactory(name="Org Y")
    network, applications = selection_network(x)
    return {
        "x": x,
        "y": y,
        "network": network,
        "applications": applications,
        "lead": staff(Role.NETWORK_LEAD, organizer=x),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=y),
    }


def url(network, name="workbench", *args):
    return reverse(f"selection:{name}", args=[network.slug, *args])


def by_name(bench):
    return {row.name: row for row in bench.all_rows}


# The selector ----------------------------------------------------------------------------


def test_rows_carry_the_register_facts_and_the_review_average(setup):
    bench = workbench.workbench(setup["network"])
    assert len(bench.all_rows) == 12 and bench.run is None
    vasby = by_name(bench)["Upplands Väsby"]
    register = municipality("0114")
    assert (vasby.county_code, vasby.area_code) == (register.county.code, register.county.nuts2_code)
    assert vasby.area_name == register.county.riksomrade
    assert vasby.size.key == "50000_200000" and vasby.average == 0.0  # index 0 → score 0
    assert vasby.proposed == "" and vasby.contribution is None and vasby.swap is None
    # No weight on need and no efficiency models: the need of support is not shown.
    assert bench.show_need is False and all(row.need is None for row in bench.all_rows)


def test_need_of_support_is_shown_when_the_rules_weigh_it(setup):
    network = setup["network"]
    SelectionRules.objects.create(network=network, weight_need=1.0)
    network.refresh_from_db()
    assert workbench.workbench(network).show_need is True


def test_rows_explain_the_latest_run(setup):
    network, lead = setup["network"], setup["lead"]
    run = decisions.selection_run(network=network, actor=lead)
    bench = workbench.workbench(network)
    assert bench.run == run and bench.chosen_ids == set(run.chosen) and len(run.chosen) == 10
    for row in bench.all_rows:
        if row.chosen:
            part = row.contribution
            assert part.total == pytest.approx(part.score + part.need + part.coverage)
            assert row.swap is None and row.proposed == Decision.ACCEPTED
        else:
            assert row.contribution is None and row.proposed == Decision.WAITLIST
            assert row.swap is not None and row.swap.replaces_id in run.chosen
            assert row.swap.replaces_name == by_name(bench)[row.swap.replaces_name].name
    total = sum(row.contribution.total for row in bench.all_rows if row.chosen)
    assert total == pytest.approx(run.objective, abs=1e-6)


def test_distributions_count_applicants_proposal_and_accepted(setup):
    network, lead = setup["network"], setup["lead"]
    decisions.selection_run(network=network, actor=lead)
    decisions.decisions_from_proposal(network=network, actor=lead)
    bench = workbench.workbench(network)
    result = {d.key: d for d in workbench.distributions(bench.all_rows, bench.chosen_ids)}
    assert list(result) == ["area", "county", "size", "kommungrupp", "bloc"]
    for distribution in result.values():
        totals = distribution.totals
        assert (totals.applicants, totals.proposal, totals.accepted) == (12, 10, 10)
    sizes = {bucket.key: bucket for bucket in result["size"].buckets}
    assert sizes["under_15000"].applicants == len(UNDER_15000)
    assert sizes["under_15000"].proposal >= 2  # the default rule: at least two under 15 000
    assert [b.key for b in result["size"].buckets] == sorted(
        sizes, key=lambda key: workbench.SIZE_ORDER[key]
    )  # smallest first


def test_rules_in_words_name_every_rule():
    words = workbench.rules_in_words(
        {
            "capacity": 10,
            "weight_score": 1.0,
            "weight_need": 0.5,
            "coverage": "county",
            "coverage_bonus": 0.25,
            "size_min": {"under_15000": 2},
            "size_max": {"over_200000": 3},
            "bloc_max_difference": 1,
            "county_max": 2,
            "locked_in": [7],
            "locked_out": [8],
        },
        names={7: "Ale", 8: "Vingåker"},
    )
    text = " ".join(words)
    for part in ("10", "0,5", "0,25", "2", "3", "Ale", "Vingåker"):
        assert part in text
    assert len(words) == 9


# The page --------------------------------------------------------------------------------


def test_the_page_before_any_run_offers_the_run_and_no_proposal(setup, client):
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert url(setup["network"], "run") in body
    assert url(setup["network"], "accept_all") not in body  # 12 applicants for 10 places
    assert url(setup["network"], "use_proposal") not in body
    assert TICK not in body
    assert reverse("selection:rules", args=[setup["network"].slug]) in body
    assert url(setup["network"], "report") in body
    # The need of support does not count here: its column shows "–" for everybody.
    assert response.context["show_need"] is False
    dashes = re.findall(r'–<span class="visually-hidden"> [^<]+</span></span></td>', body)
    assert len(dashes) == 12  # every applicant is reviewed, so these are the need column's


def test_run_from_the_page_shows_proposed_ticks_and_the_why(setup, client):
    network = setup["network"]
    client.force_login(setup["lead"])
    response = client.post(url(network, "run"))
    assert response.status_code == 302 and response["Location"].endswith("#proposal")
    run = SelectionRun.objects.get(network=network)
    assert run.created_by == setup["lead"]
    response = client.get(url(network))
    body = response.content.decode()
    assert body.count(TICK) == 10
    left_out = [row for row in response.context["bench"].all_rows if not row.chosen]
    assert len(left_out) == 2
    for row in left_out:
        assert row.swap.replaces_name in body
    assert url(network, "use_proposal") in body
    assert "0,05" in body or "sekunder" in body or "seconds" in body  # solve time shown


def test_locking_out_a_chosen_one_and_running_again_leaves_it_out(setup, client):
    network = setup["network"]
    client.force_login(setup["lead"])
    client.post(url(network, "run"))
    chosen = SelectionRun.objects.get(network=network).chosen[0]
    response = client.post(url(network, "lock", chosen), {"lock": "out", "back": "sort=name&evil=<script>"})
    assert response.status_code == 302
    assert "sort=name" in response["Location"] and "evil" not in response["Location"]
    assert Application.objects.get(pk=chosen).selection_lock == Application.Lock.OUT
    body = client.get(url(network)).content.decode()
    assert "locked in or out since the proposal" in body or "låst" in body.lower()  # the proposal is out of date
    client.post(url(network, "run"))
    latest = decisions.latest_run(network)
    assert chosen not in latest.chosen and latest.rules["locked_out"] == [chosen]
    client.post(url(network, "lock", chosen), {"lock": ""})
    assert Application.objects.get(pk=chosen).selection_lock == ""


def test_a_bad_lock_value_is_a_message_not_an_error(setup, client):
    application = setup["applications"][0]
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "lock", application.pk), {"lock": "sideways"}, follow=True)
    assert response.status_code == 200
    assert Application.objects.get(pk=application.pk).selection_lock == ""
    assert list(response.context["messages"])


def test_rules_that_cannot_hold_are_named_on_the_page(setup, client):
    network = setup["network"]
    SelectionRules.objects.create(network=network, size_min={"under_15000": 11})
    client.force_login(setup["lead"])
    response = client.post(url(network, "run"), follow=True)
    assert response.status_code == 200
    run = decisions.latest_run(network)
    assert run.status == SelectionRun.Status.INFEASIBLE and run.result["conflicts"]
    body = response.content.decode()
    for name in run.result["conflicts"]:
        assert name in body
    assert "alert-danger" in body and TICK not in body
    assert url(network, "use_proposal") not in body  # nothing to use
    # Using the failed proposal is refused with a message, not a 500.
    response = client.post(url(network, "use_proposal"), follow=True)
    assert response.status_code == 200
    assert not Application.objects.filter(network=network).exclude(decision="").exists()


def test_accept_all_is_offered_and_works_when_everybody_fits(client):
    organizer = OrganizerFactory()
    network, _applications = selection_network(organizer, CODES[:4])
    lead = staff(Role.NETWORK_LEAD, organizer=organizer)
    client.force_login(lead)
    body = client.get(url(network)).content.decode()
    assert url(network, "accept_all") in body
    response = client.post(url(network, "accept_all"))
    assert response.status_code == 302
    assert set(Application.objects.filter(network=network).values_list("decision", flat=True)) == {Decision.ACCEPTED}
    assert not SelectionRun.objects.filter(network=network).exists()  # the optimiser was never needed


def test_accept_all_with_too_many_applicants_is_refused(setup, client):
    client.force_login(setup["lead"])
    response = client.post(url(setup["network"], "accept_all"), follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    assert not Application.objects.filter(network=setup["network"]).exclude(decision="").exists()


def test_actions_before_the_selection_period_are_messages(client):
    organizer = OrganizerFactory()
    network = NetworkFactory(organizer=organizer, status=Network.Status.OPEN)
    submitted(network, CODES[:2])
    client.force_login(staff(Role.NETWORK_LEAD, organizer=organizer))
    assert client.get(url(network)).status_code == 200
    for name in ("run", "accept_all", "use_proposal"):
        response = client.post(url(network, name), follow=True)
        assert response.status_code == 200 and list(response.context["messages"]), name
    assert not SelectionRun.objects.filter(network=network).exists()


# Filters and sorts -----------------------------------------------------------------------


def names(response):
    return [row.name for row in response.context["bench"].rows]


def test_filters_narrow_the_table_but_not_the_distributions(setup, client):
    network = setup["network"]
    client.force_login(setup["lead"])
    decisions.selection_run(network=network, actor=setup["lead"])
    stockholm = municipality("0180").county
    response = client.get(url(network), {"county": stockholm.code})
    assert sorted(names(response)) == ["Stockholm", "Upplands Väsby"]
    sections = response.context["sections"]
    assert sections[0]["distribution"].totals.applicants == 12
    assert set(names(client.get(url(network), {"area": stockholm.nuts2_code}))) == {"Stockholm", "Upplands Väsby"}
    small = names(client.get(url(network), {"size": "under_15000"}))
    assert {municipality(code).name for code in UNDER_15000} == set(small)
    assert set(names(client.get(url(network), {"q": "UPP"}))) == {"Uppsala", "Upplands Väsby"}
    proposed = names(client.get(url(network), {"proposed": "yes"}))
    not_proposed = names(client.get(url(network), {"proposed": "no"}))
    assert len(proposed) == 10 and len(not_proposed) == 2
    assert len(names(client.get(url(network), {"decision": "none"}))) == 12
    assert names(client.get(url(network), {"decision": Decision.ACCEPTED})) == []
    for bloc in ("left", "right", "neither"):
        rows = client.get(url(network), {"bloc": bloc}).context["bench"].rows
        assert all(row.bloc == ("" if bloc == "neither" else bloc) for row in rows)


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("name", lambda r: workbench.sort_name_key(r.name), False),
        ("-name", lambda r: workbench.sort_name_key(r.name), True),
        ("population", lambda r: r.municipality.population, False),
        ("-population", lambda r: r.municipality.population, True),
        ("score", lambda r: r.average, False),
        ("-value", lambda r: r.value, True),
    ],
)
def test_sorts(setup, client, sort, key, reverse):
    network = setup["network"]
    decisions.selection_run(network=network, actor=setup["lead"])
    client.force_login(setup["lead"])
    response = client.get(url(network), {"sort": sort})
    rows = response.context["bench"].rows
    assert [key(r) for r in rows] == sorted((key(r) for r in rows), reverse=reverse)
    assert response.context["bench"].sort == sort


def test_swedish_alphabetical_order_puts_a_ring_a_dots_and_o_dots_last():
    assert sorted(["Örebro", "Älmhult", "Åre", "Zinkgruvan", "Ale"], key=workbench.sort_name_key) == [
        "Ale",
        "Zinkgruvan",
        "Åre",
        "Älmhult",
        "Örebro",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "<script>alert(1)</script>"},
        {"sort": "--name"},
        {"sort": "x" * 10_000},
        {"county": "<b>", "area": "SE99", "size": "huge", "bloc": "centre", "decision": "maybe", "proposed": "perhaps"},
        {"q": "'; DROP TABLE applications; --" * 100},
        {"unknown": "1", "page": "-1"},
        {"county": ["01", "03"], "sort": ["name", "-name"]},
    ],
)
def test_hostile_and_invalid_parameters_are_ignored(setup, client, query):
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"]), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)" not in body and "<b>" not in body
    assert response.context["bench"].sort in ("name", "-name", "-value")


def test_sort_links_keep_the_filters_and_toggle_the_direction(setup, client):
    client.force_login(setup["lead"])
    response = client.get(url(setup["network"]), {"sort": "name", "size": "under_15000"})
    link = response.context["sort_links"]["name"]
    assert "sort=-name" in link["url"] and "size=under_15000" in link["url"]
    assert link["aria"] == "ascending"
    assert 'aria-sort="ascending"' in response.content.decode()


# Queries ---------------------------------------------------------------------------------


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("page_cache_off")  # counts or inspects what a render does
def test_the_workbench_costs_the_same_number_of_queries_for_3_and_20_applications(client):
    organizer = OrganizerFactory()
    lead = staff(Role.NETWORK_LEAD, organizer=organizer)
    small, _ = selection_network(organizer, CODES[:3], capacity=2)
    large, _ = selection_network(organizer, CODES + MORE_CODES, capacity=10)
    for network in (small, large):
        SelectionRules.objects.create(network=network, weight_need=1.0)  # the need of support is computed too
        network.refresh_from_db()
        decisions.selection_run(network=network, actor=lead)
        decisions.decisions_from_proposal(network=network, actor=lead)
    client.force_login(lead)
    client.get(url(small))  # warm the session and role caches alike
    assert count_queries(client, url(small)) == count_queries(client, url(large))
    assert len(workbench.workbench(large).all_rows) == 20


# Access ----------------------------------------------------------------------------------

GET_VIEWS = ["workbench", "runs"]


@pytest.mark.parametrize("view", GET_VIEWS)
def test_leads_admins_co_organisers_and_superusers_see_the_pages(setup, client, view):
    network = setup["network"]
    co = OrganizerFactory()
    network.co_organizers.add(co)
    for user in (
        setup["lead"],
        staff(Role.ADMINISTRATOR, organizer=setup["x"]),
        staff(Role.NETWORK_LEAD, organizer=co),
        UserFactory(is_superuser=True, is_staff=True),
    ):
        client.force_login(user)
        assert client.get(url(network, view)).status_code == 200, user


@pytest.mark.parametrize("view", GET_VIEWS)
def test_another_organisers_lead_gets_a_404(setup, client, view):
    client.force_login(setup["other_lead"])
    response = client.get(url(setup["network"], view))
    assert response.status_code == 404 and "Urvalsnätverket" not in response.content.decode()


@pytest.mark.parametrize("view", GET_VIEWS)
def test_representatives_finance_and_roleless_users_get_a_403(setup, client, view):
    for user in (representative("0114"), staff(Role.FINANCE, organizer=setup["x"]), UserFactory()):
        client.force_login(user)
        assert client.get(url(setup["network"], view)).status_code == 403


@pytest.mark.parametrize("view", GET_VIEWS)
def test_anonymous_users_go_to_the_login_page(setup, client, view):
    response = client.get(url(setup["network"], view))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_post_actions_are_refused_to_everybody_but_the_leads(setup, client):
    network, application = setup["network"], setup["applications"][0]
    actions = [url(network, "run"), url(network, "accept_all"), url(network, "use_proposal")]
    actions.append(url(network, "lock", application.pk))
    for action in actions:
        client.logout()
        response = client.post(action, {"lock": "in"})
        assert response.status_code == 302 and reverse("account_login") in response["Location"], action
        for user in (representative("0114"), staff(Role.FINANCE, organizer=setup["x"])):
            client.force_login(user)
            assert client.post(action, {"lock": "in"}).status_code == 403, action
        client.force_login(setup["other_lead"])
        assert client.post(action, {"lock": "in"}).status_code == 404, action
    assert not SelectionRun.objects.exists()
    assert Application.objects.get(pk=application.pk).selection_lock == ""


def test_post_actions_refuse_get(setup, client):
    client.force_login(setup["lead"])
    network = setup["network"]
    for action in (url(network, "run"), url(network, "accept_all"), url(network, "use_proposal")):
        assert client.get(action).status_code == 405
    assert client.get(url(network, "lock", setup["applications"][0].pk)).status_code == 405


def test_locking_another_networks_application_is_a_404(setup, client):
    _other_network, (other,) = selection_network(setup["y"], ["0180"])
    client.force_login(setup["lead"])
    assert client.post(url(setup["network"], "lock", other.pk), {"lock": "in"}).status_code == 404
    draft = ApplicationFactory(network=setup["network"], municipality=municipality("0115"))
    assert client.post(url(setup["network"], "lock", draft.pk), {"lock": "in"}).status_code == 404
    assert Application.objects.get(pk=other.pk).selection_lock == ""
