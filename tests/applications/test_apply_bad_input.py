"""Missing, wrong, hostile, huge and late input on the application form: a message, nothing lost, never a 500."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from applications.models import Application, ApplicationVersion
from tests.applications.test_apply_flow import apply_url, eager_tasks, form_data, make_network  # noqa: F401 (a fixture)
from tests.factories import ApplicationFactory, representative

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE applications_application; --",
    "Robert'); SELECT * FROM accounts_user WHERE '1'='1",
    "😀🇸🇪 Åsa Öberg",
    "\u202eevil\u202c",
]


@pytest.fixture
def network():
    return make_network(requires_problem_description=True)


@pytest.fixture
def rep(client):
    user = representative("0114", email="rita@vasby.example.se")
    client.force_login(user)
    return user


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_stored_verbatim_and_escaped(client, network, rep, value, django_capture_on_commit_callbacks):
    rows = [{"name": value[:150], "email": "anna@vasby.example.se", "title": value[:150]}]
    data = form_data(network, action="submit", participants=rows, motivation=value, problem=value)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(network), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.motivation == value
    assert ApplicationVersion.objects.get().data["fields"]["motivation"] == value
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "<script>alert" not in html
    if "<script>" in value:
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("field", ["motivation", "problem", "invoice_address", "buyer_reference", "problem_area"])
def test_nul_bytes_are_refused_with_a_message_and_text_kept(client, network, rep, field):
    data = form_data(network, **{field: "före\x00efter"})
    data["motivation"] = data["motivation"] if field != "motivation" else "före\x00efter"
    response = client.post(apply_url(network), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Application.objects.exists()


def test_nul_bytes_in_participants_and_commitments_are_refused(client, network, rep):
    rows = [{"name": "An\x00na", "email": "anna@vasby.example.se"}]
    data = form_data(network, participants=rows)
    commitment = network.commitments.exclude(kind="decision").get()
    data[f"c{commitment.pk}-details"] = "x\x00y"
    response = client.post(apply_url(network), data)
    assert response.status_code == 200
    assert response.context["participants"].forms[0].errors
    assert not Application.objects.exists()


def test_100_kb_strings_are_refused_with_a_message_and_kept(client, network, rep):
    huge = "å" * 100_000
    data = form_data(network, motivation=huge, buyer_reference="r" * 100_000)
    data["participants-0-name"] = "n" * 100_000
    response = client.post(apply_url(network), data)
    assert response.status_code == 200
    assert {"motivation", "buyer_reference"} <= set(response.context["form"].errors)
    assert response.context["participants"].forms[0].errors
    assert huge in response.content.decode()
    assert response.context["errors"]  # the summary at the top lists them
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("invoice_orgnr", "123456-7890"),
        ("invoice_orgnr", "abc"),
        ("invoice_email", "not-an-email"),
        ("peppol_id", "0088:123"),
        ("update_register", "😀"),
    ],
)
def test_wrong_formats_show_errors(client, network, rep, field, value):
    response = client.post(apply_url(network), form_data(network, **{field: value}))
    if field == "update_register":  # a checkbox takes any value as "on"
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.parametrize("value", ["2021-02-30", "yesterday", "<script>", "99999-01-01"])
def test_wrong_dates_in_commitments_show_errors(client, network, rep, value):
    decision = network.commitments.get(kind="decision")
    data = form_data(network)
    data[f"c{decision.pk}-decision_date"] = value
    response = client.post(apply_url(network), data)
    assert response.status_code == 200
    forms = {c.pk: f for c, f in response.context["commitment_forms"]}
    assert "decision_date" in forms[decision.pk].errors


def test_wrong_participant_email_role_and_duplicates(client, network, rep):
    rows = [
        {"name": "A", "email": "nope"},
        {"name": "B", "email": "b@example.se", "role": "<script>"},
        {"name": "C", "email": "B@example.se"},
    ]
    response = client.post(apply_url(network), form_data(network, participants=rows))
    assert response.status_code == 200
    forms = response.context["participants"].forms
    assert "email" in forms[0].errors and "role" in forms[1].errors and "email" in forms[2].errors


def test_more_participants_than_the_maximum_is_refused(client, network, rep):
    rows = [{"name": f"P{i}", "email": f"p{i}@example.se"} for i in range(network.participants_max + 1)]
    response = client.post(apply_url(network), form_data(network, participants=rows))
    assert response.status_code == 200
    assert response.context["participants"].non_form_errors()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        {"participants-TOTAL_FORMS": "abc"},
        {"participants-TOTAL_FORMS": "100000"},
        {"participants-0-id": "999999"},
        {"participants-0-id": "<script>"},
        {"application": "not-a-number"},
        {"action": "'; DROP TABLE x; --"},
    ],
)
def test_tampered_post_never_500(client, network, rep, tamper):
    data = form_data(network)
    data.update(tamper)
    response = client.post(apply_url(network), data)
    assert response.status_code in (200, 302)


def test_missing_management_form_is_a_message(client, network, rep):
    data = {k: v for k, v in form_data(network).items() if not k.startswith("participants-")}
    response = client.post(apply_url(network), data)
    assert response.status_code == 200
    assert response.context["participants"].non_form_errors()


def test_empty_post_saves_an_empty_draft_or_shows_errors(client, network, rep):
    response = client.post(apply_url(network), {})
    assert response.status_code in (200, 302)


def test_late_submit_refused_and_text_kept(client, network):
    application = ApplicationFactory(network=network)
    with time_machine.travel(network.application_deadline + timedelta(seconds=1)):
        client.force_login(representative("0114"))
        data = form_data(network, application, action="submit", motivation="Sent inskickad 😀")
        response = client.post(apply_url(network), data)
    assert response.status_code == 200
    assert "Sent inskickad 😀" in response.content.decode()
    application.refresh_from_db()
    assert application.version == 0 and application.motivation != "Sent inskickad 😀"


def test_late_get_shows_read_only_notice(client, network):
    ApplicationFactory(network=network)
    with time_machine.travel(network.application_deadline + timedelta(seconds=1)):
        client.force_login(representative("0114"))
        response = client.get(apply_url(network))
    assert response.status_code == 200 and not response.context["is_open"]
    assert 'value="submit"' not in response.content.decode()


@pytest.mark.parametrize("version", ["abc", "-1", "99999999999999999999", "1;DROP"])
def test_detail_and_diff_with_junk_query_parameters(client, network, rep, version):
    application = ApplicationFactory(network=network, created_by=rep)
    assert client.get(reverse("applications:detail", args=[application.pk]), {"version": version}).status_code == 200
    url = reverse("applications:version_diff", args=[application.pk])
    assert client.get(url, {"from": version, "to": version}).status_code == 200
