"""The demo's follow-up of the members: hand-ins, evaluations, commitments received, notes, seminar sign-ups.

What happened is derived from the meetings that are over, with fixed patterns (no
randomness, no "now" in a stored value), so a second run changes nothing:

- each homework that is due is handed in by the members, one in seven late; a
  finished cohort's are all received, a running cohort's mostly, and in a running
  cohort one member in six has not handed in yet;
- each meeting that is over has its evaluation (the network's questions) sent to
  those who attended; four in five answered, with scores 5–10; a finished cohort
  also has the yearly NKI survey to all participants (seed 003's practice);
- the leadership decisions were received before the kickoff in a finished cohort;
  in a running one the second member's first commitment is not received yet (reminders go out);
- the lead has dated notes on each member of a finished or running cohort;
- the open final seminars of the finished cohorts have sign-ups from other kommuner.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meetings.evaluations import NOT_SURVEYED_KINDS, questions_for
from meetings.models import (
    FollowUpNote,
    Homework,
    HomeworkSubmission,
    Meeting,
    SeminarRegistration,
    Survey,
    SurveyResponse,
)
from networks.models import Membership, MembershipCommitment
from portal.demo_upsert import upsert

COMMENTS = (
    "Bra upplägg. Mer tid för erfarenhetsutbyte mellan kommunerna.",
    "Föreläsningen var mycket givande, men dagen blev lång.",
    "Tydligt stöd inför arbetet på hemmaplan.",
    "Gärna fler konkreta exempel från andra kommuner.",
)
NOTES = (
    (1, "Styrgruppen är på plats och projektledaren har påbörjat nulägesanalysen."),
    (60, "Avstämning per telefon: arbetet följer planen, kommunledningen är informerad."),
)
GUESTS = (
    ("Karin Lind", "Sollentuna kommun"),
    ("Per Holm", "Upplands Väsby kommun"),
    ("Maria Ek", "Region Uppsala"),
    ("Jonas Berg", "Tyresö kommun"),
    ("Lena Sjö", "Länsstyrelsen i Stockholms län"),
    ("Ahmed Nour", "Järfälla kommun"),
)


def _active_members(network) -> list[Membership]:
    return list(
        network.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("municipality")
        .prefetch_related("participants")
        .order_by("municipality__name", "pk")
    )


def seed_hand_ins(network, members: list[Membership], lead, *, historical: bool, now) -> None:
    for homework in Homework.objects.filter(meeting__network=network, due_at__lt=now).order_by("due_at", "pk"):
        for i, membership in enumerate(members):
            if not historical and i % 6 == 5:
                continue  # not handed in yet
            late = timedelta(days=2) if i % 7 == 3 else timedelta()
            submitted = timezone.localtime(homework.due_at) - timedelta(days=i % 4) + late
            received = historical or i % 3 != 0
            participants = list(membership.participants.all())
            values = {
                "text": f"{homework.title}: {membership.municipality.name} har genomfört uppgiften. "
                "Resultatet och våra slutsatser sammanfattas här inför nästa träff.",
                "submitted_at": submitted,
                "submitted_by_participant": participants[0] if participants else None,
                "received_at": submitted + timedelta(days=3) if received else None,
                "received_by": lead if received else None,
            }
            upsert(HomeworkSubmission, values, homework=homework, membership=membership)


def _scores(pattern: int) -> dict:
    base = 6 + pattern % 4  # 6–9
    return {
        "score_1": min(10, base + (pattern % 3 == 0)),
        "score_2": max(5, base - (pattern % 5 == 1)),
        "score_3": max(5, base - 1 + (pattern % 2)),
    }


def _survey_responses(survey: Survey, participants, *, sent_at, pattern_base: int) -> None:
    for number, participant in enumerate(participants):
        pattern = pattern_base + number * 7 + participant.membership.municipality_id
        values = {"membership": participant.membership, "sent_at": sent_at, "answered_at": None, "comment": ""}
        values |= {"score_1": None, "score_2": None, "score_3": None}
        if pattern % 5:
            values |= _scores(pattern)
            values["answered_at"] = sent_at + timedelta(days=1 + pattern % 6)
            values["comment"] = COMMENTS[pattern % len(COMMENTS)] if pattern % 3 == 0 else ""
        upsert(SurveyResponse, values, survey=survey, participant=participant)


def seed_evaluations(network, meetings: list[Meeting], members: list[Membership], lead, *, historical, now) -> None:
    questions = questions_for(network, Survey.Kind.MEETING).as_dict()
    for index, meeting in enumerate(meetings):
        if meeting.starts_at is None or meeting.is_cancelled or meeting.kind in NOT_SURVEYED_KINDS:
            continue
        if meeting.ends_at >= now:
            continue
        opens = timezone.localtime(meeting.ends_at) + timedelta(days=1)
        values = {
            "network": network,
            "kind": Survey.Kind.MEETING,
            "title": f"Utvärdering: {meeting.title}"[:200],
            **questions,
            "opens_at": opens,
            "closes_at": opens + timedelta(days=14),
            "created_by": lead,
            "sent_at": opens,
        }
        survey = upsert(Survey, values, meeting=meeting)
        attended = [
            invitation.participant
            for invitation in meeting.invitations.filter(attended=True).select_related("participant__membership")
        ]
        _survey_responses(survey, attended, sent_at=opens, pattern_base=index * 31)
    dated = [m for m in meetings if m.ends_at is not None and m.ends_at < now]
    if not historical or not dated:
        return
    opens = timezone.localtime(max(m.ends_at for m in dated)) + timedelta(days=7)
    values = {
        **questions_for(network, Survey.Kind.STANDALONE).as_dict(),
        "opens_at": opens,
        "closes_at": opens + timedelta(days=21),
        "created_by": lead,
        "sent_at": opens,
        "meeting": None,
    }
    title = "Nöjd kundindex (NKI) för nätverket"
    survey = upsert(Survey, values, network=network, kind=Survey.Kind.STANDALONE, title=title)
    participants = [p for membership in members for p in membership.participants.all()]
    _survey_responses(survey, participants, sent_at=opens, pattern_base=997)


def seed_commitments_received(network, meetings: list[Meeting], members: list[Membership], lead, *, historical):
    kickoff = next((timezone.localtime(m.starts_at) for m in meetings if m.starts_at is not None), None)
    if kickoff is None:
        return
    rows = MembershipCommitment.objects.filter(membership__in=members).select_related("commitment")
    order = {membership.pk: i for i, membership in enumerate(members)}
    seen: set[int] = set()
    for row in rows.order_by("membership", "commitment__order", "pk"):
        first = row.membership_id not in seen
        seen.add(row.membership_id)
        outstanding = not historical and order[row.membership_id] == 1 and first
        values = {
            "received_at": None if outstanding else kickoff - timedelta(days=7 + order[row.membership_id]),
            "received_by": None if outstanding else lead,
        }
        upsert(MembershipCommitment, values, pk=row.pk)


def seed_notes(meetings: list[Meeting], members: list[Membership], lead, *, now) -> None:
    kickoff = next((m.starts_at for m in meetings if m.starts_at is not None), None)
    if kickoff is None or kickoff > now:
        return
    for membership in members:
        for days, text in NOTES:
            noted_on = timezone.localdate(kickoff) + timedelta(days=days)
            if noted_on <= timezone.localdate(now):
                upsert(FollowUpNote, {"author": lead, "noted_on": noted_on}, membership=membership, text=text)


def seed_registrations(meetings: list[Meeting], *, now) -> None:
    for meeting in meetings:
        if Meeting.Audience.PUBLIC not in (meeting.audience or ()) or meeting.ends_at is None or meeting.ends_at > now:
            continue
        for number, (name, organisation) in enumerate(GUESTS):
            first, last = name.lower().split()
            values = {
                "name": name,
                "organisation": organisation,
                "dietary_needs": "",  # deleted the day after the seminar
                "attended": number % 5 != 4,
                "cancelled_at": None,
            }
            upsert(SeminarRegistration, values, meeting=meeting, email=f"{first}.{last}@example.se")


def seed_follow_up(network, meetings: list[Meeting], lead, *, historical: bool) -> None:
    """Everything that follows the meetings of one cohort (see the module's docstring)."""
    now = timezone.now()
    members = _active_members(network)
    if not members:
        return
    seed_hand_ins(network, members, lead, historical=historical, now=now)
    seed_evaluations(network, meetings, members, lead, historical=historical, now=now)
    seed_commitments_received(network, meetings, members, lead, historical=historical)
    seed_notes(meetings, members, lead, now=now)
    if historical:
        seed_registrations(meetings, now=now)
