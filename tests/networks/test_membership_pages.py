"""The membership pages: the leads' members table and direct adding, and the representative's
membership page where participants, commitments and invoice details are completed."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from networks.models import Membership, MembershipCommitment, Network, NetworkCommitment, NetworkParticipantRole
from tests.factories import (
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkCommitmentFactory,
    NetworkFactory,
    OrganizerFactory,
    UserFactory,
    municipality,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
HUGE = "x" * 100_000
FORMULA = '=HYPERLINK("http://evil.example";"klicka")'
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def org_x():
    return OrganizerFactory(name="Org X", slug="org-x")


@pytest.fixture
def network(org_x):
    network = NetworkFactory(organizer=org_x, title="Styrning", slug="styrning", capacity=3)
    NetworkCommitmentFactory(network=network, order=1)
    NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.STEERING_GROUP, title="Styrgrupp", order=2)
    return network


@pytest.fixture
def membership(network):
    membership = MembershipFactory(network=network, source=Membership.Source.DIRECT)
    for commitment in network.commitments.all():
        MembershipCommitment.objects.create(membership=membership, commitment=commitment)
    return membership


@pytest.fixture
def rep():
    return representative("0114")


@pytest.fixture
def lead(org_x):
    return staff(Role.NETWORK_LEAD, organizer=org_x)


def users(org_x) -> dict:
    return {
        "representative": representative("0114"),
        "other_representative": representative("0180"),
        "lead": staff(Role.NETWORK_LEAD, organizer=org_x),
        "administrator": staff(Role.ADMINISTRATOR, organizer=org_x),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()),
        "finance": staff(Role.FINANCE, organizer=org_x),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


LEAD_EXPECTED = {
    "representative": 403,
    "other_representative": 403,
    "lead": 200,
    "administrator": 200,
    "other_lead": 404,
    "finance": 403,
    "superuser": 200,
}
MEMBER_EXPECTED = {
    "representative": 200,
    "other_representative": 404,
    "lead": 403,
    "administrator": 403,
    "other_lead": 403,
    "finance": 403,
    "superuser": 403,
}


def login_url(response) -> bool:
    return response.status_code == 302 and reverse("account_login") in response["Location"]


# --- Access --------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["leads:members", "leads:member_detail"])
def test_lead_pages_access(client, org_x, network, membership, view):
    args = [network.slug] if view == "leads:members" else [network.slug, membership.pk]
    url = reverse(view, args=args)
    assert login_url(client.get(url))
    for name, user in users(org_x).items():
        client.force_login(user)
        assert client.get(url).status_code == LEAD_EXPECTED[name], name


def test_lead_member_of_another_network_is_404(client, org_x, network, lead):
    elsewhere = MembershipFactory(network=NetworkFactory(organizer=org_x))
    client.force_login(lead)
    assert client.get(reverse("leads:member_detail", args=[network.slug, elsewhere.pk])).status_code == 404
    assert client.get(reverse("leads:member_detail", args=[network.slug, 999999])).status_code == 404


def test_leave_access(client, org_x, network, membership):
    url = reverse("leads:member_leave", args=[network.slug, membership.pk])
    assert login_url(client.post(url, {"reason": "x"}))
    for name, user in users(org_x).items():
        if LEAD_EXPECTED[name] == 200:
            continue
        client.force_login(user)
        assert client.post(url, {"reason": "x"}).status_code == LEAD_EXPECTED[name], name
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    assert client.get(url).status_code == 405


def test_add_member_access(client, org_x, network):
    url = reverse("leads:members", args=[network.slug])
    data = {"municipality": municipality("0180").pk}
    assert login_url(client.post(url, data))
    for name, user in users(org_x).items():
        if LEAD_EXPECTED[name] == 200:
            continue
        client.force_login(user)
        assert client.post(url, data).status_code == LEAD_EXPECTED[name], name
    assert not Membership.objects.exists()


@pytest.mark.parametrize("view", ["members:detail", "members:list"])
def test_member_pages_access(client, org_x, membership, view):
    url = reverse(view, args=[membership.pk] if view == "members:detail" else [])
    assert login_url(client.get(url))
    for name, user in users(org_x).items():
        client.force_login(user)
        expected = MEMBER_EXPECTED[name]
        if view == "members:list" and name == "other_representative":
            expected = 200  # their own (empty) list
        assert client.get(url).status_code == expected, name


@pytest.mark.parametrize("view", ["members:participants", "members:commitments", "members:invoice"])
def test_member_section_posts_access(client, org_x, membership, view):
    url = reverse(view, args=[membership.pk])
    data = {"buyer_reference": "Kapad", "participants-TOTAL_FORMS": "0", "participants-INITIAL_FORMS": "0"}
    assert login_url(client.post(url, data))
    for name, user in users(org_x).items():
        if name == "representative":
            continue
        client.force_login(user)
        assert client.post(url, data).status_code == MEMBER_EXPECTED[name], name
    client.force_login(representative("0114"))
    assert client.get(url).status_code == 405
    membership.refresh_from_db()
    assert membership.buyer_reference != "Kapad"


def test_representative_lists_only_own_memberships(client, network, membership):
    MembershipFactory(network=network, municipality=municipality("0180"))
    client.force_login(representative("0180"))
    response = client.get(reverse("members:list"))
    assert [m.municipality.code for m in response.context["memberships"]] == ["0180"]
    assert "Styrning" in response.content.decode()


def test_navigation_and_overview_links(client, org_x, network, rep, lead):
    client.force_login(rep)
    assert reverse("members:list") in client.get(reverse("portal:home")).content.decode()
    client.force_login(lead)
    assert reverse("members:list") not in client.get(reverse("portal:home")).content.decode()
    html = client.get(reverse("leads:network_overview", args=[network.slug])).content.decode()
    assert reverse("leads:members", args=[network.slug]) in html


# --- The leads' members table and direct adding ----------------------------------------------


def test_members_table(client, network, membership, lead):
    MembershipParticipantFactory.create_batch(2, membership=membership)
    MembershipCommitment.objects.filter(membership=membership, commitment__order=1).update(confirmed=True)
    client.force_login(lead)
    response = client.get(reverse("leads:members", args=[network.slug]))
    row = response.context["members"][0]
    assert (row.participants_count, row.commitments_confirmed, row.commitments_total) == (2, 1, 2)
    html = response.content.decode()
    assert "Upplands Väsby" in html and "Stockholms län" in html and "1/2" in html
    assert reverse("leads:member_detail", args=[network.slug, membership.pk]) in html
    offered = [value for value, _label in response.context["form"].fields["municipality"].choices]
    assert membership.municipality.pk not in offered
    assert municipality("0001").pk not in offered  # a region, for a network of municipalities
    assert municipality("0180").pk in offered


def test_lead_adds_a_member_through_the_page(client, network, lead):
    client.force_login(lead)
    url = reverse("leads:members", args=[network.slug])
    response = client.post(url, {"municipality": municipality("0180").pk, "started_on": "2024-09-01"})
    assert response.status_code == 302 and response["Location"] == url
    member = Membership.objects.get(network=network)
    assert (member.municipality.code, member.source, member.started_on) == ("0180", "direct", date(2024, 9, 1))
    assert member.commitments.count() == 2
    response = client.post(url, {"municipality": municipality("0180").pk})
    assert response.status_code == 200
    assert "already a member" in response.content.decode() or "redan medlem" in response.content.decode()
    assert Membership.objects.filter(network=network).count() == 1


def test_add_wrong_kind_through_the_page_is_a_clear_error(client, network, lead):
    client.force_login(lead)
    response = client.post(reverse("leads:members", args=[network.slug]), {"municipality": municipality("0001").pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Region Stockholm" in response.context["form"].non_field_errors()[0]
    assert not Membership.objects.exists()


def test_add_to_a_full_network_asks_for_confirmation(client, network, lead):
    for code in ("0127", "0128", "0136"):
        MembershipFactory(network=network, municipality=municipality(code))
    client.force_login(lead)
    url = reverse("leads:members", args=[network.slug])
    page = client.get(url).content.decode()
    assert 'name="confirm_over_capacity"' in page
    response = client.post(url, {"municipality": municipality("0180").pk, "started_on": "2024-09-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    html = response.content.decode()
    assert 'name="confirm_over_capacity"' in html and 'value="2024-09-01"' in html  # nothing lost
    assert not Membership.objects.filter(municipality__code="0180").exists()
    response = client.post(url, {"municipality": municipality("0180").pk, "confirm_over_capacity": "on"})
    assert response.status_code == 302
    assert network.memberships.filter(status="active").count() == 4


@pytest.mark.parametrize(
    "data",
    [
        {},  # missing
        {"municipality": ""},
        {"municipality": "999999"},  # wrong
        {"municipality": "abc"},
        {"municipality": SCRIPT},  # hostile
        {"municipality": HUGE},  # huge
        {"municipality": "__MUNICIPALITY__", "started_on": "2024-13-45"},
        {"municipality": "__MUNICIPALITY__", "started_on": HUGE},
    ],
)
def test_add_member_bad_input(client, network, lead, data):
    client.force_login(lead)
    data = {k: (municipality("0180").pk if v == "__MUNICIPALITY__" else v) for k, v in data.items()}
    response = client.post(reverse("leads:members", args=[network.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert SCRIPT not in response.content.decode()
    assert not Membership.objects.exists()


def test_members_table_query_count_is_constant(client, network, lead, django_assert_max_num_queries):
    codes = ["0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136"]

    def member(code):
        membership = MembershipFactory(network=network, municipality=municipality(code))
        MembershipParticipantFactory.create_batch(2, membership=membership)
        for commitment in network.commitments.all():
            MembershipCommitment.objects.create(membership=membership, commitment=commitment, confirmed=True)

    for code in codes[:2]:
        member(code)
    client.force_login(lead)
    url = reverse("leads:members", args=[network.slug])
    with django_assert_max_num_queries(20) as two:
        client.get(url)
    for code in codes[2:]:
        member(code)
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert len(response.context["members"]) == 10


# --- The lead's view of one member, and ending the membership --------------------------------


def test_lead_sees_the_membership_and_ends_it(client, network, membership, lead):
    Membership.objects.filter(pk=membership.pk).update(started_on=date(2024, 8, 1))
    MembershipParticipantFactory(membership=membership, name="Anna Andersson")
    client.force_login(lead)
    detail = reverse("leads:member_detail", args=[network.slug, membership.pk])
    html = client.get(detail).content.decode()
    assert "Anna Andersson" in html
    assert reverse("leads:member_leave", args=[network.slug, membership.pk]) in html
    assert reverse("members:participants", args=[membership.pk]) not in html  # read-only
    response = client.post(
        reverse("leads:member_leave", args=[network.slug, membership.pk]),
        {"reason": "Kommunstyrelsen beslutade att avsluta", "left_on": "2025-01-31"},
    )
    assert response.status_code == 302 and response["Location"] == detail
    membership.refresh_from_db()
    assert (membership.status, membership.left_on) == (Membership.Status.LEFT, date(2025, 1, 31))
    assert membership.left_reason == "Kommunstyrelsen beslutade att avsluta"
    html = client.get(detail).content.decode()
    assert "Kommunstyrelsen beslutade att avsluta" in html
    assert reverse("leads:member_leave", args=[network.slug, membership.pk]) not in html


@pytest.mark.parametrize(
    "data",
    [
        {},  # missing
        {"reason": "   "},
        {"reason": HUGE},  # huge
        {"reason": "Skäl", "left_on": "31/31/2025"},  # wrong
        {"reason": "Skäl", "left_on": "1999-01-01"},  # before the start: the service refuses
    ],
)
def test_leave_bad_input(client, network, membership, lead, data):
    client.force_login(lead)
    response = client.post(reverse("leads:member_leave", args=[network.slug, membership.pk]), data)
    assert response.status_code == 200
    assert response.context["leave_form"].errors
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_leave_hostile_reason_is_text(client, network, membership, lead):
    client.force_login(lead)
    client.post(reverse("leads:member_leave", args=[network.slug, membership.pk]), {"reason": SCRIPT})
    membership.refresh_from_db()
    assert membership.left_reason == SCRIPT
    html = client.get(reverse("leads:member_detail", args=[network.slug, membership.pk])).content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html


# --- The representative completes the membership ----------------------------------------------


def participants_post(*rows, initial=0, **extra) -> dict:
    data = {"participants-TOTAL_FORMS": str(len(rows)), "participants-INITIAL_FORMS": str(initial)}
    for number, row in enumerate(rows):
        data.update({f"participants-{number}-{key}": value for key, value in row.items()})
    data.update(extra)
    return data


def commitments_post(network, **overrides) -> dict:
    decision, steering = network.commitments.order_by("order")
    data = {
        f"c{decision.pk}-confirmed": "on",
        f"c{decision.pk}-decision_date": "2024-02-01",
        f"c{decision.pk}-decision_reference": "KS 2024/12",
        f"c{steering.pk}-confirmed": "on",
        f"c{steering.pk}-details": "Kommundirektören leder styrgruppen",
    }
    data.update({key.format(d=decision.pk, s=steering.pk): value for key, value in overrides.items()})
    return data


INVOICE = {
    "invoice_orgnr": "212000-0019",
    "invoice_email": "faktura@upplandsvasby.example.se",
    "invoice_address": "Box 1\n194 80 Upplands Väsby",
    "buyer_reference": "KS-123",
    "peppol_id": "",
}


def test_representative_completes_the_membership(client, network, membership, rep):
    client.force_login(rep)
    detail = reverse("members:detail", args=[membership.pk])
    page = client.get(detail)
    missing = [anchor for anchor, _message in page.context["summary"].missing]
    assert missing == ["participants", "commitments", "invoice"]

    response = client.post(
        reverse("members:participants", args=[membership.pk]),
        participants_post(
            {"name": "Anna Andersson", "email": "anna@example.se", "title": "Controller", "role": "Ekonomi"},
            {"name": "Bo Berg", "email": "bo@example.se"},
            {"name": "", "email": ""},  # an empty row is no participant
        ),
    )
    assert response.status_code == 302 and response["Location"] == f"{detail}#participants"
    assert sorted(membership.participants.values_list("name", flat=True)) == ["Anna Andersson", "Bo Berg"]

    response = client.post(reverse("members:commitments", args=[membership.pk]), commitments_post(network))
    assert response.status_code == 302
    assert membership.commitments.filter(confirmed=True).count() == 2
    assert membership.commitments.get(commitment__order=1).decision_reference == "KS 2024/12"

    response = client.post(reverse("members:invoice", args=[membership.pk]), INVOICE)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.invoice_orgnr, membership.peppol_id) == ("2120000019", "0007:2120000019")
    assert membership.history.first().history_user == rep

    page = client.get(detail)
    assert page.context["summary"].missing == []
    html = page.content.decode()
    assert "Anna Andersson" in html and "KS 2024/12" in html and "KS-123" in html


def test_participants_edit_and_remove(client, membership, rep):
    anna = MembershipParticipantFactory(membership=membership, name="Anna", email="anna@example.se")
    bo = MembershipParticipantFactory(membership=membership, name="Bo", email="bo@example.se")
    client.force_login(rep)
    data = participants_post(
        {"id": anna.pk, "name": "Anna Berg", "email": "anna@example.se"},
        {"id": bo.pk, "name": "Bo", "email": "bo@example.se", "DELETE": "on"},
        initial=2,
    )
    assert client.post(reverse("members:participants", args=[membership.pk]), data).status_code == 302
    assert list(membership.participants.values_list("pk", "name")) == [(anna.pk, "Anna Berg")]


def test_participant_roles_offered_from_the_network(client, network, membership, rep):
    NetworkParticipantRole.objects.create(network=network, title="Ekonomi")
    MembershipParticipantFactory(membership=membership, role="Eget påhitt")
    client.force_login(rep)
    form = client.get(reverse("members:detail", args=[membership.pk])).context["forms"].participants.forms[0]
    assert [value for value, _label in form.fields["role"].choices][1] == "Ekonomi"
    assert (form.initial["role"], form.initial["role_other"]) == ("__other__", "Eget påhitt")
    data = participants_post(
        {"name": "A", "email": "a@example.se", "role": "Ekonomi"},
        {"name": "B", "email": "b@example.se", "role": "__other__", "role_other": "Kvalitet"},
    )
    client.post(reverse("members:participants", args=[membership.pk]), data)
    assert sorted(membership.participants.values_list("role", flat=True)) == ["Ekonomi", "Kvalitet"]


def test_participant_numbers_are_guidance_not_a_block(client, network, membership, rep):
    Network.objects.filter(pk=network.pk).update(participants_min=2, participants_max=3)
    client.force_login(rep)
    url = reverse("members:participants", args=[membership.pk])
    assert client.post(url, participants_post({"name": "A", "email": "a@example.se"})).status_code == 302
    messages = [m for _a, m in client.get(reverse("members:detail", args=[membership.pk])).context["summary"].missing]
    assert any("2" in message for message in messages)
    rows = [{"name": f"P{n}", "email": f"p{n}@example.se"} for n in range(4)]
    assert client.post(url, participants_post(*rows)).status_code == 302
    assert membership.participants.count() == 4
    messages = [m for _a, m in client.get(reverse("members:detail", args=[membership.pk])).context["summary"].missing]
    assert any("3" in message for message in messages)


def test_membership_that_ended_is_read_only(client, network, membership, rep):
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT, left_reason="Avslutat")
    client.force_login(rep)
    response = client.get(reverse("members:detail", args=[membership.pk]))
    assert response.context["forms"] is None
    html = response.content.decode()
    assert reverse("members:invoice", args=[membership.pk]) not in html
    response = client.post(reverse("members:invoice", args=[membership.pk]), {**INVOICE, "buyer_reference": "Ny"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.buyer_reference != "Ny"
    response = client.post(
        reverse("members:participants", args=[membership.pk]), participants_post({"name": "A", "email": "a@x.se"})
    )
    assert response.status_code == 302 and not membership.participants.exists()


# --- Bad input on the representative's forms ----------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"invoice_orgnr": "1234567890"}, "invoice_orgnr"),  # wrong
        ({"invoice_orgnr": "abc"}, "invoice_orgnr"),
        ({"invoice_email": "inte-en-adress"}, "invoice_email"),
        ({"peppol_id": "9999:2120000019"}, "peppol_id"),
        ({"peppol_id": SCRIPT}, "peppol_id"),  # hostile
        ({"buyer_reference": FORMULA}, "buyer_reference"),
        ({"buyer_reference": "@SUM(1+1)"}, "buyer_reference"),
        ({"invoice_address": HUGE}, "invoice_address"),  # huge
        ({"buyer_reference": HUGE}, "buyer_reference"),
        ({"invoice_orgnr": HUGE}, "invoice_orgnr"),
        ({"invoice_email": HUGE + "@example.se"}, "invoice_email"),
    ],
)
def test_invoice_form_bad_input(client, membership, rep, overrides, field):
    client.force_login(rep)
    data = {**INVOICE, "invoice_address": "Box 77\nVäsby", **overrides}
    response = client.post(reverse("members:invoice", args=[membership.pk]), data)
    assert response.status_code == 200
    assert field in response.context["forms"].invoice.errors
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert SCRIPT not in html
    kept = "Box 77" if field != "invoice_address" else "faktura@upplandsvasby.example.se"
    assert kept in html  # nothing else typed is lost
    membership.refresh_from_db()
    assert membership.invoice_orgnr == ""


def test_invoice_form_missing_values_save_and_leave_the_banner(client, membership, rep):
    client.force_login(rep)
    empty = dict.fromkeys(INVOICE, "")
    assert client.post(reverse("members:invoice", args=[membership.pk]), empty).status_code == 302
    missing = client.get(reverse("members:detail", args=[membership.pk])).context["summary"].missing
    assert "invoice" in [anchor for anchor, _m in missing]


def test_invoice_hostile_text_is_stored_as_text(client, membership, rep):
    client.force_login(rep)
    data = {**INVOICE, "invoice_address": SCRIPT + "\nBox 1"}
    assert client.post(reverse("members:invoice", args=[membership.pk]), data).status_code == 302
    membership.refresh_from_db()
    assert membership.invoice_address.startswith(SCRIPT)
    html = client.get(reverse("members:detail", args=[membership.pk])).content.decode()
    assert SCRIPT not in html


@pytest.mark.parametrize(
    ("rows", "bad_field"),
    [
        ([{"name": "Anna", "email": "inte-en-adress"}], "email"),  # wrong
        ([{"name": "Anna", "email": ""}], "email"),  # missing
        ([{"name": "", "email": "anna@example.se"}], "name"),
        ([{"name": "", "email": "", "title": "Controller"}], "name"),
        ([{"name": FORMULA, "email": "anna@example.se"}], "name"),  # hostile
        ([{"name": "Anna", "email": "anna@example.se", "title": "+46 70"}], "title"),
        ([{"name": "Anna", "email": "anna@example.se", "role": "-1"}], "role"),
        ([{"name": "Anna", "email": SCRIPT}], "email"),
        ([{"name": HUGE, "email": "anna@example.se"}], "name"),  # huge
        ([{"name": "Anna", "email": "anna@example.se", "title": HUGE}], "title"),
        ([{"name": "Anna", "email": "a" * 100_000 + "@example.se"}], "email"),
        ([{"id": "abc", "name": "Anna", "email": "anna@example.se"}], "id"),
    ],
)
def test_participants_bad_input(client, membership, rep, rows, bad_field):
    client.force_login(rep)
    rows = [*rows, {"name": "Bo Berg", "email": "bo@example.se", "title": "Ekonom"}]
    response = client.post(reverse("members:participants", args=[membership.pk]), participants_post(*rows))
    assert response.status_code == 200
    formset = response.context["forms"].participants
    assert bad_field in formset.forms[0].errors
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Bo Berg" in html and "bo@example.se" in html  # the other row is not lost
    assert SCRIPT not in html
    assert not membership.participants.exists()


def test_participants_duplicate_email_whatever_the_case(client, membership, rep):
    client.force_login(rep)
    data = participants_post(
        {"name": "Anna", "email": "anna@example.se"}, {"name": "Anna B", "email": "ANNA@example.se"}
    )
    response = client.post(reverse("members:participants", args=[membership.pk]), data)
    assert response.status_code == 200
    assert "email" in response.context["forms"].participants.forms[1].errors
    assert "Anna B" in response.content.decode()
    assert not membership.participants.exists()


def test_participants_hostile_name_is_text(client, membership, rep):
    client.force_login(rep)
    data = participants_post({"name": SCRIPT, "email": "anna@example.se"})
    assert client.post(reverse("members:participants", args=[membership.pk]), data).status_code == 302
    assert membership.participants.get().name == SCRIPT
    html = client.get(reverse("members:detail", args=[membership.pk])).content.decode()
    assert SCRIPT not in html


@pytest.mark.parametrize(
    "data",
    [
        {},  # no management form
        {"participants-TOTAL_FORMS": "abc", "participants-INITIAL_FORMS": "0"},
        {"participants-TOTAL_FORMS": "1000000", "participants-INITIAL_FORMS": "0"},
        participants_post(*[{"name": f"P{n}", "email": f"p{n}@example.se"} for n in range(101)]),
    ],
)
def test_participants_tampered_formset(client, membership, rep, data):
    client.force_login(rep)
    response = client.post(reverse("members:participants", args=[membership.pk]), data)
    assert response.status_code == 200
    assert response.context["forms"].participants.non_form_errors()
    assert not membership.participants.exists()


@pytest.mark.parametrize(
    ("overrides", "bad"),
    [
        ({"c{d}-decision_date": "2024-13-45"}, "decision_date"),  # wrong
        ({"c{d}-decision_date": SCRIPT}, "decision_date"),  # hostile
        ({"c{d}-decision_reference": FORMULA}, "decision_reference"),
        ({"c{d}-decision_reference": HUGE}, "decision_reference"),  # huge
        ({"c{d}-details": HUGE}, "details"),
        ({"c{d}-expected_date": HUGE}, "expected_date"),
    ],
)
def test_commitments_bad_input(client, network, membership, rep, overrides, bad):
    client.force_login(rep)
    response = client.post(reverse("members:commitments", args=[membership.pk]), commitments_post(network, **overrides))
    assert response.status_code == 200
    forms = dict(response.context["forms"].commitments)
    decision = network.commitments.get(order=1)
    assert bad in forms[decision].errors
    html = response.content.decode()
    assert "Kommundirektören leder styrgruppen" in html  # the other commitment's answer is kept
    assert SCRIPT not in html
    assert not membership.commitments.filter(confirmed=True).exists()


def test_commitments_missing_values_are_unconfirmed(client, network, membership, rep):
    client.force_login(rep)
    assert client.post(reverse("members:commitments", args=[membership.pk]), {}).status_code == 302
    assert not membership.commitments.filter(confirmed=True).exists()


def test_commitment_details_are_free_text(client, network, membership, rep):
    client.force_login(rep)
    data = commitments_post(network, **{"c{s}-details": "- Anna\n- Bo " + SCRIPT})
    assert client.post(reverse("members:commitments", args=[membership.pk]), data).status_code == 302
    assert membership.commitments.get(commitment__order=2).details.startswith("- Anna")
    assert SCRIPT not in client.get(reverse("members:detail", args=[membership.pk])).content.decode()


# --- Queries ---------------------------------------------------------------------------------


def test_membership_page_query_count_is_constant(client, membership, rep, django_assert_max_num_queries):
    MembershipParticipantFactory.create_batch(2, membership=membership)
    client.force_login(rep)
    url = reverse("members:detail", args=[membership.pk])
    with django_assert_max_num_queries(20) as two:
        client.get(url)
    MembershipParticipantFactory.create_batch(8, membership=membership)
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert len(response.context["summary"].participants) == 10


def test_lead_member_page_query_count_is_constant(client, network, membership, lead, django_assert_max_num_queries):
    MembershipParticipantFactory.create_batch(2, membership=membership)
    client.force_login(lead)
    url = reverse("leads:member_detail", args=[network.slug, membership.pk])
    with django_assert_max_num_queries(20) as two:
        client.get(url)
    MembershipParticipantFactory.create_batch(8, membership=membership)
    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get(url)


def test_membership_list_query_count_is_constant(client, org_x, rep, django_assert_max_num_queries):
    def member():
        membership = MembershipFactory(network=NetworkFactory(organizer=org_x))
        MembershipParticipantFactory.create_batch(2, membership=membership)

    member()
    member()
    client.force_login(rep)
    with django_assert_max_num_queries(20) as two:
        client.get(reverse("members:list"))
    for _ in range(8):
        member()
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(reverse("members:list"))
    assert len(response.context["memberships"]) == 10
    assert response.context["memberships"][0].participants_count == 2


def test_participants_belong_to_groups_that_meetings_are_for(client, membership, rep):
    client.force_login(rep)
    data = participants_post(
        {"name": "Anna", "email": "anna@example.se", "groups": ["steering_group", "project_leader"]},
        {"name": "Bo", "email": "bo@example.se"},
    )
    assert client.post(reverse("members:participants", args=[membership.pk]), data).status_code == 302
    groups = dict(membership.participants.values_list("email", "groups"))
    assert groups == {"anna@example.se": ["steering_group", "project_leader"], "bo@example.se": []}
    page = client.get(reverse("members:detail", args=[membership.pk])).content.decode()
    assert "Styrgrupp" in page
    # An unknown group is a form error, nothing saved.
    anna = membership.participants.get(email="anna@example.se")
    bad = participants_post(
        {"id": anna.pk, "name": "Anna", "email": "anna@example.se", "groups": ["<script>"]}, initial=1
    )
    response = client.post(reverse("members:participants", args=[membership.pk]), bad)
    assert response.status_code in (200, 400) and response.context["forms"].participants.forms[0].errors
    anna.refresh_from_db()
    assert anna.groups == ["steering_group", "project_leader"]
