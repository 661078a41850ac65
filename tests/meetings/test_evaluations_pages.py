"""Evaluation pages (issue 6): the leads' results, questions, new survey and sending a meeting's survey;
the participant's answer page; permissions, bad input and constant queries."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import evaluations
from meetings.links import personal_token, revoke_links
from meetings.models import Invitation, Meeting, Survey, SurveyQuestions, SurveyResponse
from networks.models import Membership
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
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
SCRIPT = "<script>alert(1)</script>"


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
def vasby(network):
    return MembershipFactory(network=network, municipality=municipality("0114"))


@pytest.fixture
def anna(vasby):
    return MembershipParticipantFactory(membership=vasby, name="Anna Andersson")


@pytest.fixture
def bo(vasby):
    return MembershipParticipantFactory(membership=vasby, name="Bo Berg")


def held(network, *, days_ago=1, **kwargs) -> Meeting:
    end = timezone.now() - timedelta(days=days_ago)
    defaults = {
        "network": network,
        "month": None,
        "starts_at": end - timedelta(hours=3),
        "ends_at": end,
        "audience": ["all_participants"],
        "title": "Nätverksträff 2",
    }
    return MeetingFactory(**{**defaults, **kwargs})


def make_survey(network, **kwargs) -> Survey:
    now = timezone.now()
    defaults = {
        "network": network,
        "kind": Survey.Kind.STANDALONE,
        "title": "Årlig NKI",
        **evaluations.default_questions(Survey.Kind.STANDALONE).as_dict(),
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=10),
        "sent_at": now - timedelta(days=1),
    }
    return Survey.objects.create(**{**defaults, **kwargs})


def recipient(survey, participant, scores=None, comment="") -> SurveyResponse:
    response = SurveyResponse.objects.create(survey=survey, participant=participant, membership=participant.membership)
    if scores:
        SurveyResponse.objects.filter(pk=response.pk).update(
            score_1=scores[0], score_2=scores[1], score_3=scores[2], comment=comment, answered_at=timezone.now()
        )
        response.refresh_from_db()
    return response


def answer_url(participant, survey) -> str:
    return reverse("evaluations:answer", kwargs={"token": personal_token(participant), "survey_pk": survey.pk})


def lead_urls(network, survey, meeting) -> list[str]:
    slug = network.slug
    return [
        reverse("evaluations:network", args=[slug]),
        reverse("evaluations:questions", args=[slug]),
        reverse("evaluations:create", args=[slug]),
        reverse("evaluations:survey", args=[slug, survey.pk]),
        reverse("evaluations:meeting", args=[slug, meeting.pk]),
    ]


# --- Permissions -----------------------------------------------------------------------------


def test_the_lead_pages_are_for_the_networks_leads_only(client, network, org, anna):
    survey = make_survey(network)
    meeting = held(network)
    urls = lead_urls(network, survey, meeting)
    get_only = {urls[0], urls[3]}  # the results pages (a POST there is a 405)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
        assert client.post(url).status_code == 302
    expected = [
        (representative("0114"), 403),
        (staff(Role.FINANCE, organizer=org), 403),
        (staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()), 404),
        (staff(Role.NETWORK_LEAD, organizer=org), 200),
        (staff(Role.ADMINISTRATOR, organizer=org), 200),
        (UserFactory(is_superuser=True, is_staff=True), 200),
    ]
    for user, status in expected:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == status, (url, user)
            if status != 200 and url not in get_only:
                assert client.post(url, {"title": "x"}).status_code == status, (url, user)
    assert not Survey.objects.exclude(pk=survey.pk).exists() and not SurveyQuestions.objects.exists()


def test_another_networks_survey_or_meeting_is_a_404(client, network, org, lead):
    other = NetworkFactory(organizer=org, slug="annat")
    survey = make_survey(other)
    meeting = held(other)
    client.force_login(lead)
    assert client.get(reverse("evaluations:survey", args=[network.slug, survey.pk])).status_code == 404
    assert client.get(reverse("evaluations:meeting", args=[network.slug, meeting.pk])).status_code == 404
    assert client.post(reverse("evaluations:meeting", args=[network.slug, meeting.pk])).status_code == 404


def test_the_answer_page_is_only_for_the_recipient(client, network, anna, bo):
    survey = make_survey(network)
    recipient(survey, anna)
    assert client.get(answer_url(anna, survey)).status_code == 200
    # Bo is not a recipient; someone of another network neither.
    assert client.get(answer_url(bo, survey)).status_code == 404
    stranger = MembershipParticipantFactory(membership=MembershipFactory(municipality=municipality("0114")))
    assert client.get(answer_url(stranger, survey)).status_code == 404
    other_survey = make_survey(stranger.membership.network)
    recipient(other_survey, stranger)
    response = client.post(answer_url(anna, other_survey), {"score_1": 5, "score_2": 5, "score_3": 5})
    assert response.status_code == 404
    assert not SurveyResponse.objects.filter(answered_at__isnull=False).exists()
    # Tampered, revoked and ended links.
    token = personal_token(anna)
    tampered = reverse("evaluations:answer", kwargs={"token": token[:-3] + "xyz", "survey_pk": survey.pk})
    assert client.get(tampered).status_code == 404
    url = answer_url(anna, survey)
    revoke_links(anna)
    response = client.post(url, {"score_1": 5, "score_2": 5, "score_3": 5})
    assert response.status_code == 404 and "Anna" not in response.content.decode()
    assert client.get(answer_url(anna, survey)).status_code == 200
    Membership.objects.filter(pk=anna.membership_id).update(status=Membership.Status.LEFT)
    assert client.get(answer_url(anna, survey)).status_code == 404
    assert not SurveyResponse.objects.filter(answered_at__isnull=False).exists()


def test_a_lead_login_does_not_open_the_answer_page(client, network, lead, anna):
    survey = make_survey(network)
    recipient(survey, anna)
    client.force_login(lead)
    url = reverse("evaluations:answer", kwargs={"token": "not-a-token", "survey_pk": survey.pk})
    assert client.get(url).status_code == 404


# --- Answering -------------------------------------------------------------------------------


def test_answering_through_the_personal_link(client, network, anna):
    survey = make_survey(network, title="Årlig NKI 2025")
    response = recipient(survey, anna)
    page = client.get(answer_url(anna, survey))
    content = page.content.decode()
    assert "Årlig NKI 2025" in content and survey.question_1 in content and 'name="score_3"' in content
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "same-origin"
    result = client.post(
        answer_url(anna, survey), {"score_1": "9", "score_2": "7", "score_3": "8", "comment": "Mer tid för frågor"}
    )
    assert result.status_code == 302
    assert result["Location"] == reverse("participant:home", kwargs={"token": personal_token(anna)})
    response.refresh_from_db()
    assert (response.score_1, response.score_2, response.score_3) == (9, 7, 8)
    assert response.comment == "Mer tid för frågor" and response.answered_at is not None
    # The page shows the answer again, and it may change.
    again = client.get(answer_url(anna, survey)).content.decode()
    assert 'value="9" id="id_score_1_8" checked' in again and "Mer tid för frågor" in again
    client.post(answer_url(anna, survey), {"score_1": "2", "score_2": "2", "score_3": "2"})
    response.refresh_from_db()
    assert (response.score_1, response.comment) == (2, "")


@pytest.mark.parametrize(
    "data",
    [
        {"score_1": "0", "score_2": "5", "score_3": "5"},
        {"score_1": "5", "score_2": "11", "score_3": "5"},
        {"score_1": "5", "score_2": "5"},
        {},
        {"score_1": SCRIPT, "score_2": "5", "score_3": "5"},
        {"score_1": "5'; DROP TABLE meetings_surveyresponse; --", "score_2": "5", "score_3": "5"},
        {"score_1": "5.5", "score_2": "5", "score_3": "5"},
        {"score_1": HUGE, "score_2": "5", "score_3": "5"},
        {"score_1": "5", "score_2": "5", "score_3": "5", "comment": HUGE},
    ],
)
def test_bad_answers_are_refused_with_a_message(client, network, anna, data):
    survey = make_survey(network)
    response = recipient(survey, anna)
    result = client.post(answer_url(anna, survey), data)
    assert result.status_code == 400
    content = result.content.decode()
    assert "invalid-feedback" in content and "alert-danger" in content
    assert SCRIPT not in content
    if "comment" in data:
        assert "5000" in content or "5 000" in content
    response.refresh_from_db()
    assert response.answered_at is None and response.score_1 is None


def test_a_hostile_comment_is_stored_as_text_and_shown_escaped(client, network, lead, anna):
    survey = make_survey(network)
    recipient(survey, anna)
    client.post(answer_url(anna, survey), {"score_1": "5", "score_2": "5", "score_3": "5", "comment": SCRIPT})
    assert SurveyResponse.objects.get(participant=anna).comment == SCRIPT
    client.force_login(lead)
    content = client.get(reverse("evaluations:survey", args=[network.slug, survey.pk])).content.decode()
    assert SCRIPT not in content and "&lt;script&gt;" in content


def test_a_closed_survey_takes_no_answers(client, network, anna):
    survey = make_survey(network)
    response = recipient(survey, anna, scores=(4, 4, 4))
    with time_machine.travel(survey.closes_at + timedelta(minutes=1)):
        page = client.get(answer_url(anna, survey))
        assert page.status_code == 200 and 'name="score_1"' not in page.content.decode()
        result = client.post(answer_url(anna, survey), {"score_1": "9", "score_2": "9", "score_3": "9"})
    assert result.status_code == 400 and "alert-info" in result.content.decode()
    response.refresh_from_db()
    assert response.score_1 == 4


def test_the_participant_home_lists_open_evaluations(client, network, anna, bo):
    survey = make_survey(network, title="Årlig NKI 2025")
    closed = make_survey(network, title="Stängd enkät", closes_at=timezone.now() - timedelta(minutes=1))
    recipient(survey, anna)
    recipient(closed, anna)
    with time_machine.travel(timezone.now(), tick=False):  # the page's link and ours are signed the same second
        home = reverse("participant:home", kwargs={"token": personal_token(anna)})
        content = client.get(home).content.decode()
        assert answer_url(anna, survey) in content and "Årlig NKI 2025" in content and "Stängd enkät" not in content
    other = client.get(reverse("participant:home", kwargs={"token": personal_token(bo)})).content.decode()
    assert "Årlig NKI 2025" not in other


# --- Lead pages ------------------------------------------------------------------------------


def test_the_network_page_shows_the_index_with_a_decimal_comma(client, network, lead, anna, bo):
    survey = make_survey(network, title="Årlig NKI 2025")
    recipient(survey, anna, scores=(10, 8, 6))
    recipient(survey, bo, scores=(5, 5, 5))
    third = MembershipParticipantFactory(membership=anna.membership)
    recipient(survey, third, scores=(1, 2, 3))
    for _ in range(2):
        recipient(survey, MembershipParticipantFactory(membership=anna.membership))
    client.force_login(lead)
    response = client.get(reverse("evaluations:network", args=[network.slug]))
    content = response.content.decode()
    assert "44,4" in content  # (5 − 1) / 9 × 100, one decimal, Swedish
    assert "60 %" in content and "Årlig NKI 2025" in content
    assert reverse("evaluations:survey", args=[network.slug, survey.pk]) in content
    assert response.context["results"].total.answered == 3


def test_few_answers_are_flagged(client, network, lead, anna):
    survey = make_survey(network)
    recipient(survey, anna, scores=(10, 10, 10))
    client.force_login(lead)
    content = client.get(reverse("evaluations:survey", args=[network.slug, survey.pk])).content.decode()
    assert "100,0" in content and "badge text-bg-warning" in content


def test_the_survey_page_shows_no_names(client, network, lead, anna, bo):
    survey = make_survey(network)
    recipient(survey, anna, scores=(9, 9, 9), comment="Bra ordförande")
    recipient(survey, bo, scores=(3, 9, 1), comment="För långa pass")
    client.force_login(lead)
    response = client.get(reverse("evaluations:survey", args=[network.slug, survey.pk]))
    content = response.content.decode()
    assert "Bra ordförande" in content and "För långa pass" in content
    assert "Anna Andersson" not in content and "Bo Berg" not in content
    assert anna.email not in content and "<svg" in content
    assert response.context["score_table"][8] == (9, [1, 2, 1])
    assert "style=" not in content.split("<main", 1)[-1]


def test_the_questions_page_saves(client, network, lead):
    client.force_login(lead)
    url = reverse("evaluations:questions", args=[network.slug])
    page = client.get(url)
    assert evaluations.default_questions().question_1 in page.content.decode()
    data = {
        "question_1": "Hur nöjd är du med träffen?",
        "question_2": "Motsvarade den dina förväntningar?",
        "question_3": "Hur nära idealet?",
        "free_text_question": "Vad kan bli bättre?",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:network", args=[network.slug])
    stored = SurveyQuestions.objects.get(network=network)
    assert (stored.question_1, stored.after_meetings) == ("Hur nöjd är du med träffen?", False)


@pytest.mark.parametrize(
    "change",
    [
        {"question_1": ""},
        {"question_2": "   "},
        {"question_3": HUGE},
        {"free_text_question": "x" * 301},
        {"question_1": "=cmd|' /C calc'!A0"},
        {"question_2": "@SUM(A1)"},
    ],
)
def test_the_questions_form_refuses_bad_input(client, network, lead, change):
    client.force_login(lead)
    data = {"question_1": "a", "question_2": "b", "question_3": "c", "free_text_question": "d", **change}
    response = client.post(reverse("evaluations:questions", args=[network.slug]), data)
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    assert not SurveyQuestions.objects.exists()


def test_hostile_questions_are_text(client, network, lead):
    client.force_login(lead)
    data = {"question_1": SCRIPT, "question_2": "x' OR 1=1; --", "question_3": "c", "free_text_question": "d"}
    client.post(reverse("evaluations:questions", args=[network.slug]), {**data, "after_meetings": "on"})
    assert SurveyQuestions.objects.get(network=network).question_1 == SCRIPT
    content = client.get(reverse("evaluations:network", args=[network.slug])).content.decode()
    assert SCRIPT not in content and "&lt;script&gt;" in content


def test_a_new_standalone_survey_is_sent(client, network, lead, anna, bo, django_capture_on_commit_callbacks):
    client.force_login(lead)
    url = reverse("evaluations:create", args=[network.slug])
    page = client.get(url)
    assert page.status_code == 200 and page.context["recipients"] == 2
    assert page.context["form"].initial["question_1"] == evaluations.default_questions("standalone").question_1
    day = timezone.localdate() + timedelta(days=21)
    data = {
        "title": "Årlig NKI 2025",
        "closes_on": day.isoformat(),
        **evaluations.default_questions("standalone").as_dict(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:survey", args=[network.slug, survey.pk])
    assert timezone.localtime(survey.closes_at).date() == day
    assert survey.responses.count() == 2 and len(mail.outbox) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"title": HUGE},
        {"title": "=HYPERLINK()"},
        {"closes_on": ""},
        {"closes_on": "igår"},
        {"closes_on": HUGE},
        {"closes_on": "2020-01-01"},
        {"closes_on": (timezone.localdate() + timedelta(days=400)).isoformat()},
        {"closes_on": "2025-02-30"},
        {"question_2": ""},
        {"free_text_question": HUGE},
    ],
)
def test_the_new_survey_form_refuses_bad_input(client, network, lead, anna, change):
    client.force_login(lead)
    data = {
        "title": "NKI",
        "closes_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        **evaluations.default_questions("standalone").as_dict(),
        **change,
    }
    response = client.post(reverse("evaluations:create", args=[network.slug]), data)
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    assert not Survey.objects.exists() and not mail.outbox


def test_a_new_survey_to_a_network_without_participants_says_so(client, network, lead):
    client.force_login(lead)
    data = {
        "title": "NKI",
        "closes_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        **evaluations.default_questions("standalone").as_dict(),
    }
    response = client.post(reverse("evaluations:create", args=[network.slug]), data)
    assert response.status_code == 400 and "alert-danger" in response.content.decode()
    assert not Survey.objects.exists()


def test_sending_a_meetings_survey_now(client, network, lead, anna, bo, django_capture_on_commit_callbacks):
    meeting = held(network)
    Invitation.objects.create(meeting=meeting, participant=anna, response="yes")
    Invitation.objects.create(meeting=meeting, participant=bo, response="no")
    client.force_login(lead)
    url = reverse("evaluations:meeting", args=[network.slug, meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["recipients"] == 1 and not page.context["recorded"]
    overview = client.get(reverse("evaluations:network", args=[network.slug])).content.decode()
    assert url in overview  # listed among the meetings over without a survey
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    survey = Survey.objects.get(meeting=meeting)
    assert response["Location"] == reverse("evaluations:survey", args=[network.slug, survey.pk])
    assert [m.to for m in mail.outbox] == [[anna.email]]
    assert client.get(url)["Location"] == response["Location"]  # now the survey's page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert len(mail.outbox) == 1 and survey.responses.count() == 1


def test_a_meeting_not_yet_over_cannot_be_evaluated(client, network, lead, anna):
    meeting = held(network, days_ago=-1)
    Invitation.objects.create(meeting=meeting, participant=anna, response="yes")
    client.force_login(lead)
    url = reverse("evaluations:meeting", args=[network.slug, meeting.pk])
    page = client.get(url).content.decode()
    assert "alert-info" in page and 'type="submit"' not in page.split("<main", 1)[-1]
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert not Survey.objects.exists() and not mail.outbox


def test_the_overview_and_the_meeting_page_link_to_evaluations(client, network, lead):
    meeting = held(network)
    preliminary = MeetingFactory(network=network)
    client.force_login(lead)
    overview = client.get(reverse("leads:network_overview", args=[network.slug])).content.decode()
    assert reverse("evaluations:network", args=[network.slug]) in overview
    edit = client.get(reverse("meetings:meeting_edit", args=[network.slug, meeting.pk])).content.decode()
    assert reverse("evaluations:meeting", args=[network.slug, meeting.pk]) in edit
    edit = client.get(reverse("meetings:meeting_edit", args=[network.slug, preliminary.pk])).content.decode()
    assert reverse("evaluations:meeting", args=[network.slug, preliminary.pk]) not in edit


# --- Constant queries ------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_network_page_costs_constant_queries(client, org, lead):
    def network_with(n: int):
        network = NetworkFactory(organizer=org)
        membership = MembershipFactory(network=network, municipality=municipality("0114"))
        participants = MembershipParticipantFactory.create_batch(n, membership=membership)
        for i in range(n):
            meeting = held(network, days_ago=i + 1)
            survey = make_survey(network, kind=Survey.Kind.MEETING, meeting=meeting, title=f"Träff {i}")
            for p in participants:
                recipient(survey, p, scores=(7, 8, 9))
            held(network, days_ago=i + 2, title=f"Utan enkät {i}")
        return reverse("evaluations:network", args=[network.slug])

    client.force_login(lead)
    small, large = network_with(1), network_with(5)
    _count(client, small)  # warm up (session, content types)
    assert _count(client, small) == _count(client, large)


def test_the_survey_page_costs_constant_queries(client, network, lead):
    def survey_with(n: int):
        survey = make_survey(network, title=f"Enkät {n}")
        membership, _created = Membership.objects.get_or_create(network=network, municipality=municipality("0114"))
        for i in range(n):
            recipient(
                survey,
                MembershipParticipantFactory(membership=membership),
                scores=(i % 10 + 1, 5, 5),
                comment=f"Kommentar {i}",
            )
        return reverse("evaluations:survey", args=[network.slug, survey.pk])

    client.force_login(lead)
    small, large = survey_with(1), survey_with(5)
    _count(client, small)
    assert _count(client, small) == _count(client, large)


def test_the_participant_home_costs_constant_queries_with_evaluations(client, network, anna):
    home = reverse("participant:home", kwargs={"token": personal_token(anna)})
    recipient(make_survey(network, title="Enkät 0"), anna)
    client.get(home)
    one = _count(client, home)
    for i in range(4):
        recipient(make_survey(network, title=f"Enkät {i + 1}"), anna)
    assert _count(client, home) == one


def test_the_list_of_meetings_without_a_survey_goes_back_two_months(client, network, lead):
    recent = held(network, days_ago=30, title="Nyligen")
    old = held(network, days_ago=100, title="Länge sedan")
    held(network, days_ago=5, title="Avbokad", status=Meeting.Status.CANCELLED)
    held(network, days_ago=5, title="Arbetsperiod", kind=Meeting.Kind.WORK_PERIOD)
    assert evaluations.meetings_without_survey(network) == [recent]
    client.force_login(lead)
    assert client.get(reverse("evaluations:meeting", args=[network.slug, old.pk])).status_code == 200
