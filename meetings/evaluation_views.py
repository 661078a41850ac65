"""Evaluation pages: the leads' results, questions, standalone surveys and sending a meeting's survey;
the participant's answer page behind their personal link."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from meetings import evaluations, selectors
from meetings.evaluation_forms import AnswerForm, QuestionsForm, StandaloneSurveyForm
from meetings.models import Meeting, Survey, SurveyResponse
from meetings.participant_views import _private
from networks.permissions import network_for_lead_or_404

# Bars of the score charts: the widest is this many units (the SVG's viewBox scales them).
BAR_WIDTH = 200


def _add_errors(form, error: ValidationError, names: dict[str, str] | None = None) -> None:
    """A service's errors on the form's fields where the form has them, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    names = names or {}
    for name, field_messages in error.message_dict.items():
        name = names.get(name, name)
        form.add_error(name if name in form.fields else None, field_messages)


# --- Leads ----------------------------------------------------------------------------------


@roles.network_lead_required
@require_GET
def network_evaluations(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's NKI and response rate, its surveys over time, and meetings over without a survey."""
    network = network_for_lead_or_404(request.user, slug)
    results = evaluations.network_results(network)
    context = {
        "network": network,
        "results": results,
        "rows": list(reversed(results.rows)),  # newest first in the table
        "questions": evaluations.questions_for(network),
        "pending": evaluations.meetings_without_survey(network),
        "min_answers": evaluations.MIN_ANSWERS,
        "now": timezone.now(),
    }
    return render(request, "meetings/evaluations/network.html", context)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def questions_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's questions for new surveys, and whether a survey goes out after each meeting."""
    network = network_for_lead_or_404(request.user, slug)
    questions = evaluations.questions_for(network)
    if request.method == "POST":
        form = QuestionsForm(request.POST)
        if form.is_valid():
            try:
                evaluations.save_questions(network=network, actor=request.user, data=form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The questions were saved. They are used for new surveys."))
                return redirect("evaluations:network", slug=network.slug)
    else:
        form = QuestionsForm(initial=QuestionsForm.initial_for(questions))
    context = {"network": network, "form": form, "questions": questions}
    return render(request, "meetings/evaluations/questions.html", context, status=400 if form.errors else 200)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A standalone survey to every participant of the network."""
    network = network_for_lead_or_404(request.user, slug)
    recipients = evaluations.standalone_recipients(network).count()
    if request.method == "POST":
        form = StandaloneSurveyForm(request.POST)
        if form.is_valid():
            try:
                survey = evaluations.create_standalone_survey(
                    network=network,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    closes_at=evaluations.closing_time(form.cleaned_data["closes_on"]),
                    questions=form.questions(),
                )
            except ValidationError as error:
                _add_errors(form, error, {"closes_at": "closes_on"})
            else:
                count = survey.responses.count()
                messages.success(
                    request,
                    ngettext(
                        "The survey was sent to %(count)s participant.",
                        "The survey was sent to %(count)s participants.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("evaluations:survey", slug=network.slug, pk=survey.pk)
    else:
        questions = evaluations.questions_for(network, Survey.Kind.STANDALONE)
        form = StandaloneSurveyForm(initial=questions.as_dict())
    context = {"network": network, "form": form, "recipients": recipients}
    return render(request, "meetings/evaluations/create.html", context, status=400 if form.errors else 200)


def _bars(distribution: evaluations.Distribution) -> list[dict]:
    largest = distribution.largest or 1
    return [
        {"score": score, "count": count, "width": round(count / largest * BAR_WIDTH), "y": (score - 1) * 20}
        for score, count in distribution.counts
    ]


@roles.network_lead_required
@require_GET
def survey_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One survey: index per question, the distribution of scores, the comments (no names), the response rate."""
    network = network_for_lead_or_404(request.user, slug)
    survey = get_object_or_404(Survey.objects.filter(network=network).select_related("meeting"), pk=pk)
    distributions = evaluations.score_distribution(survey)
    context = {
        "network": network,
        "survey": survey,
        "result": evaluations.survey_results(survey),
        "distributions": [(d, _bars(d)) for d in distributions],
        "score_table": [(score, [d.counts[score - 1][1] for d in distributions]) for score in evaluations.SCALE],
        "comments": evaluations.comments(survey),
        "is_open": evaluations.is_open(survey),
        "bar_width": BAR_WIDTH,
        "min_answers": evaluations.MIN_ANSWERS,
    }
    return render(request, "meetings/evaluations/survey.html", context)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def meeting_survey(request: HttpRequest, slug: str, meeting_pk: int) -> HttpResponse:
    """A meeting's evaluation: its survey if it has one, otherwise who would get it and a button to send it now.

    A POST sends it now (or, for a survey already sent, to those who have become
    recipients since, e.g. when attendance was recorded afterwards).
    """
    network = network_for_lead_or_404(request.user, slug)
    meeting = get_object_or_404(Meeting.objects.filter(network=network), pk=meeting_pk)
    meeting.network = network
    survey = Survey.objects.filter(meeting=meeting).first()
    if request.method == "POST":
        try:
            survey, added = evaluations.send_meeting_survey(meeting=meeting, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if survey is not None:
                return redirect("evaluations:survey", slug=network.slug, pk=survey.pk)
            return redirect("evaluations:meeting", slug=network.slug, meeting_pk=meeting.pk)
        if added:
            message = ngettext(
                "The survey was sent to %(count)s participant.", "The survey was sent to %(count)s participants.", added
            ) % {"count": added}
            messages.success(request, message)
        else:
            messages.info(request, _("Everyone who should have the survey already has it."))
        return redirect("evaluations:survey", slug=network.slug, pk=survey.pk)
    if survey is not None:
        return redirect("evaluations:survey", slug=network.slug, pk=survey.pk)
    refusal = evaluations.meeting_survey_refusal(meeting)
    context = {
        "network": network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "refusal": refusal,
        "recipients": 0 if refusal else evaluations.meeting_recipients(meeting).count(),
        "recorded": evaluations.attendance_recorded(meeting),
        "questions": evaluations.questions_for(network, Survey.Kind.MEETING),
    }
    return render(request, "meetings/evaluations/meeting.html", context)


# --- Participants --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_private
def answer_view(request: HttpRequest, token: str, survey_pk: int) -> HttpResponse:
    """The participant answers one of their surveys (and may change the answer until it closes)."""
    participant = request.participant
    response = get_object_or_404(
        SurveyResponse.objects.filter(
            participant=participant, survey__network_id=participant.membership.network_id
        ).select_related("survey__meeting", "survey__network"),
        survey_id=survey_pk,
    )
    survey = response.survey
    refusal = evaluations.answer_refusal(survey)
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST, survey=survey)
        if refusal:
            form = AnswerForm(survey=survey, initial=_answer_initial(response))
            status = 400
        elif form.is_valid():
            try:
                evaluations.answer(response=response, scores=form.scores(), comment=form.cleaned_data["comment"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Thank you for your answer."))
                return redirect("participant:home", token=token)
        if form.errors:
            status = 400
    else:
        form = AnswerForm(survey=survey, initial=_answer_initial(response))
    context = {
        "participant": participant,
        "network": survey.network,
        "survey": survey,
        "response": response,
        "form": form,
        "token": token,
        "refusal": refusal,
        "scale": list(evaluations.SCALE),
    }
    return render(request, "meetings/evaluations/answer.html", context, status=status)


def _answer_initial(response: SurveyResponse) -> dict:
    if response.answered_at is None:
        return {}
    return {
        "score_1": response.score_1,
        "score_2": response.score_2,
        "score_3": response.score_3,
        "comment": response.comment,
    }
