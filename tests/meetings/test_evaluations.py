"""Evaluations (issue 6): the NKI on hand-made answers, response rates, who gets a meeting's survey, the daily
sending and reminders (idempotent), standalone surveys, answering, and the results per survey, meeting and network."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import StaffRole
from core.models import SentEmail
from meetings import evaluations
from meetings.models import Invitation, Meeting, Survey, SurveyQuestions, SurveyResponse
from meetings.services import STOCKHOLM
from meetings.tasks import evaluations_daily, send_survey
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
Role = StaffRole.Role


@pytest.fixture
def org():
    return OrganizerFactory()


@pytest.fixture
def network(org):
    return NetworkFactory(organizer=org, slug="styrsystem", status="running")


@pytest.fixture
def lead(org):
    return staff(Role.NETWORK_LEAD, organizer=org)


@pytest.fixture
def people(network):
    vasby = MembershipFactory(network=network, municipality=municipality("0114"))
    solna = MembershipFactory(network=network, municipality=municipality("0184"))
    left = MembershipFactory(network=network, municipality=municipality("0180"), status=Membership.Status.LEFT)
    return {
        "anna": MembershipParticipantFactory(membership=vasby, name="Anna Andersson"),
        "bo": MembershipParticipantFactory(membership=vasby, name="Bo Berg"),
        "cecilia": MembershipParticipantFactory(membership=solna, name="Cecilia Ek"),
        "david": MembershipParticipantFactory(membership=solna, name="David Dahl"),
        "erik": MembershipParticipantFactory(membership=left, name="Erik Ström"),
        "vasby": vasby,
        "solna": solna,
        "left": left,
    }


def held(network, *, ended: datetime | None = None, days_ago: float = 1, **kwargs) -> Meeting:
    """A meeting that ended ``days_ago`` days ago (or at ``ended``), three hours long."""
    end = ended or timezone.now() - timedelta(days=days_ago)
    defaults = {
        "network": network,
        "month": None,
        "starts_at": end - timedelta(hours=3),
        "ends_at": end,
        "audience": ["all_participants"],
        "title": "Nätverksträff 2",
    }
    return MeetingFactory(**{**defaults, **kwargs})


def invite(meeting, *participants, response="", attended=None):
    for p in participants:
        Invitation.objects.create(meeting=meeting, participant=p, response=response, attended=attended)


def make_survey(network, *, kind=Survey.Kind.STANDALONE, meeting=None, days_open=14, **kwargs) -> Survey:
    now = timezone.now()
    defaults = {
        "network": network,
        "meeting": meeting,
        "kind": kind,
        "title": "Årlig NKI",
        **evaluations.default_questions(kind).as_dict(),
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=days_open),
        "sent_at": now - timedelta(days=1),
    }
    return Survey.objects.create(**{**defaults, **kwargs})


def add_answers(survey, answers, *, unanswered=0):
    """Hand-made answers: one recipient per triple (answered), and ``unanswered`` more recipients."""
    membership, _created = Membership.objects.get_or_create(network=survey.network, municipality=municipality("0127"))
    for scores in answers:
        participant = MembershipParticipantFactory(membership=membership)
        SurveyResponse.objects.create(
            survey=survey,
            participant=participant,
            membership=membership,
            answered_at=timezone.now(),
            score_1=scores[0],
            score_2=scores[1],
            score_3=scores[2],
        )
    for _ in range(unanswered):
        participant = MembershipParticipantFactory(membership=membership)
        SurveyResponse.objects.create(survey=survey, participant=participant, membership=membership)


# --- The NKI on hand-made answers ------------------------------------------------------------


def test_all_tens_is_100_and_all_ones_is_0():
    assert evaluations.nki([(10, 10, 10)] * 4).index == 100
    assert evaluations.nki([(1, 1, 1)] * 4).index == 0
    assert evaluations.nki([(10, 10, 10)]).question_indexes == [100, 100, 100]


def test_a_mixed_case_computed_by_hand():
    # Answer means 8, 5 and 2; their mean is 5; (5 − 1) / 9 × 100 = 44.44…
    result = evaluations.nki([(10, 8, 6), (5, 5, 5), (1, 2, 3)], sent=5)
    assert result.index == pytest.approx(400 / 9)
    # Per question: means 16/3, 5 and 14/3.
    assert result.question_indexes == pytest.approx([(16 / 3 - 1) / 9 * 100, 400 / 9, (14 / 3 - 1) / 9 * 100])
    assert result.response_rate == pytest.approx(60)
    assert (result.sent, result.answered, result.few_answers) == (5, 3, False)


def test_an_answer_missing_a_score_uses_the_mean_of_those_it_has():
    result = evaluations.nki([(10, None, 4)])
    assert result.index == pytest.approx((7 - 1) / 9 * 100)
    assert result.question_indexes[1] is None
    assert evaluations.nki([(None, None, None)]).index is None


def test_few_answers_are_flagged_and_no_answers_have_no_index():
    assert evaluations.nki([(7, 7, 7), (8, 8, 8)]).few_answers
    assert not evaluations.nki([(7, 7, 7)] * 3).few_answers
    empty = evaluations.nki([], sent=4)
    assert (empty.index, empty.response_rate, empty.few_answers) == (None, 0, False)
    assert evaluations.Result().response_rate is None


def test_the_database_tally_agrees_with_the_hand_computation(network):
    survey = make_survey(network)
    add_answers(survey, [(10, 8, 6), (5, 5, 5), (1, 2, 3)], unanswered=2)
    result = evaluations.survey_results(survey)
    expected = evaluations.nki([(10, 8, 6), (5, 5, 5), (1, 2, 3)], sent=5)
    assert result.index == pytest.approx(expected.index)
    assert result.question_indexes == pytest.approx(expected.question_indexes)
    assert (result.sent, result.answered, result.response_rate) == (5, 3, pytest.approx(60))
    assert evaluations.results_by_survey([survey.pk])[survey.pk].index == pytest.approx(expected.index)


def test_a_stored_answer_missing_a_score_is_tallied_like_the_hand_computation(network):
    survey = make_survey(network)
    add_answers(survey, [(10, None, 4), (2, 2, 2)])
    assert evaluations.survey_results(survey).index == pytest.approx(evaluations.nki([(10, None, 4), (2, 2, 2)]).index)


def test_the_network_pools_all_answers_not_the_survey_indexes(network):
    meeting = held(network)
    after_meeting = make_survey(network, kind=Survey.Kind.MEETING, meeting=meeting)
    yearly = make_survey(network)
    add_answers(after_meeting, [(10, 10, 10)])
    add_answers(yearly, [(1, 1, 1)] * 3, unanswered=4)
    results = evaluations.network_results(network)
    assert results.total.index == pytest.approx(25)  # mean (10 + 1 + 1 + 1) / 4 = 3.25
    assert results.after_meetings.index == 100 and results.standalone.index == 0
    assert results.total.response_rate == pytest.approx(50)  # 4 of 8
    assert [row.survey for row in results.rows] == [after_meeting, yearly]
    assert evaluations.meeting_results(meeting).index == 100
    assert evaluations.meeting_results(held(network)) is None


def test_the_distribution_and_the_comments_without_names(network):
    survey = make_survey(network)
    add_answers(survey, [(10, 8, 6), (10, 5, 5), (1, 2, 3)])
    SurveyResponse.objects.filter(survey=survey, score_1=1).update(comment="Bättre fika")
    SurveyResponse.objects.filter(survey=survey, score_2=8).update(comment="allt var bra")
    first, second, third = evaluations.score_distribution(survey)
    assert dict(first.counts) == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 2}
    assert (first.largest, first.total, dict(second.counts)[5]) == (2, 3, 1)
    assert third.result_index == pytest.approx((14 / 3 - 1) / 9 * 100)
    assert evaluations.comments(survey) == ["allt var bra", "Bättre fika"]


# --- Questions -------------------------------------------------------------------------------


def test_default_questions_until_the_network_has_its_own(network, lead):
    defaults = evaluations.questions_for(network)
    assert defaults.is_default and defaults.after_meetings
    assert evaluations.questions_for(network, Survey.Kind.STANDALONE).question_1 != defaults.question_1
    data = {
        "question_1": "  Hur nöjd   är du? ",
        "question_2": "Förväntningar?",
        "question_3": "Ideal?",
        "free_text_question": "Vad kan bli bättre?",
        "after_meetings": False,
    }
    evaluations.save_questions(network=network, actor=lead, data=data)
    questions = evaluations.questions_for(network)
    assert (questions.question_1, questions.after_meetings, questions.is_default) == ("Hur nöjd är du?", False, False)
    assert SurveyQuestions.history.filter(network_id=network.pk).first().history_user == lead


def test_saving_questions_is_for_the_networks_leads(network, org):
    data = {"question_1": "a", "question_2": "b", "question_3": "c", "free_text_question": "d"}
    for actor in (staff(Role.NETWORK_LEAD), representative("0114"), staff(Role.FINANCE, organizer=org)):
        with pytest.raises(PermissionDenied):
            evaluations.save_questions(network=network, actor=actor, data=data)
    with pytest.raises(ValidationError) as error:
        evaluations.save_questions(network=network, actor=staff(Role.NETWORK_LEAD, organizer=org), data={})
    assert set(error.value.message_dict) == {"question_1", "question_2", "question_3", "free_text_question"}
    assert not SurveyQuestions.objects.exists()


def test_a_survey_keeps_the_questions_it_was_sent_with(network, people, lead):
    meeting = held(network)
    invite(meeting, people["anna"], response="yes")
    survey = evaluations.survey_for_meeting(meeting)
    data = {"question_1": "Ny fråga", "question_2": "b", "question_3": "c", "free_text_question": "d"}
    evaluations.save_questions(network=network, actor=lead, data=data)
    survey.refresh_from_db()
    assert survey.question_1 == evaluations.default_questions().question_1
    assert evaluations.survey_for_meeting(held(network, days_ago=2)) is None  # nobody invited


# --- Who gets a meeting's survey -------------------------------------------------------------


def recipients(meeting):
    return set(evaluations.meeting_recipients(meeting).values_list("name", flat=True))


def test_recorded_attendance_decides(network, people):
    meeting = held(network)
    invite(meeting, people["anna"], response="yes", attended=True)
    invite(meeting, people["bo"], response="yes", attended=False)
    invite(meeting, people["cecilia"], response="no", attended=True)  # came after all
    invite(meeting, people["erik"], response="yes", attended=True)  # municipality left the network
    assert recipients(meeting) == {"Anna Andersson", "Cecilia Ek"}


def test_without_recorded_attendance_those_who_said_yes(network, people):
    meeting = held(network)
    invite(meeting, people["anna"], response="yes")
    invite(meeting, people["bo"], response="no")
    invite(meeting, people["cecilia"])
    assert not evaluations.attendance_recorded(meeting)
    assert recipients(meeting) == {"Anna Andersson"}


@pytest.mark.parametrize(
    "change",
    [
        {"status": Meeting.Status.CANCELLED},
        {"kind": Meeting.Kind.WORK_PERIOD},
        {"kind": Meeting.Kind.MILESTONE},
        {"starts_at": None, "ends_at": None, "month": datetime(2018, 6, 1).date()},
        {"days_ago": -1},
    ],
)
def test_meetings_that_cannot_be_evaluated(network, people, change):
    meeting = held(network, **change)
    invite(meeting, people["anna"], response="yes")
    assert evaluations.meeting_survey_refusal(meeting)
    with pytest.raises(ValidationError):
        evaluations.survey_for_meeting(meeting)
    assert not Survey.objects.exists()


# --- The daily sending -----------------------------------------------------------------------


def test_due_meetings_are_those_that_ended_yesterday_up_to_two_weeks_ago(network):
    now = datetime(2025, 5, 14, 9, 30, tzinfo=STOCKHOLM)
    yesterday_evening = held(network, ended=datetime(2025, 5, 13, 21, 0, tzinfo=STOCKHOLM))
    two_weeks = held(network, ended=datetime(2025, 4, 30, 0, 30, tzinfo=STOCKHOLM))
    held(network, ended=datetime(2025, 5, 14, 8, 0, tzinfo=STOCKHOLM))  # this morning: tomorrow
    held(network, ended=datetime(2025, 4, 29, 23, 0, tzinfo=STOCKHOLM))  # too long ago
    held(network, ended=datetime(2025, 5, 13, 12, 0, tzinfo=STOCKHOLM), status=Meeting.Status.CANCELLED)
    held(network, ended=datetime(2025, 5, 13, 12, 0, tzinfo=STOCKHOLM), kind=Meeting.Kind.MILESTONE)
    surveyed = held(network, ended=datetime(2025, 5, 12, 12, 0, tzinfo=STOCKHOLM))
    make_survey(network, kind=Survey.Kind.MEETING, meeting=surveyed)
    assert list(evaluations.due_meetings(now=now)) == [two_weeks, yesterday_evening]
    SurveyQuestions.objects.create(
        network=network, question_1="a", question_2="b", question_3="c", free_text_question="d", after_meetings=False
    )
    assert not evaluations.due_meetings(now=now).exists()


def test_the_daily_task_sends_each_survey_once(network, people, django_capture_on_commit_callbacks):
    ended = datetime(2025, 5, 13, 15, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(ended - timedelta(days=1), tick=False):
        meeting = held(network, ended=ended, title="Nätverksträff 3")
        invite(meeting, people["anna"], people["cecilia"], response="yes")
        invite(meeting, people["bo"], response="no")
    same_day = datetime(2025, 5, 13, 18, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(same_day, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert evaluations_daily.delay().get() == {"surveys": 0, "reminders": 0}  # the same day: not yet
    day_after = datetime(2025, 5, 14, 9, 30, tzinfo=STOCKHOLM)
    with time_machine.travel(day_after, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert evaluations_daily.delay().get() == {"surveys": 1, "reminders": 0}
    survey = Survey.objects.get(meeting=meeting)
    assert (survey.kind, survey.title, survey.sent_at) == (Survey.Kind.MEETING, "Nätverksträff 3", day_after)
    assert survey.closes_at == datetime(2025, 5, 28, 23, 59, tzinfo=STOCKHOLM)  # the end of the 14th day
    assert {r.participant for r in survey.responses.all()} == {people["anna"], people["cecilia"]}
    assert {r.membership for r in survey.responses.all()} == {people["vasby"], people["solna"]}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["anna"].email, people["cecilia"].email])
    message = next(m for m in mail.outbox if m.to == [people["anna"].email])
    assert "Nätverksträff 3" in message.subject and "/deltagare/" in message.body and "/utvardering/" in message.body
    assert "Anna Andersson" in message.body
    # The task again, the same day and the next: nothing new.
    for moment in (day_after + timedelta(hours=1), day_after + timedelta(days=1)):
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            assert evaluations_daily.delay().get() == {"surveys": 0, "reminders": 0}
    assert send_survey.delay(survey.pk).get() == 0
    assert len(mail.outbox) == 2 and Survey.objects.count() == 1 and survey.responses.count() == 2


def test_a_meeting_nobody_came_to_gets_no_survey_until_someone_did(network, people, django_capture_on_commit_callbacks):
    meeting = held(network, days_ago=2)
    invite(meeting, people["anna"], response="no")
    assert evaluations.send_due_meeting_surveys() == 0
    assert not Survey.objects.exists()
    Invitation.objects.filter(meeting=meeting).update(attended=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluations.send_due_meeting_surveys() == 1
    assert len(mail.outbox) == 1


def test_a_lead_adds_those_recorded_as_attended_after_the_survey_went_out(
    network, people, lead, django_capture_on_commit_callbacks
):
    meeting = held(network)
    invite(meeting, people["anna"], response="yes")
    invite(meeting, people["bo"])
    with django_capture_on_commit_callbacks(execute=True):
        survey, added = evaluations.send_meeting_survey(meeting=meeting, actor=lead)
    assert added == 1 and survey.created_by == lead
    Invitation.objects.filter(meeting=meeting).update(attended=True)  # Bo came; attendance recorded afterwards
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluations.send_meeting_survey(meeting=meeting, actor=lead) == (survey, 1)
        assert evaluations.send_meeting_survey(meeting=meeting, actor=lead) == (survey, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["anna"].email, people["bo"].email])
    with time_machine.travel(survey.closes_at + timedelta(minutes=1)), pytest.raises(ValidationError):
        evaluations.send_meeting_survey(meeting=meeting, actor=lead)


def test_sending_a_meeting_survey_is_for_leads_and_needs_someone_to_ask(network, people, org):
    meeting = held(network)
    for actor in (staff(Role.NETWORK_LEAD), representative("0114"), staff(Role.FINANCE, organizer=org)):
        with pytest.raises(PermissionDenied):
            evaluations.send_meeting_survey(meeting=meeting, actor=actor)
    with pytest.raises(ValidationError):
        evaluations.send_meeting_survey(meeting=meeting, actor=staff(Role.NETWORK_LEAD, organizer=org))
    assert not Survey.objects.exists()


def test_one_reminder_three_days_before_closing_to_those_who_have_not_answered(
    network, people, django_capture_on_commit_callbacks
):
    meeting = held(network)
    invite(meeting, people["anna"], people["bo"], response="yes")
    with django_capture_on_commit_callbacks(execute=True):
        survey = evaluations.survey_for_meeting(meeting)
    anna = survey.responses.get(participant=people["anna"])
    evaluations.answer(response=anna, scores=[8, 8, 8])
    mail.outbox.clear()
    with time_machine.travel(survey.closes_at - timedelta(days=4), tick=False):
        assert evaluations.send_survey_reminders() == 0
    for days in (2.9, 2, 1):
        with time_machine.travel(survey.closes_at - timedelta(days=days), tick=False):
            assert evaluations_daily.delay().get()["reminders"] == (1 if days == 2.9 else 0)
    assert [m.to for m in mail.outbox] == [[people["bo"].email]]
    assert "Nätverksträff 2" in mail.outbox[0].subject and "/utvardering/" in mail.outbox[0].body
    assert SentEmail.objects.filter(key__startswith=f"survey-reminder:{survey.pk}:").count() == 1
    with time_machine.travel(survey.closes_at + timedelta(hours=1), tick=False):
        assert evaluations.send_survey_reminders() == 0


def test_no_reminder_within_a_day_of_the_survey(network, people, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        evaluations.create_standalone_survey(
            network=network,
            actor=lead,
            title="Kort enkät",
            closes_at=timezone.now() + timedelta(days=2),
            questions=evaluations.default_questions(Survey.Kind.STANDALONE).as_dict(),
        )
    assert evaluations.send_survey_reminders() == 0
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert evaluations.send_survey_reminders() == 4


# --- Standalone surveys ----------------------------------------------------------------------


def test_a_standalone_survey_goes_to_every_participant_of_active_members(
    network, people, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey = evaluations.create_standalone_survey(
            network=network,
            actor=lead,
            title="  Årlig   NKI 2025 ",
            closes_at=evaluations.closing_time(timezone.localdate() + timedelta(days=20)),
            questions=evaluations.default_questions(Survey.Kind.STANDALONE).as_dict(),
        )
    assert (survey.title, survey.kind, survey.meeting, survey.created_by) == (
        "Årlig NKI 2025",
        Survey.Kind.STANDALONE,
        None,
        lead,
    )
    names = set(survey.responses.values_list("participant__name", flat=True))
    assert names == {"Anna Andersson", "Bo Berg", "Cecilia Ek", "David Dahl"}
    assert len(mail.outbox) == 4
    assert "Årlig NKI 2025" in mail.outbox[0].subject
    assert survey.history.first().history_user == lead


@pytest.mark.parametrize(
    ("title", "closes_in", "field"),
    [
        ("", timedelta(days=5), "title"),
        ("x" * 201, timedelta(days=5), "title"),
        ("NKI", timedelta(minutes=30), "closes_at"),
        ("NKI", -timedelta(days=1), "closes_at"),
        ("NKI", timedelta(days=400), "closes_at"),
    ],
)
def test_a_standalone_survey_refuses_bad_values(network, people, lead, title, closes_in, field):
    with pytest.raises(ValidationError) as error:
        evaluations.create_standalone_survey(
            network=network,
            actor=lead,
            title=title,
            closes_at=timezone.now() + closes_in,
            questions=evaluations.default_questions().as_dict(),
        )
    assert field in error.value.message_dict
    assert not Survey.objects.exists()


def test_a_standalone_survey_needs_participants_and_a_lead(network, lead, org):
    args = {
        "title": "NKI",
        "closes_at": timezone.now() + timedelta(days=5),
        "questions": evaluations.default_questions().as_dict(),
    }
    with pytest.raises(ValidationError):
        evaluations.create_standalone_survey(network=network, actor=lead, **args)
    for actor in (staff(Role.NETWORK_LEAD), representative("0114"), staff(Role.FINANCE, organizer=org)):
        with pytest.raises(PermissionDenied):
            evaluations.create_standalone_survey(network=network, actor=actor, **args)
    assert not Survey.objects.exists()


# --- Answering -------------------------------------------------------------------------------


@pytest.fixture
def response(network, people):
    survey = make_survey(network)
    return SurveyResponse.objects.create(survey=survey, participant=people["anna"], membership=people["vasby"])


def test_answering_and_changing_the_answer_until_closing(response):
    evaluations.answer(response=response, scores=[7, 8, 9], comment="  Bra möte  ")
    response.refresh_from_db()
    assert (response.score_1, response.score_2, response.score_3, response.comment) == (7, 8, 9, "Bra möte")
    first = response.answered_at
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        evaluations.answer(response=response, scores=[3, 3, 3])
    response.refresh_from_db()
    assert (response.score_1, response.comment) == (3, "")
    assert response.answered_at > first
    with time_machine.travel(response.survey.closes_at + timedelta(seconds=1)):
        with pytest.raises(ValidationError) as error:
            evaluations.answer(response=response, scores=[10, 10, 10])
        assert error.value.code == "closed"
    response.refresh_from_db()
    assert response.score_1 == 3


@pytest.mark.parametrize(
    ("scores", "comment"),
    [
        ([0, 5, 5], ""),
        ([5, 11, 5], ""),
        ([5, 5, None], ""),
        ([5, 5], ""),
        ([5, 5, "5"], ""),
        ([True, 5, 5], ""),
        ([5, 5, 5], "x" * 100_000),
    ],
)
def test_answers_out_of_range_or_too_long_are_refused(response, scores, comment):
    with pytest.raises(ValidationError):
        evaluations.answer(response=response, scores=scores, comment=comment)
    response.refresh_from_db()
    assert response.answered_at is None and response.score_1 is None


def test_a_survey_not_yet_open_takes_no_answers(response):
    Survey.objects.filter(pk=response.survey_id).update(opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError):
        evaluations.answer(response=response, scores=[5, 5, 5])


def test_open_surveys_of_a_participant(network, people, response):
    closed = make_survey(network, opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now())
    SurveyResponse.objects.create(survey=closed, participant=people["anna"])
    assert evaluations.open_for_participant(people["anna"]) == [response]
    assert evaluations.open_for_participant(people["bo"]) == []


def test_answers_for_membership(network, people):
    old = make_survey(network, title="Gammal", opens_at=timezone.now() - timedelta(days=60))
    new = make_survey(network, title="Ny")
    for survey in (old, new):
        for name in ("anna", "bo"):
            SurveyResponse.objects.create(survey=survey, participant=people[name], membership=people["vasby"])
        SurveyResponse.objects.create(survey=survey, participant=people["cecilia"], membership=people["solna"])
    for r in SurveyResponse.objects.exclude(participant=people["bo"]):
        evaluations.answer(response=r, scores=[6, 6, 6])
    answers = evaluations.answers_for_membership(people["vasby"])
    assert [(a.survey.title, a.participant.name) for a in answers] == [
        ("Ny", "Anna Andersson"),
        ("Gammal", "Anna Andersson"),
    ]
    people["anna"].delete()
    assert [a.participant for a in evaluations.answers_for_membership(people["vasby"])] == [None, None]
