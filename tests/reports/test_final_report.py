"""The network's final report (reports.final_report): rendered from the demo's finished cohorts, hostile
text in every field it shows, and a constant number of queries however many members there are."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application, ApplicationVersion
from meetings.evaluations import network_results
from meetings.followup import CommitmentStatus
from meetings.models import Homework, HomeworkSubmission, Invitation, Survey, SurveyResponse
from municipalities.models import Kpi, KpiValue
from networks.models import Membership, MembershipCommitment, Network
from reports import final_report
from reports.models import FinalReport
from tests.factories import (
    ApplicationFactory,
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkCommitmentFactory,
    NetworkFactory,
    OrganizerFactory,
    UserFactory,
    municipality,
)
from tests.reports import pdfs

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STYRSYSTEM = "forenklat-och-effektivare-styrsystem-2017"  # ten members, eleven meetings, hand-ins, NKI
EFFEKTIVARE = "effektivare-kommun-2021"  # its applications have problem descriptions
SECTIONS = {
    "summary": "Tio kommuner har förenklat sina styrsystem under ett och ett halvt år.",
    "method": "- Dokumentanalys av 30 styrdokument\n- 26 intervjuer med 46 personer",
    "strengths": "**Lång tradition av samverkan** mellan kommunerna.",
    "recommendations": "## Prioritera hårdare\n\nSäkerställ tydliga mål för styrgrupperna.",
    "next_steps": "Workshop i augusti, handlingsplan i oktober.",
}


def network(slug: str) -> Network:
    return Network.objects.select_related("organizer").get(slug=slug)


def write_sections(net: Network, **sections: str) -> FinalReport:
    return final_report.final_report_save(network=net, actor=None, data=sections)


# --- The demo ----------------------------------------------------------------------------------


def test_final_report_of_the_biggest_demo_cohort(seeded):
    net = network(STYRSYSTEM)
    write_sections(net, **SECTIONS)
    data, pages = final_report.final_report_document(net)
    text = pdfs.text(data)

    assert pdfs.page_count(data) == pages > 5
    assert net.title in pdfs.title(data)
    assert pdfs.language(data) == "sv"
    assert net.title in text and net.organizer.name in text and "Maj 2017 – november 2018" in text
    assert "Sida 1 av" not in text  # the cover has no header or footer
    assert f"Sida 2 av {pages}" in text
    for phrase in (
        "Tio kommuner har förenklat sina styrsystem",
        "26 intervjuer med 46 personer",
        "Lång tradition av samverkan",
        "Prioritera hårdare",
        "Workshop i augusti",
    ):
        assert phrase in text
    members = list(net.memberships.select_related("municipality").order_by("municipality__name"))
    assert len(members) == 10
    for membership in members:
        assert membership.municipality.name in text
    nki = round(network_results(net).total.index)
    assert re.search(rf"\b{nki}\b", text)
    assert "**" not in text and "##" not in text  # Markdown rendered, not shown


def test_table_of_contents_gives_each_chapter_its_page(seeded):
    net = network(STYRSYSTEM)
    data = final_report.final_report_pdf(net)
    reader = pdfs.reader(data)
    contents = reader.pages[1].extract_text()
    names = list(net.memberships.order_by("municipality__name").values_list("municipality__name", flat=True))
    for name in names:
        found = re.search(rf"{re.escape(name)}[ .…]*?(\d+)\s*$", contents, re.MULTILINE)
        assert found, (name, contents)
        page = int(found.group(1))
        assert 2 < page <= len(reader.pages)
        assert name in reader.pages[page - 1].extract_text().split("\n")[:4], (name, page)


def test_members_problem_descriptions_and_key_figures(seeded):
    net = network(EFFEKTIVARE)
    application = Application.objects.filter(network=net, membership__isnull=False).exclude(problem="").first()
    context = final_report.final_report_context(net)
    member = next(m for m in context["members"] if m.application == application)
    assert member.has_problem_description
    assert member.key_figures.rows  # RKA's efficiency indices: the applications referenced none
    assert all(row.now_value is not None for row in member.key_figures.rows)
    text = pdfs.text(final_report.final_report_pdf(net))
    assert " ".join(application.problem.split())[:60] in text


def test_hostile_text_in_every_field_makes_no_request_and_reads_no_file(seeded, hit_server):
    net = network(EFFEKTIVARE)
    hostile = hit_server.hostile_texts()
    write_sections(net, **dict.fromkeys(FinalReport.SECTIONS, "\n\n".join(hostile)))
    membership = net.memberships.exclude(application=None).select_related("application").first()
    Application.objects.filter(pk=membership.application_id).update(
        problem_area=hostile[0][:200], current_state="\n".join(hostile), problem="\n".join(hostile), goal=hostile[-1]
    )
    data = final_report.final_report_pdf(net)
    text = pdfs.text(data)
    assert hit_server.hits == []
    assert "root:" not in text
    assert membership.municipality.name in text


# --- Without the demo: a network built for the test -------------------------------------------


def network_with_members(count: int, *, organizer=None, now: datetime | None = None) -> Network:
    """A finished network with ``count`` members, each with an application (key figures referenced),
    a commitment, two participants, attendance, a hand-in and an evaluation answer."""
    now = now or datetime(2025, 6, 1, 12, tzinfo=STOCKHOLM)
    net = NetworkFactory(
        organizer=organizer or OrganizerFactory(),
        status=Network.Status.FINISHED,
        period_start=date(2024, 1, 15),
        period_end=date(2024, 12, 15),
    )
    decision = NetworkCommitmentFactory(network=net)
    starts = datetime(2024, 2, 1, 10, tzinfo=STOCKHOLM)
    kickoff = MeetingFactory(network=net, month=None, starts_at=starts, ends_at=starts + timedelta(hours=3))
    homework = Homework.objects.create(meeting=kickoff, title="Nulägesanalys", due_at=starts + timedelta(days=30))
    survey = Survey.objects.create(
        network=net,
        meeting=kickoff,
        title="Utvärdering: uppstart",
        question_1="Nöjd?",
        question_2="Förväntningar?",
        question_3="Ideal?",
        free_text_question="Bättre?",
        opens_at=starts + timedelta(days=1),
        closes_at=starts + timedelta(days=15),
    )
    kpi, _created = Kpi.objects.get_or_create(id="U99999", defaults={"title": "Kostnad per invånare, test"})
    for code in ("0114", "0115", "0117", "0120", "0123")[:count]:
        place = municipality(code)
        submitter = UserFactory()
        application = ApplicationFactory(
            network=net,
            municipality=place,
            created_by=submitter,
            status=Application.Status.SUBMITTED,
            submitted_at=starts - timedelta(days=60),
            problem="Styrningen följer budgeten, inte effekterna.",
        )
        ApplicationVersion.objects.create(
            application=application,
            number=1,
            submitted_at=starts - timedelta(days=60),
            submitted_by=submitter,
            data={"key_figures": [{"kpi": kpi.id, "title": kpi.title, "year": 2023, "value": 48.5, "is_demo": False}]},
        )
        KpiValue.objects.update_or_create(
            kpi=kpi, municipality=place, year=2024, gender=KpiValue.Gender.TOTAL, defaults={"value": 52.0}
        )
        membership = MembershipFactory(network=net, municipality=place, application=application)
        MembershipCommitment.objects.create(membership=membership, commitment=decision, confirmed=True)
        present, absent = MembershipParticipantFactory.create_batch(2, membership=membership)
        Invitation.objects.create(meeting=kickoff, participant=present, response="yes", attended=True)
        Invitation.objects.create(meeting=kickoff, participant=absent, response="no", attended=False)
        HomeworkSubmission.objects.create(
            homework=homework, membership=membership, text="Klar.", submitted_at=starts + timedelta(days=20)
        )
        SurveyResponse.objects.create(
            survey=survey,
            participant=present,
            membership=membership,
            answered_at=starts + timedelta(days=2),
            score_1=8,
            score_2=7,
            score_3=9,
        )
    return net


def test_member_chapter_shows_then_and_now_attendance_hand_ins_and_nki():
    net = network_with_members(1)
    context = final_report.final_report_context(net)
    (member,) = context["members"]
    (figure,) = member.key_figures.rows
    assert member.key_figures.referenced
    assert (figure.then_year, figure.then_value, figure.now_year, figure.now_value) == (2023, 48.5, 2024, 52.0)
    assert figure.change == pytest.approx(3.5)
    assert (member.invited, member.attended, member.attendance_share) == (2, 1, 50.0)
    assert (member.handed_in, member.homework_due) == (1, 1)
    assert member.evaluation.answered == 1 and member.evaluation.sent == 1
    assert member.evaluation.index == pytest.approx((8 - 1) / 9 * 100)
    assert [row.status for row in member.follow_up.commitments] == [CommitmentStatus.CONFIRMED]
    (meeting,) = context["attendance"]
    assert (meeting.invited, meeting.attended, meeting.share) == (2, 1, 50.0)
    text = pdfs.text(final_report.final_report_pdf(net))
    assert "48,5 (2023)" in text and "52 (2024)" in text and "+3,5" in text
    assert "Styrningen följer budgeten, inte effekterna." in text
    assert "Upplands Väsby" in text


def test_a_member_that_left_and_a_network_without_data_still_render():
    net = network_with_members(2)
    Membership.objects.filter(network=net, municipality__code="0115").update(
        status=Membership.Status.LEFT, left_on=date(2024, 6, 1)
    )
    assert "Vallentuna" in pdfs.text(final_report.final_report_pdf(net))
    empty = NetworkFactory(status=Network.Status.RUNNING)
    data = final_report.final_report_pdf(empty)
    assert empty.title in pdfs.text(data) and pdfs.page_count(data) >= 3


def test_empty_sections_are_left_out_and_the_date_is_not_part_of_the_source():
    net = network_with_members(1)
    write_sections(net, summary="Bara en sammanfattning.")
    context = final_report.final_report_context(net)
    assert context["empty_sections"] == ["method", "strengths", "recommendations", "next_steps"]
    assert context["conclusions"] == []
    source = final_report.final_report_source(net)
    assert source == final_report.final_report_source(net)
    html = final_report.final_report_html(net, document_date=date(2030, 1, 2))
    assert "2 januari 2030" in html and "2030" not in source


def test_the_report_costs_the_same_queries_for_one_member_as_for_three():
    one, three = network_with_members(1), network_with_members(3)
    counts = []
    for net in (one, three):
        with CaptureQueriesContext(connection) as queries:
            final_report.final_report_source(net)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 25


def test_the_network_wide_follow_up_equals_each_members_own(seeded):
    from meetings.followup import member_follow_up, members_follow_up

    net = network(STYRSYSTEM)

    def summary(follow_up):
        return (
            follow_up.membership.pk,
            [(row.commitment.pk, row.status, row.overdue) for row in follow_up.commitments],
            [(row.meeting.pk, row.has_begun, row.invited, row.attended, row.recorded) for row in follow_up.meetings],
            [(row.participant.pk, row.attended, row.held) for row in follow_up.participants],
            [(row.homework.pk, row.status) for row in follow_up.homework],
            [(group.survey.pk, [r.pk for r in group.responses]) for group in follow_up.surveys],
            [note.pk for note in follow_up.notes],
            follow_up.kickoff.pk if follow_up.kickoff else None,
        )

    everyone = members_follow_up(net)
    assert len(everyone) == net.memberships.count()
    for follow_up in everyone:
        assert summary(follow_up) == summary(member_follow_up(follow_up.membership))
