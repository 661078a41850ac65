"""Evaluations: a short NKI-style survey after each meeting, standalone surveys to all members, and the results.

Questions
- A network has three questions answered on a scale from 1 to 10 and one free-text
  question (``SurveyQuestions``). Until its leads edit them, the classic NKI three
  are used (overall satisfaction, how well expectations were met, how close it came
  to an ideal) with "What could be better?", phrased about the meeting for a survey
  after a meeting and about the network for a standalone survey.
- A survey copies its questions when it is made, so later edits never change what
  earlier respondents answered.

Who gets a survey
- After a meeting: the participants who attended (``Invitation.attended`` True).
  If attendance was never recorded for the meeting (no invitation has ``attended``
  set), those who answered "yes" (kommer) get it instead. Only participants of
  active memberships, and never for a called-off or preliminary meeting, a work
  period or a milestone. ``survey_for_meeting`` is idempotent: it makes the survey
  once and adds the recipients missing since (e.g. attendance recorded after the
  survey went to those who said yes); it never removes a recipient.
- Each day, ``send_due_meeting_surveys`` surveys the meetings that ended yesterday
  or up to 14 days ago (Swedish dates) and have no survey yet, in networks whose
  questions say "after each meeting" (the default when a network has none). A lead
  may send a meeting's survey at once when the meeting is over, whatever that setting.
- A standalone survey (e.g. the yearly NKI) goes to every participant of the
  network's active memberships; the lead gives its title and closing day.
- A meeting's survey stays open until the end of the ``SURVEY_DAYS``th day after it was sent.

E-mail
- Each recipient is e-mailed once with their personal link to the answer page
  (key ``survey:<survey>:<response>``), after the commit by ``meetings.tasks.send_survey``.
- One reminder, ``REMINDER_DAYS`` days before closing, to those who have not answered
  and got the survey at least a day earlier (key ``survey-reminder:<survey>:<response>``).
- Both meeting surveys and reminders are run by the daily beat task ``meetings.tasks.evaluations_daily``.

Answering
- Through the personal link; all three scores are required, the comment is optional
  (at most ``COMMENT_MAX_LENGTH`` characters). An answer may be changed until the
  survey closes; a closed survey takes no answers.

NKI
- Each answer's score is the mean of its three scores (an answer stored with a score
  missing uses the mean of the scores it has; the form requires all three). The
  index is the usual NKI transformation of the mean over all answers:
  ``(mean − 1) / 9 × 100``, from 0 (all ones) to 100 (all tens). Each question gets
  its own index the same way. The response rate is answered / sent. With fewer than
  ``MIN_ANSWERS`` answers the index is shown but flagged as based on few answers.
- Free-text comments are shown to the leads without names, in alphabetical order
  (not in the order they came, which could tell who wrote them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.audit import acting_as
from core.mail import send_email_once
from meetings.calendar import absolute_url
from meetings.links import personal_token
from meetings.models import Invitation, Meeting, Survey, SurveyQuestions, SurveyResponse
from meetings.services import STOCKHOLM
from networks.models import Membership, MembershipParticipant, Network
from networks.permissions import can_lead

SCALE = range(1, 11)
MIN_ANSWERS = 3
SURVEY_DAYS = 14  # a meeting's survey closes at the end of the 14th day after it was sent
PENDING_DAYS = 60  # the leads' list of meetings over without a survey goes this far back
DUE_AFTER_DAYS = 14  # a meeting that ended longer ago than this gets no survey automatically
REMINDER_DAYS = 3
REMINDER_AFTER = timedelta(days=1)  # no reminder within a day of the survey itself
STANDALONE_MAX_DAYS = 365
COMMENT_MAX_LENGTH = 5000
QUESTION_MAX_LENGTH = SurveyQuestions._meta.get_field("question_1").max_length
TITLE_MAX_LENGTH = Survey._meta.get_field("title").max_length
QUESTION_FIELDS = ("question_1", "question_2", "question_3", "free_text_question")
SCORE_FIELDS = ("score_1", "score_2", "score_3")
# Kinds that are not a gathering people attend.
NOT_SURVEYED_KINDS = frozenset({Meeting.Kind.WORK_PERIOD, Meeting.Kind.MILESTONE})

DEFAULT_QUESTIONS = {
    Survey.Kind.MEETING: {
        "question_1": _("Overall, how satisfied are you with the meeting?"),
        "question_2": _("How well did the meeting meet your expectations?"),
        "question_3": _("Imagine an ideal meeting. How close to that ideal did this meeting come?"),
        "free_text_question": _("What could be better?"),
    },
    Survey.Kind.STANDALONE: {
        "question_1": _("Overall, how satisfied are you with the network?"),
        "question_2": _("How well does the network meet your expectations?"),
        "question_3": _("Imagine an ideal network. How close to that ideal does this network come?"),
        "free_text_question": _("What could be better?"),
    },
}


# --- Questions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Questions:
    question_1: str
    question_2: str
    question_3: str
    free_text_question: str
    after_meetings: bool = True
    is_default: bool = False

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in QUESTION_FIELDS}

    @property
    def scored(self) -> list[str]:
        return [self.question_1, self.question_2, self.question_3]


def default_questions(kind: str = Survey.Kind.MEETING) -> Questions:
    """The classic NKI questions, in the site's language (they are stored in that language when copied)."""
    with translation.override(settings.LANGUAGE_CODE):
        texts = {name: str(text) for name, text in DEFAULT_QUESTIONS[kind].items()}
    return Questions(**texts, is_default=True)


def questions_for(network: Network, kind: str = Survey.Kind.MEETING) -> Questions:
    """The network's questions, or the default ones (phrased for ``kind``) when it has none."""
    try:
        stored = SurveyQuestions.objects.get(network=network)
    except SurveyQuestions.DoesNotExist:
        return default_questions(kind)
    return Questions(**{name: getattr(stored, name) for name in QUESTION_FIELDS}, after_meetings=stored.after_meetings)


def _clean_questions(data: dict) -> dict[str, str]:
    cleaned, errors = {}, {}
    for name in QUESTION_FIELDS:
        value = " ".join(str(data.get(name) or "").split())
        if not value:
            errors[name] = _("Enter the question.")
        elif len(value) > QUESTION_MAX_LENGTH:
            errors[name] = _("Keep it to %(max)s characters.") % {"max": QUESTION_MAX_LENGTH}
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_questions(*, network: Network, actor, data: dict) -> SurveyQuestions:
    """Save the network's questions (``question_1``–``3``, ``free_text_question``, ``after_meetings``)."""
    if not can_lead(actor, network):
        raise PermissionDenied
    values = _clean_questions(data)
    values["after_meetings"] = bool(data.get("after_meetings"))
    with acting_as(actor):
        questions, _created = SurveyQuestions.objects.update_or_create(network=network, defaults=values)
    return questions


# --- Who gets a meeting's survey --------------------------------------------------------------


def attendance_recorded(meeting: Meeting) -> bool:
    return Invitation.objects.filter(meeting=meeting, attended__isnull=False).exists()


def meeting_recipients(meeting: Meeting) -> QuerySet[MembershipParticipant]:
    """Those who attended; those who said yes when attendance was never recorded (active members only)."""
    invitations = Invitation.objects.filter(meeting=meeting)
    if attendance_recorded(meeting):
        invitations = invitations.filter(attended=True)
    else:
        invitations = invitations.filter(response=Invitation.Response.YES)
    return MembershipParticipant.objects.filter(
        pk__in=invitations.values("participant_id"), membership__status=Membership.Status.ACTIVE
    ).order_by("pk")


def meeting_survey_refusal(meeting: Meeting, *, now=None) -> str | None:
    """Why ``meeting`` cannot be evaluated now, or None when it can."""
    if meeting.is_cancelled:
        return str(_("The meeting is called off, so it has no evaluation."))
    if meeting.kind in NOT_SURVEYED_KINDS:
        return str(_("A work period or a milestone has no evaluation."))
    if meeting.is_preliminary:
        return str(_("The meeting has no date and time yet, so it has no evaluation."))
    if meeting.ends_at > (now or timezone.now()):
        return str(_("The survey can be sent once the meeting is over."))
    return None


def is_open(survey: Survey, *, now=None) -> bool:
    now = now or timezone.now()
    return survey.opens_at <= now < survey.closes_at


def _queue_emails(survey: Survey) -> None:
    from meetings.tasks import send_survey

    survey_id = survey.pk
    transaction.on_commit(lambda: send_survey.delay(survey_id))


def _add_recipients(survey: Survey, participants: Iterable[MembershipParticipant], now) -> int:
    already = set(survey.responses.values_list("participant_id", flat=True))
    new = [
        SurveyResponse(survey=survey, participant=p, membership_id=p.membership_id, sent_at=now)
        for p in participants
        if p.pk not in already
    ]
    SurveyResponse.objects.bulk_create(new)
    if new:
        _queue_emails(survey)
    return len(new)


@transaction.atomic
def survey_for_meeting(meeting: Meeting, *, actor=None, now=None) -> Survey | None:
    """The meeting's survey, made if missing, with the recipients missing so far added and e-mailed.

    Returns None (and makes nothing) when there is nobody to ask yet. A closed
    survey gets no new recipients. Raises ValidationError when the meeting cannot
    be evaluated (see ``meeting_survey_refusal``). No permission check: callers check.
    """
    now = now or timezone.now()
    # One at a time per meeting, so that the daily task and a lead's click cannot both make it.
    meeting = Meeting.objects.select_for_update().select_related("network").get(pk=meeting.pk)
    reason = meeting_survey_refusal(meeting, now=now)
    if reason:
        raise ValidationError(reason, code="not_evaluable")
    recipients = list(meeting_recipients(meeting))
    survey = Survey.objects.filter(meeting=meeting).first()
    if survey is None:
        if not recipients:
            return None
        questions = questions_for(meeting.network, Survey.Kind.MEETING)
        with acting_as(actor):
            survey = Survey.objects.create(
                network=meeting.network,
                meeting=meeting,
                kind=Survey.Kind.MEETING,
                title=meeting.title[:TITLE_MAX_LENGTH],
                **questions.as_dict(),
                opens_at=now,
                closes_at=closing_time(timezone.localdate(now, timezone=STOCKHOLM) + timedelta(days=SURVEY_DAYS)),
                created_by=actor,
                sent_at=now,
            )
    elif not is_open(survey, now=now):
        return survey
    _add_recipients(survey, recipients, now)
    return survey


def send_meeting_survey(*, meeting: Meeting, actor, now=None) -> tuple[Survey, int]:
    """A lead sends the meeting's survey now (or to those not yet asked); returns it and how many were added."""
    if not can_lead(actor, meeting.network):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        before = SurveyResponse.objects.filter(survey__meeting=meeting).count()
        survey = survey_for_meeting(meeting, actor=actor, now=now)
        if survey is None:
            raise ValidationError(
                _(
                    "Nobody to send the survey to: nobody is recorded as attended, "
                    "and without recorded attendance nobody answered that they were coming."
                ),
                code="nobody",
            )
        if not is_open(survey, now=now):
            raise ValidationError(_("The survey is closed."), code="closed")
        added = survey.responses.count() - before
    return survey, added


def due_meetings(*, now=None) -> QuerySet[Meeting]:
    """Meetings that ended yesterday or up to ``DUE_AFTER_DAYS`` days ago (Swedish dates), with no survey yet,
    in networks that send a survey after each meeting (so do networks without their own questions)."""
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=STOCKHOLM)
    start_of_today = datetime.combine(today, time.min, tzinfo=STOCKHOLM)
    return (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            starts_at__isnull=False,
            ends_at__lt=start_of_today,
            ends_at__gte=start_of_today - timedelta(days=DUE_AFTER_DAYS),
            surveys__isnull=True,
        )
        .exclude(kind__in=NOT_SURVEYED_KINDS)
        .filter(Q(network__survey_questions__isnull=True) | Q(network__survey_questions__after_meetings=True))
        .order_by("ends_at", "pk")
    )


def send_due_meeting_surveys(now=None) -> int:
    """Make and send the surveys of the meetings due (see ``due_meetings``); return how many were made."""
    now = now or timezone.now()
    made = 0
    for meeting in due_meetings(now=now):
        if survey_for_meeting(meeting, now=now) is not None:
            made += 1
    return made


# --- Standalone surveys ----------------------------------------------------------------------


def standalone_recipients(network: Network) -> QuerySet[MembershipParticipant]:
    return MembershipParticipant.objects.filter(
        membership__network=network, membership__status=Membership.Status.ACTIVE
    ).order_by("pk")


def closing_time(day) -> datetime:
    """A survey closes at the end of its closing day, Swedish time."""
    return datetime.combine(day, time(23, 59), tzinfo=STOCKHOLM)


@transaction.atomic
def create_standalone_survey(*, network: Network, actor, title: str, closes_at: datetime, questions: dict, now=None):
    """A survey to every participant of the network's active memberships, e-mailed after the commit."""
    if not can_lead(actor, network):
        raise PermissionDenied
    now = now or timezone.now()
    errors = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = _("Enter a title.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("Keep it to %(max)s characters.") % {"max": TITLE_MAX_LENGTH}
    if closes_at <= now + timedelta(hours=1):
        errors["closes_at"] = _("The survey must close later than today.")
    elif closes_at > now + timedelta(days=STANDALONE_MAX_DAYS + 1):
        errors["closes_at"] = _("The survey may stay open for at most a year.")
    try:
        texts = _clean_questions(questions)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    recipients = list(standalone_recipients(network))
    if not recipients:
        raise ValidationError(_("The network has no participants to send the survey to."), code="nobody")
    with acting_as(actor):
        survey = Survey.objects.create(
            network=network,
            kind=Survey.Kind.STANDALONE,
            title=title,
            **texts,
            opens_at=now,
            closes_at=closes_at,
            created_by=actor,
            sent_at=now,
        )
    _add_recipients(survey, recipients, now)
    return survey


# --- E-mail -------------------------------------------------------------------------------------


def answer_url(participant: MembershipParticipant, survey: Survey) -> str:
    token = personal_token(participant)
    return absolute_url(reverse("evaluations:answer", kwargs={"token": token, "survey_pk": survey.pk}))


def _email_context(response: SurveyResponse) -> dict:
    survey = response.survey
    return {
        "survey": survey,
        "meeting": survey.meeting,
        "network": survey.network,
        "participant": response.participant,
        "url": answer_url(response.participant, survey),
    }


def _email_each(responses, *, kind: str) -> int:
    """E-mail each response's participant once with template ``meetings/email/<kind>``; return how many now."""
    sent = 0
    for response in responses:
        email = response.participant.email.strip()
        if email:
            sent += send_email_once(
                key=f"{kind.replace('_', '-')}:{response.survey_id}:{response.pk}",
                to=email,
                template_prefix=f"meetings/email/{kind}",
                context=_email_context(response),
            )
    return sent


def send_survey_emails(*, survey_id: int, now=None) -> int:
    """E-mail the open survey to each recipient who has not answered, each once; return how many were sent now."""
    now = now or timezone.now()
    responses = (
        SurveyResponse.objects.filter(
            survey_id=survey_id,
            survey__opens_at__lte=now,
            survey__closes_at__gt=now,
            participant__isnull=False,
            answered_at__isnull=True,
        )
        .select_related("survey__network", "survey__meeting", "participant")
        .order_by("pk")
    )
    return _email_each(responses, kind="survey")


def send_survey_reminders(*, now=None) -> int:
    """One reminder, ``REMINDER_DAYS`` days before closing, to each recipient who has not answered."""
    now = now or timezone.now()
    responses = (
        SurveyResponse.objects.filter(
            survey__opens_at__lte=now,
            survey__closes_at__gt=now,
            survey__closes_at__lte=now + timedelta(days=REMINDER_DAYS),
            sent_at__lte=now - REMINDER_AFTER,
            participant__isnull=False,
            answered_at__isnull=True,
        )
        .select_related("survey__network", "survey__meeting", "participant")
        .order_by("survey_id", "pk")
    )
    return _email_each(responses, kind="survey_reminder")


def run_daily(*, now=None) -> dict[str, int]:
    """The daily run: the surveys of meetings that are due, then the reminders."""
    now = now or timezone.now()
    return {"surveys": send_due_meeting_surveys(now=now), "reminders": send_survey_reminders(now=now)}


# --- Answering --------------------------------------------------------------------------------


def answer_refusal(survey: Survey, *, now=None) -> str | None:
    now = now or timezone.now()
    if survey.closes_at <= now:
        closed = date_format(timezone.localtime(survey.closes_at, STOCKHOLM), "j F Y")
        return str(_("The survey closed on %(date)s, so it takes no more answers.") % {"date": closed})
    if survey.opens_at > now:
        return str(_("The survey is not open yet."))
    return None


def open_for_participant(participant: MembershipParticipant, *, now=None) -> list[SurveyResponse]:
    """The participant's surveys open now (answered or not), those closing first first (one query)."""
    now = now or timezone.now()
    return list(
        SurveyResponse.objects.filter(participant=participant, survey__opens_at__lte=now, survey__closes_at__gt=now)
        .select_related("survey__meeting")
        .order_by("survey__closes_at", "survey_id")
    )


@transaction.atomic
def answer(*, response: SurveyResponse, scores: Iterable[int], comment: str = "", now=None) -> SurveyResponse:
    """Save the recipient's answer: three scores from 1 to 10 and an optional comment (may change until closing)."""
    now = now or timezone.now()
    scores = list(scores)
    errors: dict = {}
    if len(scores) != len(SCORE_FIELDS):
        raise ValidationError(_("Answer all three questions."))
    for name, value in zip(SCORE_FIELDS, scores, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            errors[name] = _("Choose a number from 1 to 10.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = _("Keep it to %(max)s characters.") % {"max": COMMENT_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    response = SurveyResponse.objects.select_for_update().select_related("survey").get(pk=response.pk)
    reason = answer_refusal(response.survey, now=now)
    if reason:
        raise ValidationError(reason, code="closed")
    response.score_1, response.score_2, response.score_3 = scores
    response.comment = comment
    response.answered_at = now
    response.save(update_fields=[*SCORE_FIELDS, "comment", "answered_at"])
    return response


# --- Results ------------------------------------------------------------------------------------


def to_index(mean: float) -> float:
    """The usual NKI transformation of a mean score on the 1–10 scale to 0–100."""
    return (mean - 1) / 9 * 100


@dataclass(frozen=True)
class Result:
    """The tally of a survey (or of several, added together) and its NKI, question indexes and response rate."""

    sent: int = 0
    answered: int = 0
    scored: int = 0  # answers with at least one score
    mean_sum: float = 0.0  # the sum over the scored answers of each answer's mean score
    score_sums: tuple[int, int, int] = (0, 0, 0)
    score_counts: tuple[int, int, int] = (0, 0, 0)

    def __add__(self, other: Result) -> Result:
        return Result(
            sent=self.sent + other.sent,
            answered=self.answered + other.answered,
            scored=self.scored + other.scored,
            mean_sum=self.mean_sum + other.mean_sum,
            score_sums=tuple(a + b for a, b in zip(self.score_sums, other.score_sums, strict=True)),
            score_counts=tuple(a + b for a, b in zip(self.score_counts, other.score_counts, strict=True)),
        )

    @property
    def index(self) -> float | None:
        return to_index(self.mean_sum / self.scored) if self.scored else None

    @property
    def question_indexes(self) -> list[float | None]:
        return [to_index(s / n) if n else None for s, n in zip(self.score_sums, self.score_counts, strict=True)]

    @property
    def response_rate(self) -> float | None:
        """Answered / sent, in per cent."""
        return self.answered / self.sent * 100 if self.sent else None

    @property
    def few_answers(self) -> bool:
        return 0 < self.scored < MIN_ANSWERS


def nki(answers: Iterable[Iterable[int | None]], *, sent: int | None = None) -> Result:
    """The result of answers given by hand, each a triple of scores (None for a missing one).

    ``sent`` is how many got the survey; by default as many as answered.
    """
    result = Result()
    for triple in answers:
        scores = list(triple)
        if len(scores) != len(SCORE_FIELDS):
            raise ValueError("an answer has three scores")
        present = [s for s in scores if s is not None]
        result += Result(
            sent=1,
            answered=1,
            scored=1 if present else 0,
            mean_sum=sum(present) / len(present) if present else 0.0,
            score_sums=tuple(s or 0 for s in scores),
            score_counts=tuple(0 if s is None else 1 for s in scores),
        )
    return result if sent is None else replace(result, sent=sent)


def _tally(queryset: QuerySet[SurveyResponse], group_by: str | None):
    answered = Q(answered_at__isnull=False)
    any_score = Q(score_1__isnull=False) | Q(score_2__isnull=False) | Q(score_3__isnull=False)
    present = sum(
        (Case(When(**{f"{name}__isnull": False}, then=Value(1)), default=Value(0)) for name in SCORE_FIELDS),
        Value(0),
    )
    total = sum((Coalesce(F(name), Value(0)) for name in SCORE_FIELDS), Value(0))
    answer_mean = Cast(total, FloatField()) / Cast(NullIf(present, Value(0)), FloatField())
    aggregates = {
        "sent": Count("pk"),
        "answered": Count("pk", filter=answered),
        "scored": Count("pk", filter=answered & any_score),
        "mean_sum": Sum(answer_mean, filter=answered, output_field=FloatField()),
    }
    for i, name in enumerate(SCORE_FIELDS, start=1):
        aggregates[f"s{i}"] = Sum(name, filter=answered)
        aggregates[f"n{i}"] = Count(name, filter=answered)
    if group_by is None:
        return queryset.aggregate(**aggregates)
    return queryset.values(group_by).annotate(**aggregates).order_by(group_by)


def _result(row: dict) -> Result:
    return Result(
        sent=row["sent"] or 0,
        answered=row["answered"] or 0,
        scored=row["scored"] or 0,
        mean_sum=row["mean_sum"] or 0.0,
        score_sums=(row["s1"] or 0, row["s2"] or 0, row["s3"] or 0),
        score_counts=(row["n1"] or 0, row["n2"] or 0, row["n3"] or 0),
    )


def results_by_survey(surveys) -> dict[int, Result]:
    """The result of each survey (a queryset or ids), by survey id (one query); surveys sent to nobody are absent."""
    rows = _tally(SurveyResponse.objects.filter(survey__in=surveys), "survey_id")
    return {row["survey_id"]: _result(row) for row in rows}


def survey_results(survey: Survey) -> Result:
    return _result(_tally(SurveyResponse.objects.filter(survey=survey), None))


def meeting_results(meeting: Meeting) -> Result | None:
    """The result of the meeting's survey, or None when it has none."""
    if not Survey.objects.filter(meeting=meeting).exists():
        return None
    return _result(_tally(SurveyResponse.objects.filter(survey__meeting=meeting), None))


@dataclass
class SurveyRow:
    survey: Survey
    result: Result


@dataclass
class NetworkResults:
    total: Result = field(default_factory=Result)
    after_meetings: Result = field(default_factory=Result)
    standalone: Result = field(default_factory=Result)
    rows: list[SurveyRow] = field(default_factory=list)  # oldest first: the index over time


def network_results(network: Network) -> NetworkResults:
    """All the network's surveys pooled (and per kind), and each survey's result over time (two queries)."""
    surveys = list(Survey.objects.filter(network=network).select_related("meeting").order_by("opens_at", "pk"))
    by_survey = results_by_survey([s.pk for s in surveys]) if surveys else {}
    results = NetworkResults()
    for survey in surveys:
        result = by_survey.get(survey.pk, Result())
        results.rows.append(SurveyRow(survey=survey, result=result))
        results.total += result
        if survey.kind == Survey.Kind.MEETING:
            results.after_meetings += result
        else:
            results.standalone += result
    return results


@dataclass
class Distribution:
    question: str
    counts: list[tuple[int, int]]  # (score, how many), 1 to 10
    result_index: float | None

    @property
    def largest(self) -> int:
        return max((n for _score, n in self.counts), default=0)

    @property
    def total(self) -> int:
        return sum(n for _score, n in self.counts)


def score_distribution(survey: Survey) -> list[Distribution]:
    """How many answered each score, per question (one query)."""
    rows = list(SurveyResponse.objects.filter(survey=survey, answered_at__isnull=False).values_list(*SCORE_FIELDS))
    questions = [survey.question_1, survey.question_2, survey.question_3]
    distributions = []
    for i, question in enumerate(questions):
        values = [row[i] for row in rows if row[i] is not None]
        counts = [(score, values.count(score)) for score in SCALE]
        mean = sum(values) / len(values) if values else None
        distributions.append(
            Distribution(question=question, counts=counts, result_index=None if mean is None else to_index(mean))
        )
    return distributions


def comments(survey: Survey) -> list[str]:
    """The free-text answers, without names, in alphabetical order (one query)."""
    texts = SurveyResponse.objects.filter(survey=survey, answered_at__isnull=False).exclude(comment="")
    return sorted(texts.values_list("comment", flat=True), key=lambda text: (text.casefold(), text))


def answers_for_membership(membership: Membership) -> list[SurveyResponse]:
    """The answers given by the member municipality's participants, newest survey first (one query).

    Each answer comes with its survey (and meeting) and participant (None when the
    participant has since been removed). The leads' survey pages are anonymous; a
    page showing these per person should say so to the leads.
    """
    return list(
        SurveyResponse.objects.filter(membership=membership, answered_at__isnull=False)
        .select_related("survey__meeting", "participant")
        .order_by("-survey__opens_at", "-survey_id", "pk")
    )


def meetings_without_survey(network: Network, *, now=None) -> list[Meeting]:
    """The network's meetings over in the last ``PENDING_DAYS`` days that could be evaluated but have no survey,
    newest first (one query). Older ones can still be sent from the meeting's own evaluation page."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(
            network=network,
            status=Meeting.Status.PLANNED,
            starts_at__isnull=False,
            ends_at__lte=now,
            ends_at__gte=now - timedelta(days=PENDING_DAYS),
            surveys__isnull=True,
        )
        .exclude(kind__in=NOT_SURVEYED_KINDS)
        .order_by("-ends_at", "-pk")
    )
