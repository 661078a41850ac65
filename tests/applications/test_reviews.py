"""Reviewing: the scoring service, the list selector and every review view for every kind of user."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from applications.models import Application, Review
from applications.reviews import (
    ReviewFilters,
    ReviewNotAllowed,
    application_review_list,
    review_rows,
    review_save,
)
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


def submitted(network, code="0114", **kwargs):
    kwargs.setdefault("submitted_at", timezone.now())
    return ApplicationFactory(
        network=network, municipality=municipality(code), status=Application.Status.SUBMITTED, version=1, **kwargs
    )


@pytest.fixture
def setup():
    """Two organisers; a network of X with two criteria and a submitted application; a network of Y."""
    x, y = OrganizerFactory(name="Org X"), OrganizerFactory(name="Org Y")
    network = NetworkFactory(organizer=x, title="Nätverk X")
    criteria = [ReviewCriterionFactory(network=network, order=n) for n in range(2)]
    application = submitted(network, "0114")
    other_network = NetworkFactory(organizer=y, title="Nätverk Y")
    other_criterion = ReviewCriterionFactory(network=other_network)
    other_application = submitted(other_network, "0180")
    return {
        "x": x,
        "y": y,
        "network": network,
        "criteria": criteria,
        "application": application,
        "other_network": other_network,
        "other_criterion": other_criterion,
        "other_application": other_application,
        "lead": staff(Role.NETWORK_LEAD, organizer=x),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=y),
    }


def scores_post(criteria, scores, comments=None):
    data = {}
    for index, criterion in enumerate(criteria):
        data[f"score_{criterion.pk}"] = scores[index]
        data[f"comment_{criterion.pk}"] = (comments or [""] * len(criteria))[index]
    return data


def urls(network, application):
    return {
        "list": reverse("reviews:list", args=[network.slug]),
        "detail": reverse("reviews:detail", args=[network.slug, application.pk]),
        "export_xlsx": reverse("reviews:export_xlsx", args=[network.slug]),
        "export_csv": reverse("reviews:export_csv", args=[network.slug]),
    }


# Service ----------------------------------------------------------------------


def test_review_save_creates_updates_and_records_actor(setup):
    application, (c1, c2), lead = setup["application"], setup["criteria"], setup["lead"]
    review_save(application=application, reviewer=lead, scores={c1.pk: (4, "Bra"), c2.pk: (None, "")}, actor=lead)
    assert {(r.criterion_id, r.score) for r in Review.objects.filter(reviewer=lead)} == {(c1.pk, 4), (c2.pk, None)}
    review_save(application=application, reviewer=lead, scores={c1.pk: (2, "Sämre")}, actor=lead)
    review = Review.objects.get(reviewer=lead, criterion=c1)
    assert (review.score, review.comment) == (2, "Sämre")
    assert review.history.first().history_user == lead
    assert Review.objects.count() == 2


def test_review_save_rejects_another_networks_criterion(setup):
    lead = setup["lead"]
    with pytest.raises(ValidationError):
        review_save(
            application=setup["application"],
            reviewer=lead,
            scores={setup["other_criterion"].pk: (3, "")},
            actor=lead,
        )
    assert not Review.objects.exists()


@pytest.mark.parametrize("score", [6, -1])
def test_review_save_rejects_scores_out_of_range(setup, score):
    lead, (c1, _c2) = setup["lead"], setup["criteria"]
    with pytest.raises(ValidationError):
        review_save(application=setup["application"], reviewer=lead, scores={c1.pk: (score, "")}, actor=lead)
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", [Application.Status.DRAFT, Application.Status.WITHDRAWN])
def test_review_save_refuses_unsubmitted_applications(setup, status):
    lead, (c1, _c2) = setup["lead"], setup["criteria"]
    draft = ApplicationFactory(network=setup["network"], municipality=municipality("0115"), status=status)
    with pytest.raises(ReviewNotAllowed):
        review_save(application=draft, reviewer=lead, scores={c1.pk: (3, "")}, actor=lead)


# Selector ---------------------------------------------------------------------


def test_review_list_average_spread_and_counts_leave_out_not_assessed(setup):
    network, application, (c1, c2) = setup["network"], setup["application"], setup["criteria"]
    a, b = staff(organizer=setup["x"]), staff(organizer=setup["x"])
    review_save(application=application, reviewer=a, scores={c1.pk: (4, ""), c2.pk: (None, "")}, actor=a)
    review_save(application=application, reviewer=b, scores={c1.pk: (2, ""), c2.pk: (3, "")}, actor=b)
    criteria = [c1, c2]
    queryset = application_review_list(network=network, reviewer=a, criteria=criteria)
    (row,) = review_rows(queryset, criteria)
    assert row.average == 3.0  # (4 + 2 + 3) / 3, the "not assessed" left out
    assert row.spread == pytest.approx(0.82, abs=0.01)  # population standard deviation of 4, 2, 3
    assert row.reviewer_count == 2
    assert row.criterion_averages == [3.0, 3.0]
    assert row.own_review_done is True
    other = review_rows(application_review_list(network=network, reviewer=setup["lead"], criteria=criteria), criteria)
    assert other[0].own_review_done is False


def test_review_list_defaults_to_submitted_and_filters(setup):
    network = setup["network"]
    draft = ApplicationFactory(network=network, municipality=municipality("0115"))
    withdrawn = ApplicationFactory(
        network=network, municipality=municipality("0180"), status=Application.Status.WITHDRAWN
    )
    gotland = submitted(network, "0980")
    assert set(application_review_list(network=network)) == {setup["application"], gotland}
    assert set(application_review_list(network=network, filters=ReviewFilters(status="draft"))) == {draft}
    everything = application_review_list(network=network, filters=ReviewFilters(status=""))
    assert set(everything) == {setup["application"], gotland, draft, withdrawn}
    by_county = ReviewFilters(county_id=municipality("0980").county_id)
    assert list(application_review_list(network=network, filters=by_county)) == [gotland]
    vasby = municipality("0114")
    by_group = ReviewFilters(kommungrupp=vasby.kommungrupp_code, size_group=vasby.kolada_size_group)
    assert setup["application"] in application_review_list(network=network, filters=by_group)
    assert setup["other_application"] not in application_review_list(network=network, filters=ReviewFilters(status=""))


def test_review_list_sorts_by_average_with_unscored_last(setup):
    network, (c1, _c2), lead = setup["network"], setup["criteria"], setup["lead"]
    low, high, unscored = setup["application"], submitted(network, "0115"), submitted(network, "0117")
    review_save(application=low, reviewer=lead, scores={c1.pk: (1, "")}, actor=lead)
    review_save(application=high, reviewer=lead, scores={c1.pk: (5, "")}, actor=lead)
    assert list(application_review_list(network=network, order="-average")) == [high, low, unscored]
    assert list(application_review_list(network=network, order="average")) == [low, high, unscored]
    # An unknown order falls back to the municipality name.
    names = [a.municipality.name for a in application_review_list(network=network, order="nonsense")]
    assert names == sorted(names)


def test_review_list_query_count_is_constant(setup, client, django_assert_max_num_queries):
    network, criteria, lead = setup["network"], setup["criteria"], setup["lead"]
    for code in ("0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128"):
        application = submitted(network, code)
        for _ in range(2):
            reviewer = staff(organizer=setup["x"])
            review_save(
                application=application,
                reviewer=reviewer,
                scores={c.pk: (3, "ok") for c in criteria},
                actor=reviewer,
            )
    client.force_login(lead)
    with django_assert_max_num_queries(13):  # 12 and the paginator's count
        response = client.get(reverse("reviews:list", args=[network.slug]) + "?status=all&order=-spread")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 9


# Access -----------------------------------------------------------------------


@pytest.mark.parametrize("view", ["list", "detail", "export_xlsx", "export_csv"])
def test_review_views_allow_lead_co_organiser_lead_admin_and_superuser(setup, client, view):
    network = setup["network"]
    co = OrganizerFactory()
    network.co_organizers.add(co)
    users = [
        setup["lead"],
        staff(Role.ADMINISTRATOR, organizer=setup["x"]),
        staff(Role.NETWORK_LEAD, organizer=co),
        UserFactory(is_superuser=True, is_staff=True),
    ]
    for user in users:
        client.force_login(user)
        assert client.get(urls(network, setup["application"])[view]).status_code == 200, user


@pytest.mark.parametrize("view", ["list", "detail", "export_xlsx", "export_csv"])
def test_review_views_hide_another_organisers_network(setup, client, view):
    client.force_login(setup["other_lead"])
    response = client.get(urls(setup["network"], setup["application"])[view])
    assert response.status_code == 404
    assert "Nätverk X" not in response.content.decode()


@pytest.mark.parametrize("view", ["list", "detail", "export_xlsx", "export_csv"])
def test_review_views_refuse_representative_finance_and_roleless(setup, client, view):
    url = urls(setup["network"], setup["application"])[view]
    for user in (representative("0114"), staff(Role.FINANCE, organizer=setup["x"]), UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("view", ["list", "detail", "export_xlsx", "export_csv"])
def test_review_views_send_anonymous_to_login(setup, client, view):
    response = client.get(urls(setup["network"], setup["application"])[view])
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_score_post_refused_for_everyone_but_leads(setup, client):
    url = reverse("reviews:score", args=[setup["network"].slug, setup["application"].pk])
    data = scores_post(setup["criteria"], ["3", "3"])
    response = client.post(url, data)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for user in (representative("0114"), staff(Role.FINANCE, organizer=setup["x"])):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    client.force_login(setup["other_lead"])
    assert client.post(url, data).status_code == 404
    assert not Review.objects.exists()


def test_lead_cannot_score_another_networks_application_by_tampering_ids(setup, client):
    client.force_login(setup["lead"])
    # Own network's slug with the other network's application id.
    url = reverse("reviews:score", args=[setup["network"].slug, setup["other_application"].pk])
    data = {f"score_{setup['other_criterion'].pk}": "5", f"comment_{setup['other_criterion'].pk}": ""}
    assert client.post(url, data).status_code == 404
    assert client.get(url).status_code == 404
    # The other network's slug with its own application id.
    url = reverse("reviews:score", args=[setup["other_network"].slug, setup["other_application"].pk])
    assert client.post(url, data).status_code == 404
    assert not Review.objects.exists()


def test_list_shows_only_the_networks_applications(setup, client):
    client.force_login(setup["lead"])
    response = client.get(reverse("reviews:list", args=[setup["network"].slug]) + "?status=all")
    rows = response.context["rows"]
    assert [row.application for row in rows] == [setup["application"]]
    body = response.content.decode()
    assert "Upplands Väsby" in body and "Stockholm</a>" not in body
    assert "<caption>" in body and 'scope="col"' in body


def test_list_ignores_invalid_filters(setup, client):
    client.force_login(setup["lead"])
    url = reverse("reviews:list", args=[setup["network"].slug])
    response = client.get(url, {"status": "<script>", "county": "abc", "order": "x\x00", "size": "9" * 500})
    assert response.status_code == 200
    assert [row.application for row in response.context["rows"]] == [setup["application"]]


# Detail and scoring -----------------------------------------------------------


def test_detail_shows_content_other_reviews_and_saves_scores(setup, client):
    network, application, criteria, lead = setup["network"], setup["application"], setup["criteria"], setup["lead"]
    colleague = staff(organizer=setup["x"], name="Kollega Karlsson")
    review_save(
        application=application,
        reviewer=colleague,
        scores={criteria[0].pk: (5, "<b>Utmärkt</b>")},
        actor=colleague,
    )
    client.force_login(lead)
    url = reverse("reviews:detail", args=[network.slug, application.pk])
    body = client.get(url).content.decode()
    assert "Vi vill utveckla vår styrning." in body
    assert "Kollega Karlsson" in body and "&lt;b&gt;Utmärkt&lt;/b&gt;" in body
    response = client.post(url, scores_post(criteria, ["4", "na"], ["Tydlig analys", ""]))
    assert response.status_code == 302
    mine = {r.criterion_id: (r.score, r.comment) for r in Review.objects.filter(reviewer=lead)}
    assert mine == {criteria[0].pk: (4, "Tydlig analys"), criteria[1].pk: (None, "")}
    page = client.get(url)
    assert page.context["form"].initial[f"score_{criteria[0].pk}"] == "4"
    listing = client.get(reverse("reviews:list", args=[network.slug]))
    (row,) = listing.context["rows"]
    assert row.average == 4.5 and row.reviewer_count == 2 and row.own_review_done is True


@pytest.mark.parametrize(
    ("score", "comment"),
    [
        ("6", ""),
        ("-1", ""),
        ("abc", ""),
        ("", ""),
        ("3", "nul\x00byte"),
        ("3", "x" * 100_000),
    ],
)
def test_score_form_rejects_bad_input(setup, client, score, comment):
    network, application, criteria = setup["network"], setup["application"], setup["criteria"]
    client.force_login(setup["lead"])
    url = reverse("reviews:score", args=[network.slug, application.pk])
    response = client.post(url, scores_post(criteria, [score, "3"], [comment, ""]))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Review.objects.exists()


def test_score_form_missing_fields_is_an_error(setup, client):
    client.force_login(setup["lead"])
    url = reverse("reviews:score", args=[setup["network"].slug, setup["application"].pk])
    response = client.post(url, {})
    assert response.status_code == 400
    assert not Review.objects.exists()


@pytest.mark.parametrize("comment", ["<script>alert(1)</script>", "Mycket bra 👍🏽 ✅", "Rad ett\r\nRad två"])
def test_score_form_stores_hostile_text_and_shows_it_escaped(setup, client, comment):
    network, application, criteria = setup["network"], setup["application"], setup["criteria"]
    colleague = staff(organizer=setup["x"])
    client.force_login(colleague)
    url = reverse("reviews:score", args=[network.slug, application.pk])
    assert client.post(url, scores_post(criteria, ["2", "na"], [comment, ""])).status_code == 302
    assert Review.objects.get(reviewer=colleague, criterion=criteria[0]).comment == comment.strip()
    client.force_login(setup["lead"])
    body = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in body


@pytest.mark.parametrize("status", [Application.Status.DRAFT, Application.Status.WITHDRAWN])
def test_unsubmitted_application_can_be_read_but_not_scored(setup, client, status):
    network, criteria = setup["network"], setup["criteria"]
    application = ApplicationFactory(network=network, municipality=municipality("0115"), status=status)
    client.force_login(setup["lead"])
    url = reverse("reviews:detail", args=[network.slug, application.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, scores_post(criteria, ["3", "3"])).status_code == 302
    assert not Review.objects.exists()


def test_detail_query_count_is_constant(setup, client, django_assert_max_num_queries):
    network, application, criteria = setup["network"], setup["application"], setup["criteria"]
    for _ in range(5):
        reviewer = staff(organizer=setup["x"])
        review_save(
            application=application, reviewer=reviewer, scores={c.pk: (2, "ok") for c in criteria}, actor=reviewer
        )
    client.force_login(setup["lead"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reviews:detail", args=[network.slug, application.pk])).status_code == 200


def test_submitted_date_sort(setup):
    network = setup["network"]
    older = submitted(network, "0115", submitted_at=timezone.now() - timedelta(days=3))
    assert list(application_review_list(network=network, order="submitted")) == [older, setup["application"]]
    assert list(application_review_list(network=network, order="-submitted")) == [setup["application"], older]


def test_score_form_errors_are_announced_on_the_field(setup, client):
    network, application, criteria = setup["network"], setup["application"], setup["criteria"]
    client.force_login(setup["lead"])
    url = reverse("reviews:score", args=[network.slug, application.pk])
    body = client.post(url, scores_post(criteria, ["9", "3"])).content.decode()
    field_id = f"id_score_{criteria[0].pk}"
    assert f'aria-describedby="{field_id}-errors"' in body and f'id="{field_id}-errors"' in body
    assert f'<label class="form-label" for="{field_id}">' in body
