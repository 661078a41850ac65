"""Hand-in pages (issue 6): the lead's overview, a hand-in and its receipt; the participant's and the
representative's hand-in pages; file downloads. Permissions for every view, bad input, constant queries."""

# ruff: noqa: F811 (the fixtures imported from test_homework are parameters here)

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from core import uploads
from meetings import homework as services
from meetings.links import personal_token, revoke_links
from meetings.models import HomeworkSubmission
from networks.models import Membership
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    UserFactory,
    municipality,
    representative,
    staff,
)
from tests.meetings.test_homework import (  # noqa: F401 (fixtures)
    DOCX_BYTES,
    HUGE,
    PDF_BYTES,
    SCRIPT,
    anna,
    lead,
    make_homework,
    meeting,
    membership,
    network,
    other_membership,
    private_storage,
    rep,
    task,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stina(other_membership):
    return MembershipParticipantFactory(membership=other_membership, name="Stina Ström")


@pytest.fixture
def submission(task, membership, rep):
    return services.hand_in(
        homework=task,
        membership=membership,
        text=f"Vårt svar {SCRIPT}",
        uploaded=SimpleUploadedFile("Analys ”2024”.pdf", PDF_BYTES),
        user=rep,
    )


def overview_url(network) -> str:
    return reverse("homework:lead_overview", kwargs={"slug": network.slug})


def lead_urls(network, submission) -> dict[str, str]:
    kwargs = {"slug": network.slug, "pk": submission.pk}
    return {name: reverse(f"homework:{name}", kwargs=kwargs) for name in ("lead_submission", "lead_file")}


def member_urls(membership, task) -> list[str]:
    return [
        reverse("homework:member_list", kwargs={"membership_pk": membership.pk}),
        reverse("homework:member_hand_in", kwargs={"membership_pk": membership.pk, "homework_pk": task.pk}),
        reverse("homework:member_file", kwargs={"membership_pk": membership.pk, "homework_pk": task.pk}),
    ]


def participant_url(name: str, participant, task=None, token=None) -> str:
    kwargs = {"token": token or personal_token(participant)}
    if task is not None:
        kwargs["homework_pk"] = task.pk
    return reverse(f"homework:{name}", kwargs=kwargs)


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"


def login_required(response) -> bool:
    return response.status_code == 302 and reverse("account_login") in response["Location"]


# --- The lead --------------------------------------------------------------------------------


def test_the_overview_shows_every_homework_and_member_with_status(
    client, network, lead, task, membership, other_membership, submission
):
    late = make_homework(task.meeting, days=-3, title="Sen uppgift")
    client.force_login(lead)
    response = client.get(overview_url(network))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nulägesanalys" in content and "Sen uppgift" in content
    assert "Upplands Väsby" in content and "Stockholm" in content
    assert reverse("homework:lead_submission", args=[network.slug, submission.pk]) in content
    assert reverse("homework:lead_receive", args=[network.slug, submission.pk]) in content
    group = response.context["overview"].groups[0]
    assert [column.homework for column in group.columns] == [late, task]


def test_the_overview_is_for_the_networks_leads_only(client, network, task):
    url = overview_url(network)
    assert login_required(client.get(url))
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD))  # a lead of another organiser
    assert client.get(url).status_code == 404
    client.force_login(representative("0114"))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_the_overview_costs_constant_queries(client, network, lead, meeting):
    make_homework(meeting)
    make_homework(MeetingFactory(network=network, title="Andra mötet"), days=20)
    codes = ["0114", "0180", "0115", "0184", "0117"]
    client.force_login(lead)
    client.get(overview_url(network))  # the session's first request does a little more

    def queries_for(count: int) -> int:
        Membership.objects.filter(network=network).delete()
        for code in codes[:count]:
            member = MembershipFactory(network=network, municipality=municipality(code))
            for given in services.network_homework(network):
                HomeworkSubmission.objects.create(
                    homework=given, membership=member, text="x", submitted_at=timezone.now()
                )
        with CaptureQueriesContext(connection) as context:
            assert client.get(overview_url(network)).status_code == 200
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(5)


def test_the_lead_opens_a_hand_in_with_hostile_text_escaped(client, network, lead, submission):
    client.force_login(lead)
    response = client.get(lead_urls(network, submission)["lead_submission"])
    assert response.status_code == 200
    content = response.content.decode()
    assert SCRIPT not in content and "&lt;script&gt;" in content
    assert "Analys ”2024”.pdf" in content
    assert lead_urls(network, submission)["lead_file"] in content


def test_the_lead_downloads_the_file_as_an_attachment(client, network, lead, submission):
    client.force_login(lead)
    response = client.get(lead_urls(network, submission)["lead_file"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == uploads.PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition


def test_lead_pages_refuse_everyone_else(client, network, submission, stina):
    for url in lead_urls(network, submission).values():
        client.logout()
        assert login_required(client.get(url))
        client.force_login(staff(StaffRole.Role.NETWORK_LEAD))
        assert client.get(url).status_code == 404
        client.force_login(representative("0114"))  # even the municipality's own representative
        assert client.get(url).status_code == 403
    receive = reverse("homework:lead_receive", args=[network.slug, submission.pk])
    client.logout()
    assert login_required(client.post(receive, {"received": "1"}))
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD))
    assert client.post(receive, {"received": "1"}).status_code == 404
    client.force_login(representative("0180"))
    assert client.post(receive, {"received": "1"}).status_code == 403
    submission.refresh_from_db()
    assert submission.received_at is None


def test_another_networks_hand_in_is_a_404_for_the_lead(client, network, lead, submission):
    other = MembershipFactory(municipality=municipality("0180"))
    other_task = make_homework(MeetingFactory(network=other.network))
    foreign = HomeworkSubmission.objects.create(homework=other_task, membership=other, text="x")
    client.force_login(lead)
    for name in ("lead_submission", "lead_file"):
        assert client.get(reverse(f"homework:{name}", args=[network.slug, foreign.pk])).status_code == 404
    assert (
        client.post(reverse("homework:lead_receive", args=[network.slug, foreign.pk]), {"received": "1"}).status_code
        == 404
    )


def test_the_lead_marks_received_and_undoes(client, network, lead, submission):
    client.force_login(lead)
    url = reverse("homework:lead_receive", args=[network.slug, submission.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"received": "1", "back": "overview"})
    assert response.status_code == 302 and response["Location"] == overview_url(network)
    submission.refresh_from_db()
    assert submission.received_by == lead
    response = client.post(url, {"received": "0"})
    assert response["Location"] == lead_urls(network, submission)["lead_submission"]
    submission.refresh_from_db()
    assert submission.received_at is None


@pytest.mark.parametrize("value", ["", "maybe", SCRIPT, HUGE])
def test_a_bad_receipt_value_changes_nothing(client, network, lead, submission, value):
    client.force_login(lead)
    url = reverse("homework:lead_receive", args=[network.slug, submission.pk])
    response = client.post(url, {"received": value}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    submission.refresh_from_db()
    assert submission.received_at is None


def test_links_to_the_overview_from_the_network_and_meeting_pages(client, network, lead, meeting):
    client.force_login(lead)
    url = overview_url(network)
    assert url in client.get(reverse("leads:network_overview", args=[network.slug])).content.decode()
    assert url in client.get(reverse("meetings:meeting_edit", args=[network.slug, meeting.pk])).content.decode()


# --- The representative ----------------------------------------------------------------------


def test_the_representative_hands_in_text_and_a_file(client, task, membership, rep, private_storage):
    client.force_login(rep)
    list_url, hand_in_url, file_url = member_urls(membership, task)
    page = client.get(list_url)
    assert page.status_code == 200 and hand_in_url in page.content.decode()
    assert 'enctype="multipart/form-data"' in client.get(hand_in_url).content.decode()
    response = client.post(hand_in_url, {"text": "Vårt svar", "file": SimpleUploadedFile("Plan.docx", DOCX_BYTES)})
    assert response.status_code == 302 and response["Location"] == list_url
    submission = HomeworkSubmission.objects.get()
    assert (submission.text, submission.file_type, submission.submitted_by) == ("Vårt svar", uploads.DOCX, rep)
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == DOCX_BYTES
    assert download["Cache-Control"] == "private, no-store"
    assert file_url in client.get(hand_in_url).content.decode()


def test_the_representatives_pages_refuse_everyone_else(client, task, membership, submission):
    for url in member_urls(membership, task):
        client.logout()
        assert login_required(client.get(url))
        client.force_login(representative("0180"))  # another municipality's representative
        assert client.get(url).status_code == 404
        client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=membership.network.organizer))
        assert client.get(url).status_code == 403
    client.force_login(representative("0180"))
    hand_in_url = member_urls(membership, task)[1]
    assert client.post(hand_in_url, {"text": "Kapning"}).status_code == 404
    submission.refresh_from_db()
    assert submission.text.startswith("Vårt svar")


def test_another_networks_homework_is_a_404_for_the_representative(client, membership, rep):
    foreign = make_homework(MeetingFactory())
    client.force_login(rep)
    for url in member_urls(membership, foreign)[1:]:
        assert client.get(url).status_code == 404


def test_the_membership_page_links_to_the_homework(client, membership, rep):
    client.force_login(rep)
    page = client.get(reverse("members:detail", args=[membership.pk]))
    assert reverse("homework:member_list", kwargs={"membership_pk": membership.pk}) in page.content.decode()


def test_an_ended_membership_shows_but_takes_nothing(client, task, membership, rep):
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT)
    client.force_login(rep)
    list_url, hand_in_url, _file = member_urls(membership, task)
    assert client.get(list_url).status_code == 200
    assert client.get(hand_in_url).status_code == 200
    response = client.post(hand_in_url, {"text": "För sent"}, follow=True)
    assert response.status_code == 200 and [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not HomeworkSubmission.objects.exists()


# --- The participant -------------------------------------------------------------------------


def test_the_participant_hands_in_through_the_personal_link(client, task, membership, anna, lead):
    list_url = participant_url("participant_list", anna)
    page = client.get(list_url)
    assert page.status_code == 200
    assert_private(page)
    hand_in_url = participant_url("participant_hand_in", anna, task)
    assert hand_in_url.split("/hemuppgifter/")[1] in page.content.decode()
    response = client.post(hand_in_url, {"text": SCRIPT})
    assert response.status_code == 302
    submission = HomeworkSubmission.objects.get()
    assert (submission.text, submission.submitted_by_participant, submission.membership) == (SCRIPT, anna, membership)
    shown = client.get(hand_in_url).content.decode()
    assert SCRIPT not in shown and "&lt;script&gt;" in shown
    services.mark_received(submission=submission, actor=lead)
    response = client.post(hand_in_url, {"text": "Ändrat svar"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success", "info"]
    submission.refresh_from_db()
    assert submission.received_at is None and submission.text == "Ändrat svar"


def test_the_participant_adds_and_removes_a_file(
    client, task, anna, private_storage, django_capture_on_commit_callbacks
):
    url = participant_url("participant_hand_in", anna, task)
    client.post(url, {"text": "Svar", "file": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    submission = HomeworkSubmission.objects.get()
    stored = submission.file.name
    download = client.get(participant_url("participant_file", anna, task))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert_private(download)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "remove_file"}).status_code == 302
    submission.refresh_from_db()
    assert not submission.file and submission.text == "Svar" and not private_storage.exists(stored)
    assert client.get(participant_url("participant_file", anna, task)).status_code == 404


def test_removing_the_only_file_shows_a_message(client, task, anna):
    url = participant_url("participant_hand_in", anna, task)
    client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}, follow=True)
    response = client.post(url, {"action": "remove_file"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert HomeworkSubmission.objects.get().file


def test_a_participant_of_another_membership_sees_only_their_own(client, task, submission, stina):
    assert client.get(participant_url("participant_file", stina, task)).status_code == 404
    page = client.get(participant_url("participant_hand_in", stina, task))
    assert page.status_code == 200 and "Vårt svar" not in page.content.decode()
    listed = client.get(participant_url("participant_list", stina))
    assert "Vårt svar" not in listed.content.decode()
    assert listed.context["items"][0].submission is None
    client.post(participant_url("participant_hand_in", stina, task), {"text": "Stockholms svar"})
    submission.refresh_from_db()
    assert submission.text.startswith("Vårt svar")
    assert HomeworkSubmission.objects.get(membership=stina.membership).text == "Stockholms svar"


def test_another_networks_homework_is_a_404_for_the_participant(client, anna):
    foreign = make_homework(MeetingFactory())
    for name in ("participant_hand_in", "participant_file"):
        response = client.get(participant_url(name, anna, foreign))
        assert response.status_code == 404
        assert_private(response)


def test_a_revoked_or_tampered_link_gets_nothing(client, task, anna, submission):
    urls = [
        participant_url("participant_list", anna),
        participant_url("participant_hand_in", anna, task),
        participant_url("participant_file", anna, task),
    ]
    revoke_links(anna)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        assert response.templates[0].name == "meetings/participant/link_invalid.html"
        assert_private(response)
    assert client.post(urls[1], {"text": "x"}).status_code == 404
    tampered = participant_url("participant_list", anna, token="x" + personal_token(anna)[1:])
    assert client.get(tampered).status_code == 404
    submission.refresh_from_db()
    assert submission.text.startswith("Vårt svar")


def test_the_participant_home_lists_open_homework(client, meeting, task, anna, membership, rep):
    done = make_homework(meeting, days=2, title="Redan klar")
    services.hand_in(homework=done, membership=membership, text="Klart", user=rep)
    page = client.get(reverse("participant:home", kwargs={"token": personal_token(anna)}))
    assert page.status_code == 200
    assert [item.homework for item in page.context["homework"]] == [task]
    content = page.content.decode()
    assert "Nulägesanalys" in content and "Redan klar" not in content
    assert "/hemuppgifter/" in content


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, None),
        ({"text": "   "}, None),
        ({"text": HUGE}, "text"),
        ({"text": "noll\x00tecken"}, "text"),
        ({"text": "x", "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + SCRIPT.encode())}, "file"),
        ({"file": SimpleUploadedFile("svar.txt", b"\x00\x01\x02binary")}, "file"),
        ({"file": SimpleUploadedFile(f"{SCRIPT}.pdf", b"")}, "file"),
    ],
)
def test_bad_hand_ins_show_a_message_and_save_nothing(client, task, anna, private_storage, data, field):
    response = client.post(participant_url("participant_hand_in", anna, task), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert (field in form.errors) if field else form.non_field_errors()
    content = response.content.decode()
    assert SCRIPT not in content
    assert not HomeworkSubmission.objects.exists()
    assert not private_storage.exists("homework")


def test_a_too_large_file_is_refused_with_a_message(client, settings, task, anna):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = client.post(
        participant_url("participant_hand_in", anna, task),
        {"file": SimpleUploadedFile("a.pdf", PDF_BYTES + b"0" * 2000)},
    )
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not HomeworkSubmission.objects.exists()


def test_huge_text_keeps_what_was_written(client, task, rep, membership):
    client.force_login(rep)
    response = client.post(member_urls(membership, task)[1], {"text": HUGE})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    assert response.context["form"]["text"].value() == HUGE  # not cut: shown back with the message


def test_hand_in_after_the_due_date_is_shown_late(client, meeting, anna):
    late = make_homework(meeting, days=-1, title="Försenad")
    client.post(participant_url("participant_hand_in", anna, late), {"text": "Sent"})
    listed = client.get(participant_url("participant_list", anna))
    item = next(i for i in listed.context["items"] if i.homework == late)
    assert item.status == services.Status.LATE


def test_the_participant_list_costs_constant_queries(client, network, meeting, anna, membership, rep):
    def queries_for(count: int) -> int:
        HomeworkSubmission.objects.all().delete()
        meeting.homework.all().delete()
        for n in range(count):
            task = make_homework(meeting, days=n + 1, title=f"Uppgift {n}")
            services.hand_in(homework=task, membership=membership, text="Svar", user=rep)
        with CaptureQueriesContext(connection) as context:
            assert client.get(participant_url("participant_list", anna)).status_code == 200
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(5)


def test_time_is_shown_in_stockholm(client, meeting, anna):
    from datetime import UTC, datetime

    due = datetime(2031, 1, 15, 22, 59, tzinfo=UTC)  # 23.59 in Stockholm (winter)
    task = make_homework(meeting, days=0)
    task.due_at = due
    task.save()
    content = client.get(participant_url("participant_hand_in", anna, task)).content.decode()
    assert "23.59" in content and "22.59" not in content


def test_due_soon_homework_is_listed_before_later_on_the_home_page(client, meeting, anna):
    later = make_homework(meeting, days=30, title="Senare")
    sooner = make_homework(meeting, days=1, title="Snart")
    page = client.get(reverse("participant:home", kwargs={"token": personal_token(anna)}))
    assert [item.homework for item in page.context["homework"]] == [sooner, later]
    assert page.context["homework"][0].homework.due_at < timezone.now() + timedelta(days=2)
