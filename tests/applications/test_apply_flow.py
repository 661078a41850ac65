"""Applying: draft, submit with every missing item at once, versions, withdraw, deadline, race."""

import zoneinfo
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationVersion
from networks.models import NetworkCommitment, NetworkParticipantRole
from tests.factories import (
    ApplicationFactory,
    NetworkCommitmentFactory,
    NetworkFactory,
    municipality,
    representative,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks():
    """Run dispatched tasks here, also where Celery has a broker (PostgreSQL and Redis set)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def make_network(**kwargs):
    kwargs.setdefault("participants_min", 1)
    kwargs.setdefault("participants_max", 4)
    network = NetworkFactory(**kwargs)
    NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.DECISION)
    NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.STEERING_GROUP, title="En styrgrupp utses")
    NetworkParticipantRole.objects.create(network=network, title="Ekonomi")
    return network


def form_data(network, application=None, *, action="save", participants=None, **overrides):
    """A complete POST for ``network``'s apply page; ``overrides`` replace single keys."""
    if participants is None:
        participants = [{"name": "Anna Andersson", "email": "anna@vasby.example.se", "title": "Controller"}]
    data = {
        "application": str(application.pk) if application else "",
        "action": action,
        "motivation": "Vi vill bli effektivare.",
        "problem_area": "Äldreomsorg",
        "current_state": "Höga kostnader.",
        "problem": "Vi vet inte varför.",
        "goal": "Lägre kostnad per brukare.",
        "invoice_orgnr": "212000-0019",
        "invoice_email": "faktura@vasby.example.se",
        "invoice_address": "Box 1, 194 80 Upplands Väsby",
        "buyer_reference": "KS-123",
        "peppol_id": "",
    }
    for commitment in network.commitments.all():
        prefix = f"c{commitment.pk}"
        data[f"{prefix}-confirmed"] = "on"
        if commitment.kind == NetworkCommitment.Kind.DECISION:
            data[f"{prefix}-decision_date"] = "2021-05-01"
            data[f"{prefix}-decision_reference"] = "KS 2021/17"
        else:
            data[f"{prefix}-details"] = "Kommundirektören, ekonomichefen"
    existing = list(application.participants.all()) if application else []
    data["participants-TOTAL_FORMS"] = str(len(participants))
    data["participants-INITIAL_FORMS"] = str(len(existing))
    data["participants-MIN_NUM_FORMS"] = "0"
    data["participants-MAX_NUM_FORMS"] = "1000"
    for i, row in enumerate(participants):
        if i < len(existing):
            data[f"participants-{i}-id"] = str(existing[i].pk)
        data[f"participants-{i}-name"] = row.get("name", "")
        data[f"participants-{i}-email"] = row.get("email", "")
        data[f"participants-{i}-title"] = row.get("title", "")
        data[f"participants-{i}-role"] = row.get("role", "Ekonomi")
        data[f"participants-{i}-role_other"] = row.get("role_other", "")
    data.update(overrides)
    return data


@pytest.fixture
def network():
    return make_network(requires_problem_description=True)


@pytest.fixture
def rep():
    return representative("0114", name="Rita Representant", email="rita@vasby.example.se")


def apply_url(network):
    return reverse("applications:apply", args=[network.slug])


def test_apply_page_shows_network_sections_and_prefill(client, network, rep):
    m = municipality("0114")
    m.buyer_reference = "REF-9"
    m.save()
    client.force_login(rep)
    response = client.get(apply_url(network))
    assert response.status_code == 200
    html = response.content.decode()
    assert network.title in html
    assert 'id="step-problem"' in html and 'id="step-commitments"' in html and 'id="participants"' in html
    form = response.context["form"]
    assert form.initial["invoice_orgnr"] == m.organisation_number == "2120000019"
    assert form.initial["buyer_reference"] == "REF-9"
    assert form.initial["peppol_id"] == "0007:2120000019"
    assert not Application.objects.exists()  # GET creates nothing


def test_apply_page_hides_problem_section_when_not_required(client, rep):
    network = make_network(requires_problem_description=False)
    client.force_login(rep)
    html = client.get(apply_url(network)).content.decode()
    assert 'id="step-problem"' not in html


def test_draft_save_accepts_incomplete_content(client, network, rep):
    client.force_login(rep)
    data = form_data(network, participants=[], motivation="", buyer_reference="", invoice_orgnr="")
    response = client.post(apply_url(network), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == Application.Status.DRAFT
    assert application.created_by == rep
    assert application.version == 0


def test_draft_with_bad_orgnr_shows_error_and_keeps_everything(client, network, rep):
    client.force_login(rep)
    response = client.post(apply_url(network), form_data(network, invoice_orgnr="123", motivation="Min text 😀"))
    assert response.status_code == 200
    assert "invoice_orgnr" in response.context["form"].errors
    html = response.content.decode()
    assert "Min text 😀" in html and "Anna Andersson" in html and 'href="#id_invoice_orgnr"' in html
    assert not Application.objects.exists()


def test_submit_lists_every_missing_item_at_once(client, network, rep):
    client.force_login(rep)
    data = form_data(network, action="submit", participants=[], motivation="", goal="", buyer_reference="")
    for commitment in network.commitments.all():
        data.pop(f"c{commitment.pk}-confirmed")
    response = client.post(apply_url(network), data)
    assert response.status_code == 200
    anchors = {item.anchor for item in response.context["missing"]}
    assert {"id_motivation", "id_goal", "id_buyer_reference", "participants"} <= anchors
    assert len([a for a in anchors if a.startswith("id_c")]) == 2
    application = Application.objects.get()
    assert application.status == Application.Status.DRAFT  # saved, not submitted
    assert application.problem == "Vi vet inte varför."


def test_decision_commitment_needs_decision_or_expected_date(client, network, rep):
    client.force_login(rep)
    decision = network.commitments.get(kind=NetworkCommitment.Kind.DECISION)
    data = form_data(network, action="submit")
    data[f"c{decision.pk}-decision_reference"] = ""
    response = client.post(apply_url(network), data)
    assert [i.anchor for i in response.context["missing"]] == [f"id_c{decision.pk}-decision_date"]
    data[f"c{decision.pk}-decision_pending"] = "on"
    data[f"c{decision.pk}-expected_date"] = "2021-08-30"
    data["application"] = str(Application.objects.get().pk)
    assert client.post(apply_url(network), data).status_code == 302


def test_submit_complete_creates_version_receipt_and_participant_mail(
    client, network, rep, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(network), form_data(network, action="submit"))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("applications:detail", args=[application.pk])
    assert application.status == Application.Status.SUBMITTED and application.version == 1
    version = ApplicationVersion.objects.get(application=application)
    assert version.data["fields"]["invoice_orgnr"] == "2120000019"
    assert version.data["fields"]["peppol_id"] == "0007:2120000019"
    assert version.data["participants"][0]["role"] == "Ekonomi"
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == ["anna@vasby.example.se", "rita@vasby.example.se"]


def test_resubmit_creates_new_version_and_diff_lists_changes(
    client, network, rep, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(network), form_data(network, action="submit"))
    application = Application.objects.get()
    rows = [
        {"name": "Anna Andersson", "email": "anna@vasby.example.se", "title": "Controller"},
        {"name": "Bo Berg", "email": "bo@vasby.example.se", "role": "__other__", "role_other": "HR"},
    ]
    data = form_data(network, application, action="submit", participants=rows, motivation="Ny motivering.")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(network), data)
    application.refresh_from_db()
    assert application.version == 2
    assert application.participants.get(email="bo@vasby.example.se").role == "HR"
    # Bo is new: he gets the information e-mail; Anna does not get it twice.
    assert sorted(m.to[0] for m in mailoutbox if "anna" in m.to[0] or "bo@" in m.to[0]) == [
        "anna@vasby.example.se",
        "bo@vasby.example.se",
    ]
    response = client.get(reverse("applications:version_diff", args=[application.pk]))
    changes = response.context["changes"]
    assert any(c.new == "Ny motivering." for c in changes)
    assert any("Bo Berg" in c.new for c in changes)


def test_edit_after_submit_shows_unsubmitted_changes(client, network, rep):
    client.force_login(rep)
    client.post(apply_url(network), form_data(network, action="submit"))
    application = Application.objects.get()
    client.post(apply_url(network), form_data(network, application, motivation="Ändrad"))
    response = client.get(apply_url(network))
    assert response.context["unsubmitted_changes"]
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.version == 1


def test_withdraw_confirms_and_sets_withdrawn(client, network, rep):
    application = ApplicationFactory(network=network, created_by=rep)
    client.force_login(rep)
    url = reverse("applications:withdraw", args=[application.pk])
    assert client.get(url).status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT  # GET changes nothing
    assert client.post(url).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN and application.withdrawn_at


def test_every_write_refused_after_deadline(client, network, rep):
    application = ApplicationFactory(network=network, created_by=rep)
    with time_machine.travel(network.application_deadline + timedelta(minutes=1)):
        client.force_login(rep)
        response = client.post(apply_url(network), form_data(network, application, motivation="För sent"))
        assert response.status_code == 200
        assert response.context["notice"]
        assert "För sent" in response.content.decode()  # what was typed is still on the page
        client.post(apply_url(network), form_data(network, application, action="submit"))
        client.post(reverse("applications:withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.motivation == "Vi vill utveckla vår styrning."
    assert application.status == Application.Status.DRAFT and application.version == 0


def test_services_refuse_after_deadline_for_drafts_too(network, rep):
    application = ApplicationFactory(network=network, created_by=rep)
    network.application_deadline = timezone.now() - timedelta(seconds=1)
    network.save()
    with pytest.raises(services.ApplicationError):
        services.application_save_draft(application=application, actor=rep, fields={"motivation": "x"})
    with pytest.raises(services.ApplicationError):
        services.application_withdraw(application=application, actor=rep)
    with pytest.raises(services.ApplicationError):
        services.application_start(network=network, actor=representative("0114"))


def test_closed_network_without_application_says_so(client, rep):
    network = make_network(application_deadline=timezone.now() - timedelta(days=1))
    client.force_login(rep)
    response = client.get(apply_url(network))
    assert response.status_code == 200
    assert response.context["reason"] == "closed"


def test_region_cannot_apply_to_municipality_network(client, network):
    client.force_login(representative("0001"))
    response = client.get(apply_url(network))
    assert response.context["reason"] == "eligibility"
    assert client.post(apply_url(network), form_data(network)).context["reason"] == "eligibility"
    assert not Application.objects.exists()


def test_colleague_started_application_is_opened_with_who_and_when(client, network, rep):
    colleague = representative("0114", name="Kalle Kollega")
    ApplicationFactory(network=network, created_by=colleague)
    client.force_login(rep)
    response = client.get(apply_url(network))
    assert response.context["started_by_colleague"]
    assert "Kalle Kollega" in response.content.decode()


def test_colleague_starting_meanwhile_loses_nothing_and_overwrites_nothing(client, network, rep):
    client.force_login(rep)
    data = form_data(network, motivation="Mitt utkast")  # the page was opened before the colleague started
    ApplicationFactory(network=network, created_by=representative("0114"), motivation="Kollegans text")
    response = client.post(apply_url(network), data)
    assert response.status_code == 200 and response.context["notice"]
    assert "Mitt utkast" in response.content.decode()
    assert Application.objects.get().motivation == "Kollegans text"


def test_application_start_race_returns_the_winner(network, rep, monkeypatch):
    winner = ApplicationFactory(network=network, created_by=representative("0114"))
    calls = iter([None])

    class RacingManager:
        def filter(self, **kwargs):
            class Empty:
                def first(self_inner):
                    return next(calls, winner)

            return Empty()

        def create(self, **kwargs):
            raise IntegrityError("unique_application_per_municipality")

        def get(self, **kwargs):
            return winner

    monkeypatch.setattr(Application, "objects", RacingManager())
    application, created = services.application_start(network=network, actor=rep)
    assert application == winner and not created


def test_one_application_per_municipality_and_network_in_the_database(network, rep):
    ApplicationFactory(network=network, created_by=rep)
    with pytest.raises(IntegrityError):
        ApplicationFactory(network=network, created_by=rep)


def test_update_register_saves_invoice_details_back(client, network, rep):
    client.force_login(rep)
    client.post(apply_url(network), form_data(network, action="submit", update_register="on"))
    m = municipality("0114")
    assert m.organisation_number == "2120000019"
    assert m.buyer_reference == "KS-123"
    assert m.history.first().history_user == rep


def test_my_applications_lists_status_version_deadline(client, network, rep):
    ApplicationFactory(network=network, created_by=rep)
    ApplicationFactory(network=make_network(), municipality=municipality("0180"))
    client.force_login(rep)
    response = client.get(reverse("applications:mine"))
    assert [a.network for a in response.context["applications"]] == [network]
    assert network.title in response.content.decode()


def test_detail_shows_submitted_content_timestamp_and_version(client, network, rep):
    client.force_login(rep)
    with time_machine.travel(timezone.now().replace(hour=10, minute=30), tick=False):
        client.post(apply_url(network), form_data(network, action="submit"))
    application = Application.objects.get()
    response = client.get(reverse("applications:detail", args=[application.pk]))
    html = response.content.decode()
    assert response.context["version"].number == 1
    assert "Vi vill bli effektivare." in html and "Anna Andersson" in html
    stockholm = zoneinfo.ZoneInfo("Europe/Stockholm")
    assert application.submitted_at.astimezone(stockholm).strftime("%H:%M") in html
    assert reverse("applications:apply", args=[network.slug]) in html


def test_apply_page_query_count_constant(client, network, rep):
    network.participants_max = 10
    network.save()
    client.force_login(rep)
    application = ApplicationFactory(network=network, created_by=rep)
    application.participants.create(name="P0", email="p0@example.se")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(apply_url(network)).status_code == 200
    for i in range(1, 8):
        application.participants.create(name=f"P{i}", email=f"p{i}@example.se")
    with CaptureQueriesContext(connection) as eight:
        assert client.get(apply_url(network)).status_code == 200
    assert len(one) == len(eight)
