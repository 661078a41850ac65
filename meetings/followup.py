"""Following each member municipality's work ("följa kommunernas arbete"): the lead's follow-up page.

- ``member_follow_up`` reads everything the page shows about one membership in a
  constant number of queries: the commitments and their status, the participants,
  the network's dated meetings with each participant's answer and attendance, the
  homework and the member's hand-ins, the participants' evaluation answers and the
  lead's dated notes.
- A commitment is *outstanding* until the lead has received it (``received_at``);
  a commitment of another kind than the leadership decision also stops being
  outstanding once the municipality has confirmed it. A leadership decision not
  received when the network's kickoff (its first dated meeting for everyone) has
  begun is *overdue*. ``networks.lead_views`` counts outstanding commitments for the
  member list with the same rule, in SQL.
- ``send_commitment_reminders`` (weekly, Monday morning) e-mails the representatives
  of each active member of a network in selection or running one reminder listing
  all its outstanding commitments, at most once per ISO week
  (key ``commitment-reminder:<membership>:<year>-W<week>:<email>``), until they are
  all received or the membership has ended.
- The leads revoke a participant's personal links (``revoke_participant_links``:
  every link given so far, and the participant's calendar feed, stop working) and
  send the participant their current link (``send_personal_link``: each link
  version is e-mailed once, key ``personal-link:<participant>:v<version>:<email>``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import acting_as
from core.mail import send_email_once
from core.models import SentEmail
from meetings import calendar_services
from meetings.attendance import SheetRow
from meetings.calendar import absolute_url
from meetings.invitations import personal_url
from meetings.models import (
    CalendarFeed,
    FollowUpNote,
    Homework,
    HomeworkSubmission,
    Invitation,
    Meeting,
    SurveyResponse,
)
from networks.models import (
    Membership,
    MembershipCommitment,
    MembershipParticipant,
    Network,
    NetworkCommitment,
)
from networks.permissions import can_lead

logger = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DECISION = NetworkCommitment.Kind.DECISION
Response = Invitation.Response

# Reminders go to the members of networks that have chosen their members and not yet finished.
REMINDER_NETWORK_STATUSES = (Network.Status.SELECTION, Network.Status.RUNNING)

# A note is a few paragraphs; a cap keeps a pasted book (or an attack) out of the database.
NOTE_MAX_LENGTH = 10_000
EARLIEST_NOTE_DATE = date(2000, 1, 1)


def _today(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), STOCKHOLM).date()


# --- Commitments ---------------------------------------------------------------------------


class CommitmentStatus:
    RECEIVED = "received"
    DECIDED = "decided"
    EXPECTED = "expected"
    CONFIRMED = "confirmed"
    MISSING = "missing"

    LABELS = {
        RECEIVED: _("Received"),
        DECIDED: _("Decided, awaiting receipt"),
        EXPECTED: _("Decision expected"),
        CONFIRMED: _("Confirmed"),
        MISSING: _("Missing"),
    }
    # Bootstrap badge classes.
    BADGES = {
        RECEIVED: "text-bg-success",
        DECIDED: "text-bg-info",
        EXPECTED: "text-bg-warning",
        CONFIRMED: "text-bg-secondary",
        MISSING: "text-bg-danger",
    }


def commitment_status(answer: MembershipCommitment | None) -> str:
    """Where the member's answer to a commitment stands (``CommitmentStatus``); no answer is missing."""
    if answer is None:
        return CommitmentStatus.MISSING
    if answer.received_at is not None:
        return CommitmentStatus.RECEIVED
    if answer.decision_date or answer.decision_reference:
        return CommitmentStatus.DECIDED
    if answer.decision_pending:
        return CommitmentStatus.EXPECTED
    if answer.confirmed:
        return CommitmentStatus.CONFIRMED
    return CommitmentStatus.MISSING


def is_outstanding(commitment: NetworkCommitment, answer: MembershipCommitment | None) -> bool:
    """Not received by the lead, and a leadership decision or not confirmed by the municipality."""
    if answer is None:
        return True
    if answer.received_at is not None:
        return False
    return commitment.kind == DECISION or not answer.confirmed


@dataclass
class CommitmentRow:
    commitment: NetworkCommitment
    answer: MembershipCommitment | None
    status: str
    outstanding: bool
    overdue: bool

    @property
    def label(self) -> str:
        return str(CommitmentStatus.LABELS[self.status])

    @property
    def badge(self) -> str:
        return CommitmentStatus.BADGES[self.status]

    @property
    def is_decision(self) -> bool:
        return self.commitment.kind == DECISION


def commitment_rows(
    commitments: list[NetworkCommitment],
    answers: dict[int, MembershipCommitment],
    *,
    kickoff_at: datetime | None,
    now: datetime,
) -> list[CommitmentRow]:
    """Each of the network's commitments with the member's answer (``answers`` by commitment id) and status.

    ``kickoff_at`` is when the network's kickoff begins: a leadership decision not received by then is overdue.
    """
    kickoff_begun = kickoff_at is not None and kickoff_at <= now
    rows = []
    for commitment in commitments:
        answer = answers.get(commitment.pk)
        status = commitment_status(answer)
        rows.append(
            CommitmentRow(
                commitment=commitment,
                answer=answer,
                status=status,
                outstanding=is_outstanding(commitment, answer),
                overdue=kickoff_begun and commitment.kind == DECISION and status != CommitmentStatus.RECEIVED,
            )
        )
    return rows


def _dated_meetings(network: Network):
    """The network's planned meetings that have a date and time, in order."""
    return network.meetings.filter(status=Meeting.Status.PLANNED, starts_at__isnull=False).order_by("starts_at", "pk")


def kickoff_of(meetings: list[Meeting]) -> Meeting | None:
    """The kickoff: the first dated meeting for the whole network (a check-in with one municipality is not)."""
    return next((meeting for meeting in meetings if meeting.membership_id is None), None)


# --- Meetings, homework, evaluations -------------------------------------------------------


@dataclass
class MeetingRow:
    meeting: Meeting
    has_begun: bool
    cells: list[SheetRow]

    @property
    def invited(self) -> int:
        return sum(1 for cell in self.cells if cell.invited)

    @property
    def attended(self) -> int:
        return sum(1 for cell in self.cells if cell.attended)

    @property
    def recorded(self) -> bool:
        """Attendance was recorded for this municipality's invited participants."""
        return any(cell.attended is not None for cell in self.cells)


@dataclass
class ParticipantRow:
    participant: MembershipParticipant
    attended: int = 0
    held: int = 0  # meetings begun that they were invited to


class HomeworkStatus:
    RECEIVED = "received"
    LATE = "late"
    HANDED_IN = "handed_in"
    MISSING = "missing"

    LABELS = {
        RECEIVED: _("Received"),
        LATE: _("Handed in late"),
        HANDED_IN: _("Handed in"),
        MISSING: _("Missing"),
    }
    BADGES = {
        RECEIVED: "text-bg-success",
        LATE: "text-bg-warning",
        HANDED_IN: "text-bg-info",
        MISSING: "text-bg-secondary",
    }


@dataclass
class HomeworkRow:
    homework: Homework
    submission: HomeworkSubmission | None
    now: datetime

    @property
    def handed_in(self) -> bool:
        return self.submission is not None and self.submission.submitted_at is not None

    @property
    def late(self) -> bool:
        return self.handed_in and self.submission.submitted_at > self.homework.due_at

    @property
    def status(self) -> str:
        if self.submission is not None and self.submission.received_at is not None:
            return HomeworkStatus.RECEIVED
        if self.late:
            return HomeworkStatus.LATE
        if self.handed_in:
            return HomeworkStatus.HANDED_IN
        return HomeworkStatus.MISSING

    @property
    def overdue(self) -> bool:
        """Not handed in, and the due date has passed."""
        return not self.handed_in and self.homework.due_at < self.now

    @property
    def label(self) -> str:
        return str(HomeworkStatus.LABELS[self.status])

    @property
    def badge(self) -> str:
        if self.overdue:
            return "text-bg-danger"
        return HomeworkStatus.BADGES[self.status]


@dataclass
class SurveyGroup:
    survey: object
    responses: list[SurveyResponse] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for response in self.responses if response.answered_at is not None)


@dataclass
class FollowUp:
    membership: Membership
    network: Network
    commitments: list[CommitmentRow]
    kickoff: Meeting | None
    participants: list[ParticipantRow]
    meetings: list[MeetingRow]
    homework: list[HomeworkRow]
    surveys: list[SurveyGroup]
    notes: list[FollowUpNote]

    @property
    def outstanding(self) -> int:
        return sum(1 for row in self.commitments if row.outstanding)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.commitments if row.overdue)

    @property
    def homework_missing(self) -> int:
        return sum(1 for row in self.homework if row.overdue)


def member_follow_up(membership: Membership, *, now: datetime | None = None) -> FollowUp:
    """Everything the follow-up page shows about ``membership`` (nine queries, however much there is)."""
    now = now or timezone.now()
    network = membership.network

    commitments = list(network.commitments.all())
    answers = {
        answer.commitment_id: answer
        for answer in MembershipCommitment.objects.filter(membership=membership).select_related("received_by")
    }

    meetings = list(
        _dated_meetings(network)
        .filter(Q(membership__isnull=True) | Q(membership=membership))
        .select_related("membership__municipality")
    )
    kickoff = kickoff_of(meetings)

    participants = list(membership.participants.order_by("name", "pk"))
    invitations = {
        (invitation.meeting_id, invitation.participant_id): invitation
        for invitation in Invitation.objects.filter(
            participant__membership=membership,
            meeting__network=network,
            meeting__status=Meeting.Status.PLANNED,
            meeting__starts_at__isnull=False,
        )
    }
    participant_rows = {participant.pk: ParticipantRow(participant=participant) for participant in participants}
    meeting_rows = []
    for meeting in meetings:
        begun = meeting.starts_at <= now
        cells = [SheetRow(p, invitations.get((meeting.pk, p.pk))) for p in participants]
        if begun:
            for cell in cells:
                if cell.invited:
                    participant_rows[cell.participant.pk].held += 1
                if cell.attended:
                    participant_rows[cell.participant.pk].attended += 1
        meeting_rows.append(MeetingRow(meeting=meeting, has_begun=begun, cells=cells))

    homework = list(
        Homework.objects.filter(meeting__network=network)
        .filter(Q(meeting__membership__isnull=True) | Q(meeting__membership=membership))
        .select_related("meeting")
        .order_by("due_at", "pk")
    )
    submissions = {
        submission.homework_id: submission
        for submission in HomeworkSubmission.objects.filter(membership=membership, homework__meeting__network=network)
        .defer("text")
        .select_related("received_by")
    }

    groups: dict[int, SurveyGroup] = {}
    responses = (
        SurveyResponse.objects.filter(membership=membership)
        .select_related("survey", "participant")
        .order_by("-survey__opens_at", "survey_id", "participant__name", "pk")
    )
    for response in responses:
        groups.setdefault(response.survey_id, SurveyGroup(survey=response.survey)).responses.append(response)

    notes = list(
        FollowUpNote.objects.filter(membership=membership).select_related("author").order_by("-noted_on", "-pk")
    )

    return FollowUp(
        membership=membership,
        network=network,
        commitments=commitment_rows(commitments, answers, kickoff_at=kickoff.starts_at if kickoff else None, now=now),
        kickoff=kickoff,
        participants=list(participant_rows.values()),
        meetings=meeting_rows,
        homework=[HomeworkRow(homework=h, submission=submissions.get(h.pk), now=now) for h in homework],
        surveys=list(groups.values()),
        notes=notes,
    )


def members_follow_up(network: Network, *, now: datetime | None = None) -> list[FollowUp]:
    """``member_follow_up`` of every member of ``network`` (also those who left), by municipality name.

    Built the same way, but from network-wide queries: ten queries however many members there are
    (the final report reads it; ``member_follow_up`` stays the one-member read of the follow-up page).
    """
    now = now or timezone.now()
    commitments = list(network.commitments.all())
    memberships = list(
        network.memberships.select_related("municipality")
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=MembershipCommitment.objects.select_related("received_by").order_by(),
                to_attr="answers",
            ),
            Prefetch("participants", queryset=MembershipParticipant.objects.order_by("name", "pk"), to_attr="listed"),
        )
        .order_by("municipality__name", "pk")
    )
    for membership in memberships:
        membership.network = network
    meetings = list(_dated_meetings(network).select_related("membership__municipality"))
    kickoff = kickoff_of(meetings)
    kickoff_at = kickoff.starts_at if kickoff else None
    invitations = {
        (invitation.meeting_id, invitation.participant_id): invitation
        for invitation in Invitation.objects.filter(
            participant__membership__network=network,
            meeting__network=network,
            meeting__status=Meeting.Status.PLANNED,
            meeting__starts_at__isnull=False,
        )
    }
    homework = list(
        Homework.objects.filter(meeting__network=network).select_related("meeting").order_by("due_at", "pk")
    )
    submissions = {
        (submission.membership_id, submission.homework_id): submission
        for submission in HomeworkSubmission.objects.filter(
            membership__network=network, homework__meeting__network=network
        )
        .defer("text")
        .select_related("received_by")
    }
    surveys: dict[int, dict[int, SurveyGroup]] = defaultdict(dict)
    responses = (
        SurveyResponse.objects.filter(membership__network=network)
        .select_related("survey", "participant")
        .order_by("-survey__opens_at", "survey_id", "participant__name", "pk")
    )
    for response in responses:
        groups = surveys[response.membership_id]
        groups.setdefault(response.survey_id, SurveyGroup(survey=response.survey)).responses.append(response)
    notes: dict[int, list[FollowUpNote]] = defaultdict(list)
    for note in (
        FollowUpNote.objects.filter(membership__network=network).select_related("author").order_by("-noted_on", "-pk")
    ):
        notes[note.membership_id].append(note)

    follow_ups = []
    for membership in memberships:
        own_meetings = [m for m in meetings if m.membership_id is None or m.membership_id == membership.pk]
        participant_rows = {p.pk: ParticipantRow(participant=p) for p in membership.listed}
        meeting_rows = []
        for meeting in own_meetings:
            begun = meeting.starts_at <= now
            cells = [SheetRow(p, invitations.get((meeting.pk, p.pk))) for p in membership.listed]
            if begun:
                for cell in cells:
                    if cell.invited:
                        participant_rows[cell.participant.pk].held += 1
                    if cell.attended:
                        participant_rows[cell.participant.pk].attended += 1
            meeting_rows.append(MeetingRow(meeting=meeting, has_begun=begun, cells=cells))
        own_homework = [
            h for h in homework if h.meeting.membership_id is None or h.meeting.membership_id == membership.pk
        ]
        answers = {answer.commitment_id: answer for answer in membership.answers}
        follow_ups.append(
            FollowUp(
                membership=membership,
                network=network,
                commitments=commitment_rows(commitments, answers, kickoff_at=kickoff_at, now=now),
                kickoff=kickoff,
                participants=list(participant_rows.values()),
                meetings=meeting_rows,
                homework=[
                    HomeworkRow(homework=h, submission=submissions.get((membership.pk, h.pk)), now=now)
                    for h in own_homework
                ],
                surveys=list(surveys[membership.pk].values()),
                notes=notes[membership.pk],
            )
        )
    return follow_ups


@dataclass
class MemberCommitments:
    membership: Membership
    rows: list[CommitmentRow]

    @property
    def outstanding(self) -> int:
        return sum(1 for row in self.rows if row.outstanding)


@dataclass
class NetworkFollowUp:
    network: Network
    commitments: list[NetworkCommitment]
    kickoff: Meeting | None
    members: list[MemberCommitments]


def network_follow_up(network: Network, *, now: datetime | None = None) -> NetworkFollowUp:
    """Every member's commitments and their status, active members first (four queries)."""
    now = now or timezone.now()
    commitments = list(network.commitments.all())
    kickoff = _dated_meetings(network).filter(membership__isnull=True).first()
    kickoff_at = kickoff.starts_at if kickoff else None
    memberships = list(
        network.memberships.select_related("municipality")
        .prefetch_related(Prefetch("commitments", queryset=MembershipCommitment.objects.order_by()))
        .order_by("status", "municipality__name", "pk")
    )
    members = []
    for membership in memberships:
        answers = {answer.commitment_id: answer for answer in membership.commitments.all()}
        members.append(
            MemberCommitments(
                membership=membership, rows=commitment_rows(commitments, answers, kickoff_at=kickoff_at, now=now)
            )
        )
    return NetworkFollowUp(network=network, commitments=commitments, kickoff=kickoff, members=members)


# --- Services ------------------------------------------------------------------------------


def _check_lead(actor, network: Network) -> None:
    if actor is None or not can_lead(actor, network):
        raise PermissionDenied(_("Only the network’s leads may follow up its members."))


@transaction.atomic
def mark_commitment_received(
    *, membership_commitment: MembershipCommitment, actor, received: bool = True, now: datetime | None = None
) -> MembershipCommitment:
    """Record the lead's receipt of a commitment (e.g. the leadership decision), or undo it.

    Marking a received commitment again keeps the first receipt; reminders stop once all are received.
    """
    answer = (
        MembershipCommitment.objects.select_for_update(of=("self",))
        .select_related("membership__network", "commitment")
        .get(pk=membership_commitment.pk)
    )
    _check_lead(actor, answer.membership.network)
    if received and answer.received_at is None:
        answer.received_at, answer.received_by = now or timezone.now(), actor
    elif not received and answer.received_at is not None:
        answer.received_at, answer.received_by = None, None
    else:
        return answer
    with acting_as(actor):
        answer.save(update_fields=["received_at", "received_by"])
    return answer


def _validate_note(noted_on, text: str, *, today: date) -> str:
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Write the note.")
    elif len(text) > NOTE_MAX_LENGTH:
        errors["text"] = _("Keep the note to %(max)s characters.") % {"max": NOTE_MAX_LENGTH}
    if not isinstance(noted_on, date):
        errors["noted_on"] = _("Enter the date of the note.")
    elif noted_on > today:
        errors["noted_on"] = _("A note cannot be dated in the future.")
    elif noted_on < EARLIEST_NOTE_DATE:
        errors["noted_on"] = _("Enter a date from the year 2000 onwards.")
    if errors:
        raise ValidationError(errors)
    return text


@transaction.atomic
def add_note(*, membership: Membership, actor, noted_on: date, text: str) -> FollowUpNote:
    """Add a lead's dated note on the member's work (today or earlier)."""
    _check_lead(actor, membership.network)
    text = _validate_note(noted_on, text, today=_today())
    with acting_as(actor):
        return FollowUpNote.objects.create(membership=membership, noted_on=noted_on, text=text, author=actor)


@transaction.atomic
def delete_note(*, note: FollowUpNote, actor) -> None:
    """Delete a note: its author or a lead of the network may (the history keeps it)."""
    note = FollowUpNote.objects.select_related("membership__network").get(pk=note.pk)
    is_author = actor is not None and getattr(actor, "pk", None) == note.author_id
    if not is_author:
        _check_lead(actor, note.membership.network)
    with acting_as(actor):
        note.delete()


# --- Personal links ------------------------------------------------------------------------


@transaction.atomic
def revoke_participant_links(*, participant: MembershipParticipant, actor) -> MembershipParticipant:
    """Every personal link given to ``participant`` so far, and their calendar feed, stop working."""
    participant = (
        MembershipParticipant.objects.select_for_update(of=("self",))
        .select_related("membership__network")
        .get(pk=participant.pk)
    )
    _check_lead(actor, participant.membership.network)
    participant.link_version += 1
    with acting_as(actor):
        participant.save(update_fields=["link_version"])
    for feed in CalendarFeed.objects.filter(participant=participant, revoked_at__isnull=True):
        calendar_services.feed_revoke(feed=feed, actor=actor)
    return participant


def personal_link_key(participant: MembershipParticipant) -> str:
    return f"personal-link:{participant.pk}:v{participant.link_version}:{participant.email.strip().lower()}"


def send_personal_link(*, participant: MembershipParticipant, actor) -> bool:
    """E-mail the participant their current personal link, after the commit; False when this link was sent.

    Each link version is sent once: to send a new link, revoke the links first.
    """
    participant = MembershipParticipant.objects.select_related("membership__network").get(pk=participant.pk)
    _check_lead(actor, participant.membership.network)
    if participant.membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("The membership has ended, so a personal link would not work."), code="ended")
    if SentEmail.objects.filter(key=personal_link_key(participant)[:255]).exists():
        return False
    from meetings.tasks import send_personal_link_email

    participant_id, version = participant.pk, participant.link_version
    transaction.on_commit(lambda: send_personal_link_email.delay(participant_id, version))
    return True


def deliver_personal_link(*, participant_id: int, link_version: int) -> bool:
    """Send the personal link e-mail of this link version, once; nothing if the links were revoked since."""
    participant = (
        MembershipParticipant.objects.select_related("membership__network", "membership__municipality")
        .filter(pk=participant_id, link_version=link_version, membership__status=Membership.Status.ACTIVE)
        .first()
    )
    if participant is None or not participant.email.strip():
        return False
    context = {
        "participant": participant,
        "network": participant.membership.network,
        "municipality": participant.membership.municipality,
        "url": personal_url(participant),
    }
    return send_email_once(
        key=personal_link_key(participant),
        to=participant.email.strip(),
        template_prefix="meetings/email/personal_link",
        context=context,
    )


# --- Commitment reminders ------------------------------------------------------------------


def reminder_week(now: datetime) -> str:
    year, week, _day = _today(now).isocalendar()
    return f"{year}-W{week:02d}"


def commitment_reminder_key(*, membership_id: int, now: datetime, email: str) -> str:
    return f"commitment-reminder:{membership_id}:{reminder_week(now)}:{email.lower()}"


def representative_emails(municipality_ids) -> dict[int, list[str]]:
    """The addresses of those who may act for each municipality: its active representatives (one query).

    An application's submitter is one of them while they represent the municipality; one who no
    longer does cannot act for the membership and gets no reminders.
    """
    users = get_user_model().objects.filter(municipality_id__in=municipality_ids, is_active=True).order_by("email")
    emails: dict[int, list[str]] = defaultdict(list)
    for municipality_id, email in users.values_list("municipality_id", "email"):
        if email:
            emails[municipality_id].append(email)
    return emails


def _members_to_remind():
    return list(
        Membership.objects.filter(status=Membership.Status.ACTIVE, network__status__in=REMINDER_NETWORK_STATUSES)
        .select_related("network", "municipality")
        .prefetch_related(
            Prefetch("commitments", queryset=MembershipCommitment.objects.order_by()),
            "network__commitments",
            "network__contacts",
        )
        .order_by("pk")
    )


def send_commitment_reminders(*, now: datetime | None = None) -> int:
    """Remind each active member of its outstanding commitments, one e-mail per representative and week.

    Returns how many e-mails this call sent; running it twice in a week sends nothing new.
    """
    now = now or timezone.now()
    memberships = _members_to_remind()
    if not memberships:
        return 0
    network_ids = {membership.network_id for membership in memberships}
    kickoffs = dict(
        Meeting.objects.filter(
            network_id__in=network_ids,
            status=Meeting.Status.PLANNED,
            starts_at__isnull=False,
            membership__isnull=True,
        )
        .values("network_id")
        .annotate(first=Min("starts_at"))
        .values_list("network_id", "first")
        .order_by()
    )
    recipients = representative_emails({membership.municipality_id for membership in memberships})
    sent = 0
    for membership in memberships:
        network = membership.network
        answers = {answer.commitment_id: answer for answer in membership.commitments.all()}
        kickoff_at = kickoffs.get(network.pk)
        rows = [
            row
            for row in commitment_rows(list(network.commitments.all()), answers, kickoff_at=kickoff_at, now=now)
            if row.outstanding
        ]
        if not rows:
            continue
        context = {
            "membership": membership,
            "network": network,
            "municipality": membership.municipality,
            "commitments": rows,
            "kickoff": timezone.localtime(kickoff_at, STOCKHOLM) if kickoff_at else None,
            "kickoff_begun": kickoff_at is not None and kickoff_at <= now,
            "contacts": [contact for contact in network.contacts.all() if contact.email],
            "url": absolute_url(reverse("members:detail", args=[membership.pk])) + "#commitments",
        }
        for email in recipients.get(membership.municipality_id, []):
            sent += send_email_once(
                key=commitment_reminder_key(membership_id=membership.pk, now=now, email=email),
                to=email,
                template_prefix="meetings/email/commitment_reminder",
                context=context,
            )
    logger.info("commitment reminders: %d sent", sent)
    return sent
