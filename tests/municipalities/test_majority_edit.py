"""Editing one municipality's political majority by hand: the rules, bad input, history and who may do it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from tests.factories import UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
URL = reverse("municipalities:majority_edit", args=["0114"])


@pytest.fixture(autouse=True)
def english(client, settings):
    # Assertions read the English source strings, whatever translations exist.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def lead(client):
    user = staff(role=Role.NETWORK_LEAD)
    client.force_login(user)
    return user


def valid_post(**overrides) -> dict:
    data = {
        "political_majority": "vanster",
        "majority_parties": "S, V, MP",
        "kso_party": "S",
        "majority_source": "Kommunfullmäktige 2024-02-12 § 4",
        "majority_source_date": "2024-02-12",
    }
    data.update(overrides)
    return data


def test_form_shows_the_current_values(client, lead):
    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Upplands Väsby" in page
    assert 'value="blockoverskridande" selected' in page
    assert "L;S;Väsbys Bästa" in page
    assert 'value="2023-03-31"' in page


def test_save_changes_the_municipality_and_records_history(client, lead):
    before = municipality("0114").history.count()

    response = client.post(URL, valid_post())

    assert response.status_code == 302
    assert response["Location"] == reverse("municipalities:detail", args=["0114"])
    vasby = municipality("0114")
    assert vasby.political_majority == "vanster"
    assert vasby.majority_parties == "S;V;MP"
    assert vasby.kso_party == "S"
    assert vasby.majority_source == "Kommunfullmäktige 2024-02-12 § 4"
    assert vasby.majority_source_date == datetime.date(2024, 2, 12)
    assert vasby.history.count() == before + 1
    assert vasby.history.first().history_user == lead
    page = client.get(response["Location"]).content.decode()
    assert "The political majority of Upplands Väsby is saved." in page
    assert "Left (S, V, MP)" in page


def test_majority_can_be_cleared_without_a_source(client, lead):
    response = client.post(
        URL,
        valid_post(
            political_majority="", majority_parties="", kso_party="", majority_source="", majority_source_date=""
        ),
    )

    assert response.status_code == 302
    vasby = municipality("0114")
    assert (vasby.political_majority, vasby.majority_source, vasby.majority_source_date) == ("", "", None)


def test_date_of_today_is_accepted(client, lead):
    today = timezone.localdate()

    response = client.post(URL, valid_post(majority_source_date=today.isoformat()))

    assert response.status_code == 302
    assert municipality("0114").majority_source_date == today


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"majority_source": ""}, "a source is required when a majority is recorded"),
        ({"majority_source": "   "}, "a source is required when a majority is recorded"),
        ({"majority_source_date": "2999-01-01"}, "is in the future"),
        ({"majority_source_date": "tomorrow"}, "Enter a valid date."),
        ({"majority_source_date": "2023-02-30"}, "Enter a valid date."),
        ({"majority_source_date": "31/3/2023"}, "Enter a valid date."),
        ({"majority_source_date": "9" * 500}, "Enter a valid date."),
        ({"political_majority": "röd-grön"}, "Select a valid choice."),
        ({"political_majority": "x" * 10_000}, "Select a valid choice."),
        ({"majority_source": "k" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
        ({"majority_parties": "M;" * 50_000}, "Ensure this value has at most 200 characters"),
        ({"kso_party": "S" * 51}, "Ensure this value has at most 50 characters"),
        ({"majority_source": '=HYPERLINK("http://evil")'}, "spreadsheets would run it as a formula"),
        ({"kso_party": "@SUM(1+1)"}, "spreadsheets would run it as a formula"),
        ({"majority_parties": "+M;S"}, "spreadsheets would run it as a formula"),
        ({"majority_source": "SKR\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_values_give_messages_and_change_nothing(client, lead, overrides, expected):
    response = client.post(URL, valid_post(**overrides))

    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page, page
    assert "Please correct the errors below." in page
    assert municipality("0114").political_majority == "blockoverskridande"


def test_missing_fields_are_treated_as_empty(client, lead):
    response = client.post(URL, {"political_majority": "vanster"})

    assert response.status_code == 200
    assert "a source is required when a majority is recorded" in response.content.decode()


def test_messages_come_in_swedish(client, lead, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    response = client.post(URL, valid_post(political_majority="röd", majority_source="k" * 201))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="sv"' in page
    assert "Välj ett giltigt alternativ" in page
    assert "som mest 200 tecken" in page


def test_hostile_text_is_stored_as_text_and_shown_escaped(client, lead):
    response = client.post(URL, valid_post(majority_parties="<script>alert(1)</script>", kso_party="<b>S</b>"))

    assert response.status_code == 302
    assert municipality("0114").majority_parties == "<script>alert(1)</script>"
    for url in (URL, reverse("municipalities:detail", args=["0114"])):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page
        assert "<b>S</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("code", ["9999", "01145", "<script>", "0114%00"])
def test_unknown_code_is_404(client, lead, code):
    assert client.get(f"/kommuner/{code}/majoritet/").status_code == 404


def test_detail_page_links_to_the_form_and_the_form_to_the_import(client, lead):
    detail = client.get(reverse("municipalities:detail", args=["0114"])).content.decode()
    form = client.get(URL).content.decode()

    assert URL in detail
    assert reverse("municipalities:majority_import") in form


def test_own_municipality_page_has_no_edit_link(client):
    client.force_login(representative("0114"))

    page = client.get(reverse("municipalities:mine")).content.decode()

    assert URL not in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("plain user", 403),
        ("representative", 403),
        ("finance", 403),
        ("lead", 200),
        ("administrator", 200),
        ("superuser", 200),
    ],
)
def test_form_is_for_leads_and_administrators(client, who, expected):
    user = {
        "anonymous": None,
        "plain user": UserFactory(),
        "representative": representative("0114"),
        "finance": staff(Role.FINANCE),
        "lead": staff(Role.NETWORK_LEAD),
        "administrator": staff(Role.ADMINISTRATOR),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }[who]
    if user:
        client.force_login(user)

    response = client.get(URL)
    assert response.status_code == expected
    if who == "anonymous":
        assert reverse("account_login") in response["Location"]

    response = client.post(URL, valid_post())
    assert response.status_code == (302 if expected in (200, 302) else expected)
    changed = municipality("0114").political_majority == "vanster"
    assert changed == (expected == 200)


def test_finance_staff_see_no_links_they_cannot_follow(client):
    client.force_login(staff(StaffRole.Role.FINANCE))
    detail = client.get(reverse("municipalities:detail", args=["0114"])).content.decode()
    listing = client.get(reverse("municipalities:list")).content.decode()
    assert reverse("municipalities:majority_edit", args=["0114"]) not in detail
    assert reverse("municipalities:majority_import") not in listing
