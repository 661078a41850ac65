"""Stored documents (reports.stored): made by the Celery task, reused until the data changes, kept few; the
final report page, the document hub, the status JSON and the download, with every view's permissions."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from reports import final_report, stored
from reports.models import SECTION_MAX_LENGTH, FinalReport, StoredDocument
from reports.tasks import render_stored_document
from tests.factories import NetworkFactory, OrganizerFactory, representative, staff
from tests.reports import pdfs
from tests.reports.conftest import hostile_texts
from tests.reports.test_final_report import network_with_members

pytestmark = pytest.mark.django_db

KIND = StoredDocument.Kind.FINAL_REPORT
WORKER_OPTIONS = ("--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO")
Status = StoredDocument.Status


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Stored documents go to a temporary directory, not the checkout's private_media/."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(StoredDocument._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def network():
    return network_with_members(1)


@pytest.fixture
def lead(network):
    return staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer)


class CountingBuilder:
    """The final report's builder, counting its builds; ``fail`` makes the next build raise."""

    def __init__(self):
        self.original = stored.BUILDERS[KIND]
        self.builds = 0
        self.fail = False

    def build(self, network, progress):
        self.builds += 1
        if self.fail:
            raise RuntimeError("the renderer broke")
        return self.original.build(network, progress)

    def builder(self) -> stored.Builder:
        return stored.Builder(source=self.original.source, build=self.build)


@pytest.fixture
def builder(monkeypatch):
    counting = CountingBuilder()
    monkeypatch.setitem(stored.BUILDERS, KIND, counting.builder())
    return counting


def request(network, user, django_capture_on_commit_callbacks, *, run: bool = True) -> StoredDocument:
    with django_capture_on_commit_callbacks(execute=run):
        document = stored.request_document(network, KIND, user)
    document.refresh_from_db()
    return document


# --- The service and the task -------------------------------------------------------------------


def test_request_makes_the_document_in_the_task_and_stores_it(
    network, lead, builder, django_capture_on_commit_callbacks, private_storage
):
    document = request(network, lead, django_capture_on_commit_callbacks)
    assert document.status == Status.DONE and document.progress == 100 and document.step == ""
    assert document.requested_by == lead and document.finished_at is not None
    assert document.fingerprint == stored.current_fingerprint(network, KIND)
    assert document.file_name.endswith(".pdf") and document.pages >= 3
    data = private_storage.open(document.file.name).read()
    assert document.size == len(data) and pdfs.page_count(data) == document.pages
    assert network.title in pdfs.title(data)
    assert builder.builds == 1


def test_unchanged_data_reuses_the_document_without_making_it_again(
    network, lead, builder, django_capture_on_commit_callbacks
):
    first = request(network, lead, django_capture_on_commit_callbacks)
    again = request(network, lead, django_capture_on_commit_callbacks)
    assert again.pk == first.pk and builder.builds == 1
    assert StoredDocument.objects.filter(network=network).count() == 1


def test_a_second_request_while_it_is_being_made_gets_the_same_document(
    network, lead, builder, django_capture_on_commit_callbacks
):
    waiting = request(network, lead, django_capture_on_commit_callbacks, run=False)
    assert waiting.status == Status.PENDING and waiting.step
    again = request(network, lead, django_capture_on_commit_callbacks, run=False)
    assert again.pk == waiting.pk and builder.builds == 0
    StoredDocument.objects.filter(pk=waiting.pk).update(status=Status.RUNNING)
    assert request(network, lead, django_capture_on_commit_callbacks, run=False).pk == waiting.pk


def test_changed_data_makes_a_new_document(network, lead, builder, django_capture_on_commit_callbacks):
    first = request(network, lead, django_capture_on_commit_callbacks)
    final_report.final_report_save(network=network, actor=lead, data={"summary": "Ett nytt stycke."})
    second = request(network, lead, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.status == Status.DONE and builder.builds == 2
    assert second.fingerprint != first.fingerprint
    assert "Ett nytt stycke." in pdfs.text(second.file.open("rb").read())


def test_a_failure_marks_the_document_failed_with_a_message_and_logs_it(
    network, lead, builder, django_capture_on_commit_callbacks, caplog
):
    builder.fail = True
    with caplog.at_level(logging.ERROR, logger="reports.stored"):
        document = request(network, lead, django_capture_on_commit_callbacks)
    assert document.status == Status.FAILED and document.error and not document.file
    assert document.finished_at is not None
    assert any("the renderer broke" in (record.exc_text or "") for record in caplog.records)
    builder.fail = False
    retry = request(network, lead, django_capture_on_commit_callbacks)
    assert retry.pk != document.pk and retry.status == Status.DONE


def test_the_task_twice_does_nothing_the_second_time(network, lead, builder, django_capture_on_commit_callbacks):
    document = request(network, lead, django_capture_on_commit_callbacks)
    assert render_stored_document(document.pk) is False
    assert render_stored_document(999_999) is False
    document.refresh_from_db()
    assert document.status == Status.DONE and builder.builds == 1


def test_only_the_latest_few_are_kept_and_their_files_go_with_them(
    network, lead, django_capture_on_commit_callbacks, private_storage
):
    made = []
    for number in range(stored.KEEP + 2):
        final_report.final_report_save(network=network, actor=lead, data={"summary": f"Version {number}."})
        made.append(request(network, lead, django_capture_on_commit_callbacks))
    kept = list(StoredDocument.objects.filter(network=network).order_by("pk"))
    assert [d.pk for d in kept] == [d.pk for d in made[-stored.KEEP :]]
    assert not any(private_storage.exists(d.file.name) for d in made[: -stored.KEEP])
    assert all(private_storage.exists(d.file.name) for d in kept)
    with django_capture_on_commit_callbacks(execute=True):
        kept[0].delete()
    assert not private_storage.exists(kept[0].file.name)


def test_a_document_stuck_for_long_fails_and_can_be_asked_for_again(
    network, lead, builder, django_capture_on_commit_callbacks
):
    stuck = request(network, lead, django_capture_on_commit_callbacks, run=False)
    StoredDocument.objects.filter(pk=stuck.pk).update(
        status=Status.RUNNING, requested_at=timezone.now() - stored.STALE_AFTER - timedelta(minutes=1)
    )
    fresh = request(network, lead, django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED and stuck.error
    assert fresh.pk != stuck.pk and fresh.status == Status.DONE


def test_only_known_kinds_can_be_registered_or_requested(network, lead):
    with pytest.raises(ValueError):
        stored.register_builder("invoice", stored.BUILDERS[KIND])
    with pytest.raises(ValueError):
        stored.request_document(network, "invoice", lead)
    assert stored.fingerprint("ab", "c") != stored.fingerprint("a", "bc")


# --- Pages: permissions -------------------------------------------------------------------------


def urls(network, document=None) -> dict[str, tuple[str, str]]:
    pk = document.pk if document else 1
    return {
        "final_report": ("get", reverse("reports:final_report", kwargs={"slug": network.slug})),
        "final_report_save": ("post", reverse("reports:final_report", kwargs={"slug": network.slug})),
        "documents": ("get", reverse("reports:documents", kwargs={"slug": network.slug})),
        "request": ("post", reverse("reports:document_request", kwargs={"slug": network.slug, "kind": KIND})),
        "status": ("get", reverse("reports:document_status", kwargs={"slug": network.slug, "pk": pk})),
        "download": ("get", reverse("reports:document_download", kwargs={"slug": network.slug, "pk": pk})),
    }


@pytest.fixture
def done(network, lead, django_capture_on_commit_callbacks):
    return request(network, lead, django_capture_on_commit_callbacks)


def test_anonymous_users_are_sent_to_log_in(client, network, done):
    for name, (method, url) in urls(network, done).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response["Location"], name


def test_a_municipality_representative_is_refused(client, network, done):
    client.force_login(representative("0114"))
    for name, (method, url) in urls(network, done).items():
        assert getattr(client, method)(url).status_code == 403, name


def test_another_organisers_lead_finds_nothing(client, network, done):
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=OrganizerFactory()))
    for name, (method, url) in urls(network, done).items():
        assert getattr(client, method)(url).status_code == 404, name
    assert StoredDocument.objects.filter(network=network).count() == 1


def test_the_networks_lead_sees_every_page(client, network, lead, done, django_capture_on_commit_callbacks):
    client.force_login(lead)
    names = urls(network, done)
    for name in ("final_report", "documents", "status", "download"):
        assert client.get(names[name][1]).status_code == 200, name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(names["request"][1])
    assert response.status_code == 302 and response["Location"].endswith("/slutrapport/#document-final_report")


def test_a_document_of_another_network_under_this_slug_is_not_found(
    client, network, lead, django_capture_on_commit_callbacks
):
    other = network_with_members(1, organizer=network.organizer)
    theirs = request(other, lead, django_capture_on_commit_callbacks)
    client.force_login(lead)
    for name in ("status", "download"):
        assert client.get(urls(network, theirs)[name][1]).status_code == 404, name
        assert client.get(urls(other, theirs)[name][1]).status_code == 200, name


def test_unknown_kinds_wrong_methods_and_unfinished_downloads(
    client, network, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    bad_kind = reverse("reports:document_request", kwargs={"slug": network.slug, "kind": "faktura"})
    assert client.post(bad_kind).status_code == 404
    assert client.get(urls(network)["request"][1]).status_code == 405
    waiting = request(network, lead, django_capture_on_commit_callbacks, run=False)
    assert client.get(urls(network, waiting)["download"][1]).status_code == 404
    assert client.get(reverse("reports:documents", kwargs={"slug": "finns-inte"})).status_code == 404


# --- Pages: what they show --------------------------------------------------------------------


def test_status_json_while_waiting_and_when_done(client, network, lead, django_capture_on_commit_callbacks):
    client.force_login(lead)
    waiting = request(network, lead, django_capture_on_commit_callbacks, run=False)
    data = client.get(urls(network, waiting)["status"][1]).json()
    assert data["status"] == "pending" and data["download_url"] is None and data["step"]
    assert set(data) == {"status", "status_label", "progress", "step", "download_url", "error"}
    page = client.get(urls(network)["final_report"][1]).content.decode()
    assert '<progress id="document-progress" class="w-100" max="100" value="0">' in page
    assert "document-progress.js" in page and "data-document-status-url" in page
    assert render_stored_document(waiting.pk) is True
    response = client.get(urls(network, waiting)["status"][1])
    data = response.json()
    assert response["Cache-Control"] == "private, no-store"
    assert data["status"] == "done" and data["progress"] == 100
    assert data["download_url"] == urls(network, waiting)["download"][1]


def test_download_streams_the_stored_pdf(client, network, lead, done, private_storage):
    client.force_login(lead)
    response = client.get(urls(network, done)["download"][1])
    data = pdfs.response_pdf(response)
    assert data == private_storage.open(done.file.name).read()
    assert done.file_name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_page_says_when_the_data_has_changed_since(client, network, lead, done):
    client.force_login(lead)
    page = client.get(urls(network)["final_report"][1]).content.decode()
    assert urls(network, done)["download"][1] in page
    assert 'action="{}"'.format(urls(network)["request"][1]) not in page
    final_report.final_report_save(network=network, actor=lead, data={"strengths": "Samverkan."})
    page = client.get(urls(network)["final_report"][1]).content.decode()
    assert 'action="{}"'.format(urls(network)["request"][1]) in page
    hub = client.get(urls(network)["documents"][1]).content.decode()
    assert 'name="back" value="documents"' in hub and urls(network, done)["download"][1] in hub


def test_a_failed_document_offers_to_try_again(client, network, lead, builder, django_capture_on_commit_callbacks):
    builder.fail = True
    failed = request(network, lead, django_capture_on_commit_callbacks)
    client.force_login(lead)
    assert client.get(urls(network, failed)["status"][1]).json()["error"]
    page = client.get(urls(network)["final_report"][1]).content.decode()
    assert "alert-danger" in page and 'action="{}"'.format(urls(network)["request"][1]) in page


def test_requesting_from_the_hub_returns_to_the_hub(client, network, lead, django_capture_on_commit_callbacks):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(network)["request"][1], {"back": "documents"})
    assert response["Location"].endswith("/dokument/#document-final_report")


# --- The sections form ------------------------------------------------------------------------


def sections(**values: str) -> dict[str, str]:
    return {name: values.get(name, "") for name in FinalReport.SECTIONS}


def test_the_lead_saves_the_sections_with_history(client, network, lead):
    client.force_login(lead)
    response = client.post(urls(network)["final_report"][1], sections(summary="Sammanfattat.", method="Intervjuer."))
    assert response.status_code == 302
    report = FinalReport.objects.get(network=network)
    assert (report.summary, report.method, report.updated_by) == ("Sammanfattat.", "Intervjuer.", lead)
    assert report.history.latest().history_user == lead
    assert client.post(urls(network)["final_report"][1], sections()).status_code == 302
    assert FinalReport.objects.get(network=network).summary == ""


def test_too_long_text_is_refused_in_swedish_and_nothing_typed_is_lost(client, network, lead):
    client.force_login(lead)
    final_report.final_report_save(network=network, actor=lead, data={"summary": "Som förut."})
    huge = "x" * (SECTION_MAX_LENGTH + 1)
    response = client.post(urls(network)["final_report"][1], sections(summary=huge, method="Mitt nya stycke."))
    assert response.status_code == 200
    errors = response.context["form"].errors["summary"]
    assert errors and "20000" in errors[0].replace("\xa0", "").replace(" ", "")
    assert "Mitt nya stycke." in response.content.decode() and huge in response.content.decode()
    assert FinalReport.objects.get(network=network).summary == "Som förut."


def test_a_post_missing_a_section_wipes_nothing(client, network, lead):
    client.force_login(lead)
    final_report.final_report_save(network=network, actor=lead, data={"summary": "Som förut."})
    response = client.post(urls(network)["final_report"][1], {"method": "Bara metoden."})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert FinalReport.objects.get(network=network).summary == "Som förut."
    response = client.post(urls(network)["final_report"][1], sections(summary="noll\x00tecken"))
    assert response.status_code == 200 and response.context["form"].errors["summary"]


def test_hostile_sections_are_saved_as_text_and_shown_escaped(client, network, lead):
    client.force_login(lead)
    hostile = "\n\n".join(hostile_texts(9))
    response = client.post(urls(network)["final_report"][1], sections(**dict.fromkeys(FinalReport.SECTIONS, hostile)))
    assert response.status_code == 302
    assert FinalReport.objects.get(network=network).recommendations == hostile
    page = client.get(urls(network)["final_report"][1]).content.decode()
    assert "<img src=" not in page and "<iframe" not in page and "<object" not in page
    assert "&lt;img src=" in page


# --- A real worker ------------------------------------------------------------------------------


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_makes_the_document(isolated_queue, real_celery, tmp_path, monkeypatch):
    from django.db import connection

    from tests.test_celery_worker import CELERY, Process, child_environment

    storage = FileSystemStorage(location=tmp_path / "worker-private", base_url=None)
    monkeypatch.setattr(StoredDocument._meta.get_field("file"), "storage", storage)
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    worker = Process(
        [CELERY, "-A", "config", "worker", "--pool=solo", "-Q", isolated_queue, *WORKER_OPTIONS],
        child_environment(
            isolated_queue,
            DATABASE_URL=f"postgres://{credentials}@{host}/{database['NAME']}",
            PRIVATE_MEDIA_ROOT=str(tmp_path / "worker-private"),
        ),
    )
    try:
        assert worker.wait_for("ready."), worker.output
        network = NetworkFactory(title="Nätverket i arbetaren")
        lead = staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer)
        document = stored.request_document(network, KIND, lead)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            document.refresh_from_db()
            if document.is_finished:
                break
            time.sleep(0.2)
    finally:
        worker.stop()
    assert document.status == Status.DONE, (document.error, worker.output)
    assert "reports.tasks.render_stored_document" in worker.output
    data = storage.open(document.file.name).read()
    assert "Nätverket i arbetaren" in pdfs.title(data) and document.size == len(data)


def test_the_pages_cost_the_same_queries_for_one_member_as_for_three(client, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organizer = OrganizerFactory()
    one, three = network_with_members(1, organizer=organizer), network_with_members(3, organizer=organizer)
    lead = staff(StaffRole.Role.NETWORK_LEAD, organizer=organizer)
    client.force_login(lead)
    for name in ("final_report", "documents"):
        counts = []
        for net in (one, three):
            request(net, lead, django_capture_on_commit_callbacks)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(urls(net)[name][1]).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (name, counts)
