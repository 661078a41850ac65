"""Homework hand-ins (issue 6): the services, file validation, the overview's queries and the reminders."""

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import StaffRole
from applications import attachments
from core import uploads
from meetings import homework as services
from meetings.links import participant_from_token
from meetings.models import Homework, HomeworkSubmission, Invitation, Meeting
from networks.models import Membership
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
    municipality,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
HUGE = "x" * 100_000
SCRIPT = "<script>alert(1)</script>"


# --- Fixtures and helpers (the page tests import these) -------------------------------------


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Hand-ins go to a temporary directory, not the checkout's private_media/."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(HomeworkSubmission._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def network():
    return NetworkFactory(organizer=OrganizerFactory(), slug="styrsystem", status="running")


@pytest.fixture
def lead(network):
    return staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer)


@pytest.fixture
def membership(network):
    return MembershipFactory(network=network, municipality=municipality("0114"))


@pytest.fixture
def other_membership(network):
    return MembershipFactory(network=network, municipality=municipality("0180"))


@pytest.fixture
def anna(membership):
    return MembershipParticipantFactory(membership=membership, name="Anna Andersson", groups=["steering_group"])


@pytest.fixture
def rep():
    return representative("0114")


@pytest.fixture
def meeting(network):
    return MeetingFactory(network=network, title="Uppstart")


def make_homework(meeting, *, days=7, title="Nulägesanalys", **kwargs) -> Homework:
    return Homework.objects.create(meeting=meeting, title=title, due_at=timezone.now() + timedelta(days=days), **kwargs)


@pytest.fixture
def task(meeting):
    return make_homework(meeting)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
PPTX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p:presentation/>"})
ODP_BYTES = zip_bytes({"mimetype": uploads.ODP.encode(), "content.xml": b"<office:document-content/>"})


def upload(content: bytes = PDF_BYTES, name: str = "Analys.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- Handing in ------------------------------------------------------------------------------


def test_hand_in_text_by_the_representative(task, membership, rep):
    submission = services.hand_in(homework=task, membership=membership, text="  Vårt svar  ", user=rep)
    assert (submission.text, submission.submitted_by, submission.submitted_by_participant) == ("Vårt svar", rep, None)
    assert submission.submitted_at is not None and not submission.file
    item = services.submissions_for_membership(membership)[0]
    assert item.status == services.Status.HANDED_IN
    assert submission.history.first().history_user == rep


def test_hand_in_a_file_by_a_participant_is_stored_privately_under_a_random_name(
    task, membership, anna, private_storage
):
    submission = services.hand_in(
        homework=task, membership=membership, uploaded=upload(name="../../etc/Analys <b>.pdf"), participant=anna
    )
    assert submission.submitted_by_participant == anna and submission.submitted_by is None
    assert (submission.file_name, submission.file_type, submission.file_size) == (
        "Analys <b>.pdf",
        uploads.PDF,
        len(PDF_BYTES),
    )
    assert submission.file.name.startswith(f"homework/{task.pk}/{membership.pk}/")
    assert "Analys" not in submission.file.name and ".." not in submission.file.name
    assert submission.file.path.startswith(str(private_storage.location))
    with submission.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES


def test_hand_in_text_and_file(task, membership, rep):
    submission = services.hand_in(
        homework=task, membership=membership, text="Se bilagan", uploaded=upload(DOCX_BYTES, "Plan.docx"), user=rep
    )
    assert submission.text == "Se bilagan" and submission.file_type == uploads.DOCX


@pytest.mark.parametrize("text", ["", "   ", None])
def test_hand_in_of_nothing_is_refused(task, membership, rep, text):
    with pytest.raises(ValidationError) as error:
        services.hand_in(homework=task, membership=membership, text=text, user=rep)
    assert error.value.code == "empty"
    assert not HomeworkSubmission.objects.exists()


def test_only_the_membership_hands_in(network, task, membership, other_membership, anna):
    with pytest.raises(PermissionDenied):
        services.hand_in(homework=task, membership=membership, text="x", user=representative("0180"))
    with pytest.raises(PermissionDenied):
        services.hand_in(homework=task, membership=membership, text="x", user=staff(organizer=network.organizer))
    with pytest.raises(PermissionDenied):
        services.hand_in(homework=task, membership=membership, text="x")
    with pytest.raises(PermissionDenied):  # a participant of 0114 cannot hand in for 0180
        services.hand_in(homework=task, membership=other_membership, text="x", participant=anna)
    elsewhere = MembershipFactory(municipality=municipality("0114"))  # the same municipality in another network
    with pytest.raises(PermissionDenied):
        services.hand_in(homework=task, membership=elsewhere, text="x", user=representative("0114"))
    assert not HomeworkSubmission.objects.exists()


def test_an_ended_membership_hands_in_nothing(task, membership, rep):
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT)
    membership.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.hand_in(homework=task, membership=membership, text="x", user=rep)
    assert error.value.code == "ended"


def test_a_check_in_homework_is_for_that_municipality_only(network, membership, other_membership, rep):
    check_in = MeetingFactory(network=network, kind=Meeting.Kind.CHECK_IN, membership=other_membership)
    task = make_homework(check_in, title="Förberedelse")
    with pytest.raises(PermissionDenied):
        services.hand_in(homework=task, membership=membership, text="x", user=rep)
    assert [item.homework for item in services.submissions_for_membership(membership)] == []
    assert [item.homework for item in services.submissions_for_membership(other_membership)] == [task]


def test_a_hand_in_after_the_due_date_is_taken_and_late(meeting, membership, rep):
    task = make_homework(meeting, days=-2)
    services.hand_in(homework=task, membership=membership, text="Sent men ändå", user=rep)
    item = services.submissions_for_membership(membership)[0]
    assert item.is_late and item.status == services.Status.LATE
    assert item.status_label


def test_missing_and_overdue(meeting, membership):
    soon, gone = make_homework(meeting, days=2), make_homework(meeting, days=-1)
    items = {item.homework: item for item in services.submissions_for_membership(membership)}
    assert items[soon].status == items[gone].status == services.Status.MISSING
    assert not items[soon].is_overdue and items[gone].is_overdue
    homework, submission = items[soon]  # unpacks as a pair
    assert (homework, submission) == (soon, None)


def test_the_lead_marks_received_and_undoes_it(network, task, membership, rep, lead):
    submission = services.hand_in(homework=task, membership=membership, text="Svar", user=rep)
    with pytest.raises(PermissionDenied):
        services.mark_received(submission=submission, actor=staff(StaffRole.Role.NETWORK_LEAD))
    with pytest.raises(PermissionDenied):
        services.mark_received(submission=submission, actor=rep)
    marked = services.mark_received(submission=submission, actor=lead)
    assert marked.received_at is not None and marked.received_by == lead
    assert services.submissions_for_membership(membership)[0].status == services.Status.RECEIVED
    again = services.mark_received(submission=submission, actor=lead)
    assert again.received_at == marked.received_at  # idempotent
    undone = services.mark_received(submission=submission, actor=lead, received=False)
    assert (undone.received_at, undone.received_by) == (None, None)
    assert services.submissions_for_membership(membership)[0].status == services.Status.HANDED_IN


def test_changing_a_received_hand_in_clears_the_receipt_but_keeps_the_first_time(task, membership, rep, anna, lead):
    submission = services.hand_in(homework=task, membership=membership, text="Första", user=rep)
    first = submission.submitted_at
    services.mark_received(submission=submission, actor=lead)
    same = services.hand_in(homework=task, membership=membership, text="Första", user=rep)
    assert same.received_at is not None  # nothing changed, so still received
    with time_machine.travel(timezone.now() + timedelta(days=30)):  # after the due date
        changed = services.hand_in(homework=task, membership=membership, text="Andra", participant=anna)
    assert (changed.text, changed.received_at, changed.received_by) == ("Andra", None, None)
    assert changed.submitted_at == first and changed.submitted_by_participant == anna
    assert HomeworkSubmission.objects.count() == 1
    assert not services.submissions_for_membership(membership)[0].is_late


def test_a_new_file_replaces_the_old_one_and_removing_keeps_the_text(
    task, membership, rep, private_storage, django_capture_on_commit_callbacks
):
    submission = services.hand_in(homework=task, membership=membership, text="Svar", uploaded=upload(), user=rep)
    old = submission.file.name
    with django_capture_on_commit_callbacks(execute=True):
        replaced = services.hand_in(
            homework=task, membership=membership, uploaded=upload(PPTX_BYTES, "b.pptx"), user=rep
        )
    assert replaced.text == "Svar" and replaced.file_type == uploads.PPTX and replaced.file.name != old
    assert not private_storage.exists(old) and private_storage.exists(replaced.file.name)
    current = replaced.file.name
    with django_capture_on_commit_callbacks(execute=True):
        removed = services.remove_hand_in_file(submission=replaced, user=rep)
    assert not removed.file and (removed.file_name, removed.file_type, removed.file_size) == ("", "", None)
    assert removed.text == "Svar" and not private_storage.exists(current)


def test_deleting_the_homework_deletes_the_hand_in_files(
    task, membership, rep, private_storage, django_capture_on_commit_callbacks
):
    submission = services.hand_in(homework=task, membership=membership, uploaded=upload(), user=rep)
    name = submission.file.name
    assert private_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        task.delete()
    assert not HomeworkSubmission.objects.exists() and not private_storage.exists(name)


def test_removing_the_only_file_is_refused(task, membership, rep, private_storage):
    submission = services.hand_in(homework=task, membership=membership, uploaded=upload(), user=rep)
    with pytest.raises(ValidationError):
        services.remove_hand_in_file(submission=submission, user=rep)
    submission.refresh_from_db()
    assert submission.file and private_storage.exists(submission.file.name)


@pytest.mark.parametrize("text", [HUGE, "noll\x00tecken"])
def test_bad_text_is_refused_with_a_message(task, membership, rep, text):
    with pytest.raises(ValidationError) as error:
        services.hand_in(homework=task, membership=membership, text=text, user=rep)
    assert error.value.message_dict["text"]
    assert not HomeworkSubmission.objects.exists()


def test_a_refused_hand_in_leaves_no_file_behind(task, membership, rep, private_storage, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(HomeworkSubmission, "save", broken)
    with pytest.raises(RuntimeError):
        services.hand_in(homework=task, membership=membership, uploaded=upload(), user=rep)
    folder = private_storage.path(f"homework/{task.pk}/{membership.pk}")
    import os

    assert not os.path.exists(folder) or os.listdir(folder) == []


# --- File validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (PDF_BYTES, "a.pdf", uploads.PDF),
        (DOCX_BYTES, "a.docx", uploads.DOCX),
        (PPTX_BYTES, "a.pptx", uploads.PPTX),
        (ODP_BYTES, "a.odp", uploads.ODP),
        ("Vårt svar: åäö\r\n\tmed tabb".encode(), "svar.txt", uploads.TXT),
        ("Vårt svar: åäö".encode("cp1252"), "svar.TXT", uploads.TXT),
        (PDF_BYTES, "rapport.txt", uploads.PDF),  # the content decides
    ],
)
def test_hand_in_files_accepted(content, name, expected):
    assert services.validate_file(upload(content, name)) == expected


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 executable", "analys.pdf"),  # a fake extension
        (b"<html><script>alert(1)</script></html>", "analys.docx"),
        (b"MZ\x90\x00\x00\x00 binary", "svar.txt"),  # binary named .txt
        (b"plain words", "svar.html"),  # text is taken from .txt files only
        (b"plain words", "svar"),
        (zip_bytes({"hello.txt": b"hi"}), "svar.docx"),
        (b"\x1b[31m escape codes", "svar.txt"),
    ],
)
def test_hand_in_files_of_other_types_are_refused(content, name):
    with pytest.raises(ValidationError) as error:
        services.validate_file(upload(content, name))
    assert error.value.code == "wrong_type"


def test_too_large_and_empty_files_are_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        services.validate_file(upload(PDF_BYTES + b"0" * 2000))
    assert error.value.code == "too_large"
    with pytest.raises(ValidationError) as error:
        services.validate_file(upload(b"", "tom.pdf"))
    assert error.value.code == "empty"


def test_the_limit_is_ten_megabytes(settings):
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_applications_still_take_only_their_four_types():
    for content, name in ((PPTX_BYTES, "a.pptx"), (ODP_BYTES, "a.odp"), (b"text", "a.txt")):
        assert attachments.sniff_content_type(io.BytesIO(content)) is None
        with pytest.raises(ValidationError):
            attachments.validate_attachment(upload(content, name))
    assert attachments.validate_attachment(upload(DOCX_BYTES, "a.docx")) == uploads.DOCX


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("Analys.pdf", uploads.PDF, "Analys.pdf"),
        ("rapport.exe", uploads.PDF, "rapport.exe.pdf"),
        ("C:\\Users\\x\\Plan.DOCX", uploads.DOCX, "Plan.DOCX"),
        ("../../.htaccess", uploads.TXT, "htaccess.txt"),
        ("\x00\n", uploads.PDF, "file.pdf"),
        ("a" * 400 + ".pdf", uploads.PDF, "a" * 251 + ".pdf"),
    ],
)
def test_safe_file_name(name, content_type, expected):
    assert uploads.safe_file_name(name, content_type=content_type) == expected


def test_the_file_name_shown_has_the_real_extension(task, membership, rep):
    submission = services.hand_in(homework=task, membership=membership, uploaded=upload(name="rapport.exe"), user=rep)
    assert submission.file_name == "rapport.exe.pdf"


# --- Reading ---------------------------------------------------------------------------------


def test_submissions_for_membership_costs_two_queries(meeting, membership, rep, django_assert_num_queries):
    first, second = make_homework(meeting, days=3), make_homework(meeting, days=5)
    services.hand_in(homework=second, membership=membership, text="Svar", user=rep)
    with django_assert_num_queries(2):
        items = services.submissions_for_membership(membership)
    assert [(h, s is not None) for h, s in items] == [(first, False), (second, True)]
    assert [item.homework for item in services.open_for_membership(membership)] == [first]


def test_overview_statuses(network, meeting, membership, other_membership, rep, lead):
    task = make_homework(meeting)
    late = make_homework(meeting, days=-1, title="Sen")
    services.hand_in(homework=task, membership=membership, text="Svar", user=rep)
    received = services.hand_in(homework=late, membership=membership, text="Svar", user=rep)
    services.mark_received(submission=received, actor=lead)
    Membership.objects.create(network=network, municipality=municipality("0115"), status=Membership.Status.LEFT)
    result = services.overview(network)
    assert [m.municipality.code for m in result.memberships] == ["0180", "0114"]  # Stockholm, Upplands Väsby
    group = result.groups[0]
    statuses = {
        (membership_.municipality.code, item.homework.title): item.status
        for membership_, cells in group.rows
        for item in cells
    }
    assert statuses == {
        ("0114", "Nulägesanalys"): "handed_in",
        ("0114", "Sen"): "received",
        ("0180", "Nulägesanalys"): "missing",
        ("0180", "Sen"): "missing",
    }
    counts = {c.homework.title: (c.handed_in, c.received, c.expected) for c in group.columns}
    assert counts == {"Nulägesanalys": (1, 0, 2), "Sen": (1, 1, 2)}
    assert result.homework_count == 2


def test_overview_queries_do_not_grow_with_members(network, meeting):
    make_homework(meeting)
    make_homework(MeetingFactory(network=network, title="Andra"))
    codes = ["0114", "0180", "0115", "0184", "0117"]

    def queries_for(count: int) -> int:
        Membership.objects.filter(network=network).delete()
        for code in codes[:count]:
            membership = MembershipFactory(network=network, municipality=municipality(code))
            MembershipParticipantFactory(membership=membership)
            HomeworkSubmission.objects.create(
                homework=Homework.objects.first(), membership=membership, text="Svar", submitted_at=timezone.now()
            )
        with CaptureQueriesContext(connection) as context:
            services.overview(network)
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(5) == 3


# --- Reminders -------------------------------------------------------------------------------


@pytest.fixture
def people(network, membership, other_membership):
    return {
        "anna": MembershipParticipantFactory(membership=membership, name="Anna", email="anna@example.se"),
        "axel": MembershipParticipantFactory(membership=membership, name="Axel", email="axel@example.se"),
        "stina": MembershipParticipantFactory(membership=other_membership, name="Stina", email="stina@example.se"),
    }


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminders_go_once_to_those_who_have_not_handed_in(network, meeting, membership, people, rep):
    task = make_homework(meeting, days=2, title="Nulägesanalys")
    handed_in = make_homework(meeting, days=2, title="Klar")
    services.hand_in(homework=handed_in, membership=membership, text="Klart", user=rep)
    stockholm = people["stina"].membership
    services.hand_in(homework=handed_in, membership=stockholm, text="Klart", user=representative("0180"))
    from meetings.tasks import send_homework_reminders

    assert send_homework_reminders.delay().get() == 3
    assert recipients() == ["anna@example.se", "axel@example.se", "stina@example.se"]
    assert all(task.title in message.subject for message in mail.outbox)
    assert send_homework_reminders.delay().get() == 0  # idempotent
    assert len(mail.outbox) == 3
    message = next(m for m in mail.outbox if m.to == ["anna@example.se"])
    assert "Nulägesanalys" in message.body and "Klar" not in message.subject
    due = timezone.localtime(task.due_at)
    assert f"{due:%H.%M}" in message.body and str(due.day) in message.body
    link = next(line.strip() for line in message.body.splitlines() if "/hemuppgifter/" in line)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/deltagare/")
    token, rest = link.split("/deltagare/", 1)[1].split("/", 1)
    assert participant_from_token(token) == people["anna"] and rest == f"hemuppgifter/{task.pk}/"


def test_the_personal_link_in_the_reminder_works(client, meeting, people):
    make_homework(meeting, days=1)
    services.send_homework_reminders()
    message = next(m for m in mail.outbox if m.to == ["anna@example.se"])
    link = next(line for line in message.body.splitlines() if "/hemuppgifter/" in line).strip()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200


def test_reminders_go_to_the_invited_when_there_are_invitations(meeting, membership, people):
    make_homework(meeting, days=2)
    Invitation.objects.create(meeting=meeting, participant=people["axel"])
    assert services.send_homework_reminders() == 2
    # 0114 had Axel invited, so only he; 0180 had no one invited, so all of its participants.
    assert recipients() == ["axel@example.se", "stina@example.se"]


def test_reminders_move_with_the_clock(meeting, people):
    task = make_homework(meeting, days=10)
    assert services.send_homework_reminders() == 0  # not within three days yet
    with time_machine.travel(task.due_at - timedelta(days=2)):
        assert services.send_homework_reminders() == 3
        assert services.send_homework_reminders() == 0
    with time_machine.travel(task.due_at - timedelta(days=1)):
        assert services.send_homework_reminders() == 0  # each person once per homework
    assert len(mail.outbox) == 3


def test_no_reminders_after_the_due_date_or_for_called_off_meetings_or_ended_members(
    network, meeting, membership, people
):
    make_homework(meeting, days=-1)
    cancelled = MeetingFactory(network=network, status=Meeting.Status.CANCELLED)
    make_homework(cancelled, days=1)
    assert services.send_homework_reminders() == 0
    live = make_homework(meeting, days=1)
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT)
    assert services.send_homework_reminders() == 1
    assert recipients() == ["stina@example.se"]
    with time_machine.travel(live.due_at + timedelta(minutes=1)):
        Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.ACTIVE)
        assert services.send_homework_reminders() == 0


def test_a_check_in_homework_reminds_only_its_municipality(network, other_membership, people):
    check_in = MeetingFactory(network=network, kind=Meeting.Kind.CHECK_IN, membership=other_membership)
    make_homework(check_in, days=1)
    assert services.send_homework_reminders() == 1
    assert recipients() == ["stina@example.se"]


def test_reminders_cost_constant_queries(network, meeting, people):
    for n in range(3):
        make_homework(meeting, days=1, title=f"Uppgift {n}")
    with CaptureQueriesContext(connection) as context:
        services.due_reminders(timezone.now())
    assert len(context.captured_queries) <= 5


def test_the_beat_schedule_runs_the_reminders_daily():
    from meetings.schedule import PERIODIC_TASKS
    from meetings.tasks import send_homework_reminders

    spec = next(s for s in PERIODIC_TASKS if s.task == "meetings.tasks.send_homework_reminders")
    assert (spec.minute, spec.hour, spec.day_of_week) == ("0", "7", "*")
    assert send_homework_reminders.name == spec.task
