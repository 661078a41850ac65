"""The network leads' pages: who may see them, the invitation editor, preview, overview, status buttons."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from networks.forms import NetworkForm
from networks.models import Membership, Network
from tests.factories import (
    ApplicationFactory,
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
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PREFIXES = ("contacts", "commitments", "roles", "criteria")


@pytest.fixture
def org_x():
    return OrganizerFactory(name="Org X", slug="org-x")


@pytest.fixture
def org_y():
    return OrganizerFactory(name="Org Y", slug="org-y")


@pytest.fixture
def network(org_x):
    return NetworkFactory(organizer=org_x, title="Styrning", slug="styrning", status=Network.Status.DRAFT)


def form_data(**overrides) -> dict:
    """A valid POST for the invitation editor, with empty part formsets unless given."""
    data = {
        "title": "Förenklat och effektivare styrsystem",
        "slug": "",
        "summary": "SKL bjuder in till ett nätverksarbete.",
        "purpose": "- Att skapa en tydlig bild",
        "capacity": "10",
        "eligibility": "municipalities",
        "applications_open_at_0": "2017-03-01",
        "applications_open_at_1": "",
        "application_deadline_0": "2017-04-28",
        "application_deadline_1": "",
    }
    for prefix in PREFIXES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def users(org_x, org_y) -> dict:
    return {
        "representative": representative("0114"),
        "lead": staff(Role.NETWORK_LEAD, organizer=org_x),
        "administrator": staff(Role.ADMINISTRATOR, organizer=org_x),
        "other_lead": staff(Role.NETWORK_LEAD, organizer=org_y),
        "finance": staff(Role.FINANCE, organizer=org_x),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


NETWORK_VIEWS = ("leads:network_overview", "leads:network_edit", "leads:network_preview")
EXPECTED = {
    "representative": 403,
    "lead": 200,
    "administrator": 200,
    "other_lead": 404,
    "finance": 403,
    "superuser": 200,
}


@pytest.mark.parametrize("view", NETWORK_VIEWS)
def test_network_pages_access(client, org_x, org_y, network, view):
    url = reverse(view, args=[network.slug])
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for name, user in users(org_x, org_y).items():
        client.force_login(user)
        assert client.get(url).status_code == EXPECTED[name], name


@pytest.mark.parametrize("view", ("leads:network_list", "leads:network_create"))
def test_list_and_create_access(client, org_x, org_y, view):
    url = reverse(view)
    assert client.get(url).status_code == 302
    expected = {**EXPECTED, "other_lead": 200}
    for name, user in users(org_x, org_y).items():
        client.force_login(user)
        assert client.get(url).status_code == expected[name], name


def test_status_change_access(client, org_x, org_y, network):
    url = reverse("leads:network_status", args=[network.slug])
    assert client.post(url, {"status": "open"}).status_code == 302
    network.refresh_from_db()
    assert network.status == Network.Status.DRAFT
    for name, user in users(org_x, org_y).items():
        if EXPECTED[name] == 200:
            continue
        client.force_login(user)
        assert client.post(url, {"status": "open"}).status_code == EXPECTED[name], name
    network.refresh_from_db()
    assert network.status == Network.Status.DRAFT


def test_status_change_refuses_get(client, org_x, network):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    assert client.get(reverse("leads:network_status", args=[network.slug])).status_code == 405


def test_co_organizer_lead_may_edit(client, org_x, org_y, network):
    network.co_organizers.add(org_y)
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_y))
    assert client.get(reverse("leads:network_edit", args=[network.slug])).status_code == 200


def test_list_shows_own_networks_with_counts(client, org_x, org_y, network):
    NetworkFactory(organizer=org_y, title="Annans nätverk")
    ApplicationFactory(network=network)
    ApplicationFactory(network=network, municipality=municipality("0180"), status="submitted")
    Membership.objects.create(network=network, municipality=municipality("0180"))
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.get(reverse("leads:network_list"))
    assert [n.title for n in response.context["networks"]] == ["Styrning"]
    row = response.context["networks"][0]
    assert (row.applications_draft, row.applications_submitted, row.members) == (1, 1, 1)
    html = response.content.decode()
    assert "Annans nätverk" not in html
    assert reverse("reviews:list", args=[network.slug]) in html
    assert "<caption>" in html and 'scope="col"' in html


def test_list_counts_not_multiplied_by_co_organizers(client, org_x, network):
    network.co_organizers.add(OrganizerFactory(), OrganizerFactory())
    ApplicationFactory(network=network)
    client.force_login(staff(Role.ADMINISTRATOR, organizer=org_x))
    row = client.get(reverse("leads:network_list")).context["networks"][0]
    assert row.applications_draft == 1


def test_list_query_count_constant(client, org_x, django_assert_max_num_queries):
    lead = staff(Role.NETWORK_LEAD, organizer=org_x)
    client.force_login(lead)
    NetworkFactory(organizer=org_x).co_organizers.add(OrganizerFactory())
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("leads:network_list"))
    for _ in range(9):
        NetworkFactory(organizer=org_x).co_organizers.add(OrganizerFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("leads:network_list"))
    assert len(response.context["networks"]) == 10


def test_create_network_as_draft(client, org_x):
    lead = staff(Role.NETWORK_LEAD, organizer=org_x)
    client.force_login(lead)
    response = client.post(reverse("leads:network_create"), form_data(organizer=org_x.pk))
    network = Network.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:network_overview", args=[network.slug])
    assert network.slug == "forenklat-och-effektivare-styrsystem"
    assert network.status == Network.Status.DRAFT
    assert network.organizer == org_x
    assert network.application_deadline == datetime(2017, 4, 28, 23, 59, tzinfo=STOCKHOLM)
    assert network.applications_open_at == datetime(2017, 3, 1, 0, 0, tzinfo=STOCKHOLM)
    assert network.history.first().history_user == lead


def test_create_offers_only_own_organizers_but_any_co_organizer(client, org_x, org_y):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    form = client.get(reverse("leads:network_create")).context["form"]
    assert list(form.fields["organizer"].queryset) == [org_x]
    assert {org_x, org_y} <= set(form.fields["co_organizers"].queryset)
    response = client.post(reverse("leads:network_create"), form_data(organizer=org_y.pk))
    assert response.status_code == 200
    assert "organizer" in response.context["form"].errors
    assert not Network.objects.exists()


def test_create_with_co_organizer_and_time(client, org_x, org_y):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(organizer=org_x.pk, co_organizers=[org_y.pk], application_deadline_1="12:00")
    assert client.post(reverse("leads:network_create"), data).status_code == 302
    network = Network.objects.get()
    assert list(network.co_organizers.all()) == [org_y]
    assert network.application_deadline == datetime(2017, 4, 28, 12, 0, tzinfo=STOCKHOLM)


def test_edit_saves_fields_and_parts(client, org_x, network):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(
        organizer=org_x.pk,
        slug=network.slug,
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-0-name": "Christine Feuk",
            "contacts-0-role": "projektledare",
            "contacts-0-phone": "08-452 79 94",
            "contacts-0-email": "christine.feuk@skl.se",
            "contacts-0-order": "0",
            "contacts-1-name": "Leif Eldås",
            "contacts-1-order": "1",
            "commitments-TOTAL_FORMS": "1",
            "commitments-0-kind": "steering_group",
            "commitments-0-title": "En styrgrupp för projektet utses",
            "commitments-0-order": "0",
            "roles-TOTAL_FORMS": "1",
            "roles-0-title": "HR",
            "roles-0-order": "0",
            "criteria-TOTAL_FORMS": "1",
            "criteria-0-title": "Behov av stöd",
            "criteria-0-order": "0",
        },
    )
    response = client.post(reverse("leads:network_edit", args=[network.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    network.refresh_from_db()
    assert network.title == "Förenklat och effektivare styrsystem"
    assert [c.name for c in network.contacts.all()] == ["Christine Feuk", "Leif Eldås"]
    assert network.commitments.get().kind == "steering_group"
    assert network.participant_roles.get().title == "HR"
    assert network.review_criteria.get().title == "Behov av stöd"


def test_edit_deletes_a_part(client, org_x, network):
    commitment = NetworkCommitmentFactory(network=network)
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(
        organizer=org_x.pk,
        slug=network.slug,
        **{
            "commitments-TOTAL_FORMS": "1",
            "commitments-INITIAL_FORMS": "1",
            "commitments-0-id": commitment.pk,
            "commitments-0-network": network.pk,
            "commitments-0-kind": commitment.kind,
            "commitments-0-title": commitment.title,
            "commitments-0-order": "0",
            "commitments-0-DELETE": "on",
        },
    )
    assert client.post(reverse("leads:network_edit", args=[network.slug]), data).status_code == 302
    assert not network.commitments.exists()


def test_edit_form_shows_saved_deadline_in_stockholm_time(client, org_x, network):
    network.application_deadline = datetime(2017, 4, 28, 21, 59, tzinfo=ZoneInfo("UTC"))
    network.save()
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    html = client.get(reverse("leads:network_edit", args=[network.slug])).content.decode()
    assert 'value="2017-04-28"' in html and 'value="23:59"' in html
    # Every input has a label: the time input too.
    assert 'for="id_application_deadline_1"' in html
    assert 'for="id_application_deadline_0"' in html


BAD_INPUT = [
    ({"title": ""}, "title"),
    ({"capacity": ""}, "capacity"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "-3"}, "capacity"),
    ({"capacity": "tio"}, "capacity"),
    ({"application_deadline_0": "2017-02-01"}, "application_deadline"),
    ({"application_deadline_0": "28 april"}, "application_deadline"),
    ({"application_deadline_0": "", "application_deadline_1": "12:00"}, "application_deadline"),
    ({"application_deadline_1": "25:61"}, "application_deadline"),
    ({"participants_min": "5", "participants_max": "3"}, "participants_max"),
    ({"period_start": "2018-01-01", "period_end": "2017-01-01"}, "period_end"),
    ({"slug": "med mellanslag"}, "slug"),
    ({"slug": "små-ö"}, "slug"),
    ({"slug": "taken"}, "slug"),
    ({"slug": "nytt"}, "slug"),
    ({"eligibility": "everyone"}, "eligibility"),
    ({"title": "x" * 100_000}, "title"),
    ({"purpose": "x" * 100_000}, "purpose"),
    ({"title": "Nät\x00verk"}, "title"),
    ({"summary": "null\x00byte"}, "summary"),
    ({"co_organizers": ["999999"]}, "co_organizers"),
    ({"previous_cohort": "'; DROP TABLE networks_network; --"}, "previous_cohort"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_create_bad_input_gives_form_errors(client, org_x, overrides, field):
    NetworkFactory(slug="taken")
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(organizer=org_x.pk, **overrides)
    response = client.post(reverse("leads:network_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Network.objects.count() == 1
    html = response.content.decode()
    assert 'class="alert alert-danger"' in html
    # Nothing typed is lost (except what cannot be shown): the title comes back.
    if field != "title":
        assert "Förenklat och effektivare styrsystem" in html


def test_edit_bad_input_keeps_the_page_working(client, org_x, network):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.post(
        reverse("leads:network_edit", args=[network.slug]), form_data(organizer=org_x.pk, slug="inte ok")
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    network.refresh_from_db()
    assert network.slug == "styrning"


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "[klicka](javascript:alert(1))",
        "Robert'); DROP TABLE networks_network;--",
        "Nätverk 🎉 för alla 🇸🇪",
    ],
)
def test_create_hostile_text_is_stored_as_text(client, org_x, value):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(organizer=org_x.pk, title="Fientlig", purpose=value, contact_text=value, slug="fientlig")
    assert client.post(reverse("leads:network_create"), data).status_code == 302
    network = Network.objects.get()
    assert network.purpose == value
    html = client.get(reverse("leads:network_preview", args=[network.slug])).content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html


def test_part_formset_errors_are_shown(client, org_x, network):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(
        organizer=org_x.pk,
        slug=network.slug,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-role": "projektledare",
            "contacts-0-email": "inte-en-adress",
            "roles-TOTAL_FORMS": "2",
            "roles-0-title": "HR",
            "roles-1-title": "HR",
        },
    )
    response = client.post(reverse("leads:network_edit", args=[network.slug]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("invalid-feedback") >= 2
    assert not network.contacts.exists()
    roles_formset = response.context["formsets"][2][1]
    assert roles_formset.non_form_errors()


def test_part_formset_without_management_form_is_an_error_not_500(client, org_x, network):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(organizer=org_x.pk, slug=network.slug)
    del data["contacts-TOTAL_FORMS"]
    response = client.post(reverse("leads:network_edit", args=[network.slug]), data)
    assert response.status_code == 200


def test_preview_is_marked_and_uses_the_invitation(client, org_x, network):
    network.purpose = "Att **förenkla** styrningen."
    network.save()
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    html = client.get(reverse("leads:network_preview", args=[network.slug])).content.decode()
    assert "Förhandsgranskning" in html
    assert "<strong>förenkla</strong>" in html
    assert 'id="invitation-title"' in html


def test_overview_counts(client, org_x, network):
    ApplicationFactory(network=network, status="submitted")
    ApplicationFactory(network=network, municipality=municipality("0180"), status="submitted")
    ApplicationFactory(network=network, municipality=municipality("1280"))
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.get(reverse("leads:network_overview", args=[network.slug]))
    counts = response.context["counts"]
    assert counts["applications_by_status"] == {"submitted": 2, "draft": 1}
    assert counts["by_county"] == [("Stockholms län", 2)]
    assert 'scope="row"' in response.content.decode()


def test_status_buttons_follow_the_flow(client, org_x, network):
    network.application_deadline = timezone.now() + timedelta(days=10)
    network.save()
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    url = reverse("leads:network_status", args=[network.slug])
    overview = client.get(reverse("leads:network_overview", args=[network.slug]))
    assert [s.value for s in overview.context["next_statuses"]] == ["open"]
    for status in ("open", "selection", "running", "finished", "archived"):
        assert client.post(url, {"status": status}).status_code == 302
        network.refresh_from_db()
        assert network.status == status


def test_status_button_refuses_skipping(client, org_x, network):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.post(reverse("leads:network_status", args=[network.slug]), {"status": "running"}, follow=True)
    network.refresh_from_db()
    assert network.status == Network.Status.DRAFT
    assert "alert-danger" in response.content.decode()


@pytest.mark.parametrize("status", ["", "nonsense", "<script>", "\x00"])
def test_status_button_bad_input(client, org_x, network, status):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    response = client.post(reverse("leads:network_status", args=[network.slug]), {"status": status})
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.status == Network.Status.DRAFT


def test_open_without_future_deadline_is_refused(client, org_x, network):
    network.application_deadline = timezone.now() - timedelta(days=1)
    network.applications_open_at = None
    network.save()
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    client.post(reverse("leads:network_status", args=[network.slug]), {"status": "open"})
    network.refresh_from_db()
    assert network.status == Network.Status.DRAFT


def test_network_form_slug_is_suggested_and_unique(org_x):
    NetworkFactory(slug="forenklat-och-effektivare-styrsystem")
    lead = staff(Role.NETWORK_LEAD, organizer=org_x)
    form = NetworkForm(data=form_data(organizer=org_x.pk), instance=Network(), user=lead)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "forenklat-och-effektivare-styrsystem-2"


def test_network_admin_superuser_sees_inlines(client, network):
    NetworkCommitmentFactory(network=network)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:networks_network_changelist")).status_code == 200
    response = client.get(reverse("admin:networks_network_change", args=[network.pk]))
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"]) == 4
    assert client.get(reverse("admin:networks_network_add")).status_code == 200


def test_network_admin_scoped_to_administrators_organizers(client, org_x, org_y, network):
    other = NetworkFactory(organizer=org_y, title="Annans nätverk")
    client.force_login(staff(Role.ADMINISTRATOR, organizer=org_x, is_staff=True))
    changelist = client.get(reverse("admin:networks_network_changelist"))
    assert list(changelist.context["cl"].queryset) == [network]
    change = client.get(reverse("admin:networks_network_change", args=[network.pk]))
    assert change.status_code == 200
    assert list(change.context["adminform"].form.fields["organizer"].queryset) == [org_x]
    assert len(change.context["inline_admin_formsets"]) == 4
    refused = client.get(reverse("admin:networks_network_change", args=[other.pk]))
    assert refused.status_code in (302, 403, 404)


def test_network_admin_refuses_lead_with_admin_access(client, org_x, network):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x, is_staff=True))
    assert client.get(reverse("admin:networks_network_changelist")).status_code == 403


def test_create_with_parts(client, org_x):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org_x))
    data = form_data(
        organizer=org_x.pk,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-name": "Gunnar Gidenstam",
            "contacts-0-email": "gunnar.gidenstam@skr.se",
            "commitments-TOTAL_FORMS": "1",
            "commitments-0-kind": "decision",
            "commitments-0-title": "Kommunledningsbeslut om deltagande",
        },
    )
    assert client.post(reverse("leads:network_create"), data).status_code == 302
    network = Network.objects.get()
    assert network.contacts.get().name == "Gunnar Gidenstam"
    assert network.commitments.get().order == 0
    html = client.get(reverse("portal:invitation", args=[network.slug]))
    assert html.status_code == 404  # a draft: only the lead's preview shows it
    preview = client.get(reverse("leads:network_preview", args=[network.slug])).content.decode()
    assert "Gunnar Gidenstam" in preview and "Kommunledningsbeslut om deltagande" in preview
