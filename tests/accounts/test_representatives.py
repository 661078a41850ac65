import pytest
from django.urls import reverse

from accounts import services
from accounts.models import StaffRole, User
from municipalities.models import MunicipalityDomain
from tests.factories import UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db

PAGE = "/konto/kommunrepresentanter/"


@pytest.fixture
def lead(client):
    user = staff(StaffRole.Role.NETWORK_LEAD)
    client.force_login(user)
    return user


def _requester(code="0114", **kwargs):
    return UserFactory(requested_municipality=municipality(code), **kwargs)


# --- access --------------------------------------------------------------------------


def test_representatives_page_anonymous_is_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "make_user",
    [lambda: representative("0114"), lambda: staff(StaffRole.Role.FINANCE), lambda: UserFactory()],
    ids=["representative", "finance", "no_role"],
)
def test_representatives_page_refuses_others(client, make_user):
    client.force_login(make_user())
    assert client.get(PAGE).status_code == 403
    assert client.post(reverse("accounts:representative_unlink"), {"user": 1}).status_code == 403


@pytest.mark.parametrize("role", [StaffRole.Role.NETWORK_LEAD, StaffRole.Role.ADMINISTRATOR])
def test_representatives_page_open_to_network_leads(client, role):
    client.force_login(staff(role))
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("path", ["/arrangorer/", "/kommuner/", PAGE])
def test_representative_cannot_reach_staff_pages(client, path):
    client.force_login(representative("0114"))
    assert client.get(path).status_code == 403


# --- the page ------------------------------------------------------------------------


def test_representatives_page_lists_pending_and_linked(client, lead):
    pending = _requester(email="vantar@example.se")
    unverified = _requester(email="overifierad@example.se", verified=False)
    linked = representative("0180", email="kopplad@example.se")
    html = client.get(PAGE).content.decode()
    assert pending.email in html
    assert unverified.email not in html
    assert linked.email in html


def test_representatives_page_query_count_is_constant(client, lead, django_assert_max_num_queries):
    for n in range(3):
        _requester(email=f"vantar{n}@example.se")
        representative("0180", email=f"kopplad{n}@example.se")
    with django_assert_max_num_queries(12) as few:
        client.get(PAGE)
    for n in range(3, 10):
        _requester(email=f"vantar{n}@example.se")
        representative("0180", email=f"kopplad{n}@example.se", municipality_linked_by=lead)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)


def test_representatives_approve_links_requested_municipality(client, lead):
    user = _requester("0114")
    response = client.post(reverse("accounts:representative_approve"), {"user": user.pk})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.municipality == municipality("0114")
    assert user.municipality_link_source == User.LinkSource.GRANTED
    assert user.municipality_linked_by == lead
    assert user.requested_municipality is None
    assert user.history.first().history_user == lead


def test_representatives_reject_forgets_request(client, lead):
    user = _requester("0114")
    response = client.post(reverse("accounts:representative_reject"), {"user": user.pk}, follow=True)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.requested_municipality is None
    assert user.municipality is None
    assert len(list(response.context["messages"])) == 1


def test_representatives_link_by_email(client, lead):
    user = UserFactory(email="kalle@example.se")
    response = client.post(PAGE, {"email": "KALLE@example.se", "municipality": municipality("0180").pk})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.municipality == municipality("0180")


def test_representatives_unlink(client, lead):
    user = representative("0114")
    response = client.post(reverse("accounts:representative_unlink"), {"user": user.pk})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.municipality is None
    assert user.municipality_link_source == ""


@pytest.mark.parametrize(
    "data",
    [
        {"email": "finns.inte@example.se", "municipality": "1"},
        {"email": "not-an-email", "municipality": "1"},
        {"email": "kalle@example.se", "municipality": "999999999"},
        {"email": "kalle@example.se", "municipality": "abc"},
        {"email": "<script>alert(1)</script>" * 500, "municipality": "<script>"},
        {},
    ],
)
def test_representatives_link_bad_input_gives_form_errors(client, lead, data):
    UserFactory(email="kalle@example.se")
    response = client.post(PAGE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html
    assert "<script>alert(1)</script>" not in html
    assert not User.objects.filter(municipality__isnull=False).exists()


def test_representatives_link_refuses_to_move_a_representative(client, lead):
    user = representative("0114", email="kalle@example.se")
    response = client.post(PAGE, {"email": user.email, "municipality": municipality("0180").pk})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.municipality == municipality("0114")


@pytest.mark.parametrize("name", ["representative_approve", "representative_reject", "representative_unlink"])
@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "9" * 40, "<script>"])
def test_representatives_tampered_ids_give_404(client, lead, name, value):
    assert client.post(reverse(f"accounts:{name}"), {"user": value}).status_code == 404


def test_representatives_approve_refuses_users_without_pending_request(client, lead):
    linked = representative("0114")
    plain = UserFactory()
    unverified = _requester(verified=False)
    for user in (linked, plain, unverified):
        assert client.post(reverse("accounts:representative_approve"), {"user": user.pk}).status_code == 404


def test_representatives_actions_need_post(client, lead):
    assert client.get(reverse("accounts:representative_approve")).status_code == 405


# --- services ------------------------------------------------------------------------


def test_representative_link_is_idempotent_and_never_moves(client):
    user = UserFactory()
    vasby, stockholm = municipality("0114"), municipality("0180")
    services.representative_link(user=user, municipality=vasby, actor=None)
    services.representative_link(user=user, municipality=vasby, actor=None)
    with pytest.raises(services.RepresentativeLinkError):
        services.representative_link(user=user, municipality=stockholm, actor=None)
    user.refresh_from_db()
    assert user.municipality == vasby


def test_representative_link_by_verified_email_matches_exact_lower_case_domain():
    vasby = municipality("0114")
    MunicipalityDomain.objects.create(municipality=vasby, domain="accounts-test.example.se")
    assert (
        services.representative_link_by_verified_email(user=UserFactory(), email="a@sub.accounts-test.example.se")
        is None
    )
    assert services.representative_link_by_verified_email(user=UserFactory(), email="a@example.se") is None
    assert services.representative_link_by_verified_email(user=UserFactory(), email="no-at-sign") is None
    user = UserFactory()
    linked = services.representative_link_by_verified_email(user=user, email="A@ACCOUNTS-TEST.example.se")
    assert linked.municipality == vasby
    assert linked.municipality_link_source == User.LinkSource.DOMAIN


def test_representative_link_by_verified_email_keeps_existing_link():
    MunicipalityDomain.objects.create(municipality=municipality("0180"), domain="accounts-test.example.se")
    user = representative("0114")
    assert services.representative_link_by_verified_email(user=user, email="a@accounts-test.example.se") is None
    user.refresh_from_db()
    assert user.municipality == municipality("0114")


def test_representative_unlink_records_actor():
    lead = staff(StaffRole.Role.NETWORK_LEAD)
    user = representative("0114")
    services.representative_unlink(user=user, actor=lead)
    assert user.history.first().history_user == lead
    assert user.history.first().municipality_id is None
