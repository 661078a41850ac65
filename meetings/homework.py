"""Homework hand-ins (hemuppgifter): each member municipality hands in, the lead marks it received.

Rules:

- A hand-in belongs to a member municipality (one per homework and membership),
  not to a person: any participant of the membership (through their personal
  link) or a representative of the municipality (logged in) hands it in and may
  change it. Only an ACTIVE membership of the homework's network hands in; the
  homework of a check-in (``meeting.membership``) is for that municipality only.
- A hand-in is an answer (text), a file, or both, never neither. The text is at
  most ``TEXT_MAX_LENGTH`` characters; the file is one of ``ACCEPTED`` (judged
  from its content by ``core.uploads``), at most ``settings.ATTACHMENT_MAX_BYTES``,
  stored privately under a random name. The user's file name is kept (made safe,
  with the extension of the real type) only to offer the download.
- Hand-ins are taken after the due date too; they show as late. ``submitted_at``
  is when it was first handed in and stays when the hand-in is changed (the
  history records every change), so correcting a hand-in never makes it late.
- Changing a hand-in the lead has marked as received clears the receipt, so the
  lead sees it again (the hand-in pages say so).
- Reminders (``send_homework_reminders``, daily by Celery beat): for homework of
  planned meetings due within ``REMINDER_DAYS`` days and not yet due, each
  participant of every active membership that has not handed in gets one e-mail
  per homework with their personal link and the due date. Those invited to the
  homework's meeting are reminded if the membership has any; otherwise all its
  participants. Key ``homework-reminder:<homework>:<participant>``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core import uploads
from core.audit import acting_as
from core.mail import send_email_once
from core.models import SentEmail
from meetings.calendar import absolute_url
from meetings.links import personal_token
from meetings.models import Homework, HomeworkSubmission, Invitation, Meeting
from networks.models import Membership, MembershipParticipant, Network
from networks.permissions import can_lead, network_for_lead_or_404

TEXT_MAX_LENGTH = 20_000
REMINDER_DAYS = 3
ACCEPTED = uploads.DOCUMENTS | {uploads.PPTX, uploads.ODP, uploads.TXT}
WRONG_TYPE = _(
    "The file must be a PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument (ODT or ODP) "
    "or plain text (TXT) file."
)
NOTHING_HANDED_IN = _("Write an answer or attach a file (or both).")


class Status(models.TextChoices):
    MISSING = "missing", _("Not handed in")
    HANDED_IN = "handed_in", _("Handed in")
    LATE = "late", _("Handed in late")
    RECEIVED = "received", _("Received")


# --- Reading -------------------------------------------------------------------------------


@dataclass
class Item:
    """One homework and one member municipality's hand-in of it (None: not handed in)."""

    homework: Homework
    submission: HomeworkSubmission | None
    now: datetime
    membership: Membership | None = None

    def __iter__(self):
        # ``for homework, submission in submissions_for_membership(membership)``
        yield self.homework
        yield self.submission

    @property
    def is_handed_in(self) -> bool:
        return self.submission is not None and self.submission.submitted_at is not None

    @property
    def is_late(self) -> bool:
        return self.is_handed_in and self.submission.submitted_at > self.homework.due_at

    @property
    def is_overdue(self) -> bool:
        """Not handed in, and the due date has passed."""
        return not self.is_handed_in and self.now > self.homework.due_at

    @property
    def is_received(self) -> bool:
        return self.is_handed_in and self.submission.received_at is not None

    @property
    def status(self) -> str:
        if not self.is_handed_in:
            return Status.MISSING
        if self.is_received:
            return Status.RECEIVED
        return Status.LATE if self.is_late else Status.HANDED_IN

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def network_homework(network: Network | int) -> QuerySet[Homework]:
    """Every homework of the network's meetings, in the timetable's order, with its meeting."""
    return (
        Homework.objects.filter(meeting__network_id=getattr(network, "pk", network))
        .select_related("meeting")
        .order_by("meeting__sort_date", "meeting__starts_at", "meeting__pk", "due_at", "pk")
    )


def homework_for_membership(membership: Membership) -> QuerySet[Homework]:
    """The homework ``membership`` is to hand in: its network's, less other municipalities' check-ins."""
    return network_homework(membership.network_id).filter(
        Q(meeting__membership__isnull=True) | Q(meeting__membership_id=membership.pk)
    )


def applies_to(homework: Homework, membership: Membership) -> bool:
    meeting = homework.meeting
    return meeting.network_id == membership.network_id and meeting.membership_id in (None, membership.pk)


def submissions_for_membership(membership: Membership, *, now=None) -> list[Item]:
    """Each homework of the membership's network with that member's hand-in or None (two queries).

    An ``Item`` unpacks as ``(homework, submission)``; it also tells the status.
    """
    now = now or timezone.now()
    homework = list(homework_for_membership(membership))
    submissions = {
        s.homework_id: s
        for s in HomeworkSubmission.objects.filter(membership=membership, homework__in=[h.pk for h in homework])
    }
    return [Item(h, submissions.get(h.pk), now, membership) for h in homework]


def open_for_membership(membership: Membership, *, now=None) -> list[Item]:
    """The homework the membership has not handed in yet, soonest due first (two queries)."""
    items = [item for item in submissions_for_membership(membership, now=now) if not item.is_handed_in]
    return sorted(items, key=lambda item: (item.homework.due_at, item.homework.pk))


def homework_for_membership_or_404(membership: Membership, pk: int) -> Homework:
    return get_object_or_404(homework_for_membership(membership), pk=pk)


def submission_of(homework: Homework, membership: Membership) -> HomeworkSubmission | None:
    return HomeworkSubmission.objects.filter(homework=homework, membership=membership).first()


@dataclass
class HomeworkColumn:
    homework: Homework
    handed_in: int = 0
    received: int = 0
    expected: int = 0


@dataclass
class MeetingGroup:
    """One meeting's homework: a table with a row per member municipality and a column per homework."""

    meeting: Meeting
    columns: list[HomeworkColumn] = field(default_factory=list)
    # (membership, [Item, or None where the homework is not the municipality's, per column])
    rows: list[tuple[Membership, list[Item | None]]] = field(default_factory=list)


@dataclass
class Overview:
    network: Network
    memberships: list[Membership]
    groups: list[MeetingGroup]

    @property
    def homework_count(self) -> int:
        return sum(len(group.columns) for group in self.groups)


def overview(network: Network, *, now=None) -> Overview:
    """Every homework of the network × its active member municipalities, with status (three queries)."""
    now = now or timezone.now()
    homework = list(network_homework(network))
    memberships = list(
        Membership.objects.filter(network_id=network.pk, status=Membership.Status.ACTIVE)
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    submissions = {}
    if homework and memberships:
        found = (
            HomeworkSubmission.objects.filter(homework__in=[h.pk for h in homework], membership__in=memberships)
            .defer("text")
            .order_by()
        )
        submissions = {(s.homework_id, s.membership_id): s for s in found}
    groups: list[MeetingGroup] = []
    for task in homework:
        if not groups or groups[-1].meeting.pk != task.meeting_id:
            groups.append(MeetingGroup(meeting=task.meeting))
        groups[-1].columns.append(HomeworkColumn(homework=task))
    for group in groups:
        for membership in memberships:
            cells: list[Item | None] = []
            for column in group.columns:
                if not applies_to(column.homework, membership):
                    cells.append(None)
                    continue
                item = Item(column.homework, submissions.get((column.homework.pk, membership.pk)), now, membership)
                column.expected += 1
                column.handed_in += item.is_handed_in
                column.received += item.is_received
                cells.append(item)
            if any(cell is not None for cell in cells):
                group.rows.append((membership, cells))
    return Overview(network=network, memberships=memberships, groups=groups)


def submission_for_lead_or_404(user, slug: str, pk: int) -> HomeworkSubmission:
    """A hand-in to a network ``user`` leads, looked up within that network (others' ids are a 404)."""
    network = network_for_lead_or_404(user, slug)
    submission = get_object_or_404(
        HomeworkSubmission.objects.filter(homework__meeting__network=network).select_related(
            "homework__meeting", "membership__municipality", "submitted_by", "submitted_by_participant", "received_by"
        ),
        pk=pk,
    )
    submission.homework.meeting.network = network
    submission.membership.network = network
    return submission


# --- Handing in ----------------------------------------------------------------------------


def _check_may_hand_in(homework: Homework, membership: Membership, user, participant) -> None:
    if participant is not None:
        allowed = participant.membership_id == membership.pk
    else:
        allowed = roles.is_representative(user, membership.municipality_id)
    if not allowed or not applies_to(homework, membership):
        raise PermissionDenied
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("The membership has ended, so nothing more can be handed in."), code="ended")


def clean_text(text: str) -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise ValidationError({"text": _("The answer contains a character that is not allowed (NUL).")})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("The answer is too long: at most %(max)s characters (it has %(n)s).")
                % {"max": TEXT_MAX_LENGTH, "n": len(text)}
            }
        )
    return text


def validate_file(uploaded) -> str:
    """The content type of an uploaded hand-in file, or ValidationError (type, size, empty)."""
    return uploads.validate_upload(uploaded, accepted=ACCEPTED, wrong_type=WRONG_TYPE)


def hand_in(
    *,
    homework: Homework,
    membership: Membership,
    text: str | None = None,
    uploaded=None,
    remove_file: bool = False,
    user=None,
    participant: MembershipParticipant | None = None,
) -> HomeworkSubmission:
    """Hand in or change ``membership``'s hand-in of ``homework``; return it.

    By a representative (``user``) or a participant of the membership (``participant``).
    ``text`` replaces the answer (None keeps it); ``uploaded`` replaces the file;
    ``remove_file`` removes it. Something must remain. A real change clears the lead's receipt.
    """
    homework = Homework.objects.select_related("meeting").get(pk=homework.pk)
    _check_may_hand_in(homework, membership, user, participant)
    if text is not None:
        text = clean_text(text)
    content_type = validate_file(uploaded) if uploaded else None
    stored: list[str] = []  # the new file, removed again if the hand-in is not saved
    try:
        submission = _save_hand_in(
            homework, membership, text, uploaded, content_type, remove_file, user, participant, stored
        )
    except BaseException:
        for name in stored:
            HomeworkSubmission._meta.get_field("file").storage.delete(name)
        raise
    return submission


@transaction.atomic
def _save_hand_in(homework, membership, text, uploaded, content_type, remove_file, user, participant, stored):
    # One hand-in at a time per homework, so two first hand-ins cannot race for the one row.
    Homework.objects.select_for_update().filter(pk=homework.pk).first()
    submission = HomeworkSubmission.objects.select_for_update().filter(
        homework=homework, membership=membership
    ).first() or HomeworkSubmission(homework=homework, membership=membership)
    old_file = submission.file.name if submission.file else ""
    new_text = submission.text if text is None else text
    remove_file = remove_file and not uploaded
    if not new_text and not (uploaded or (old_file and not remove_file)):
        raise ValidationError(NOTHING_HANDED_IN, code="empty")
    changed = new_text != submission.text or bool(uploaded) or (remove_file and bool(old_file))
    if submission.pk and submission.submitted_at and not changed:
        return submission
    submission.text = new_text
    if uploaded:
        submission.file.save("upload", uploaded, save=False)
        stored.append(submission.file.name)
        submission.file_name = uploads.safe_file_name(uploaded.name, content_type=content_type, default="file")
        submission.file_type = content_type
        submission.file_size = uploaded.size
    elif remove_file:
        submission.file = ""
        submission.file_name, submission.file_type, submission.file_size = "", "", None
    now = timezone.now()
    submission.submitted_at = submission.submitted_at or now
    submission.submitted_by = user if participant is None else None
    submission.submitted_by_participant = participant
    submission.received_at, submission.received_by = None, None
    with acting_as(user if participant is None else None):
        submission.save()
    if old_file and (uploaded or remove_file):
        storage = HomeworkSubmission._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return submission


def remove_hand_in_file(
    *, submission: HomeworkSubmission, user=None, participant: MembershipParticipant | None = None
) -> HomeworkSubmission:
    """Remove the hand-in's file (the answer must then hold text)."""
    return hand_in(
        homework=submission.homework,
        membership=submission.membership,
        remove_file=True,
        user=user,
        participant=participant,
    )


@transaction.atomic
def mark_received(*, submission: HomeworkSubmission, actor, received: bool = True) -> HomeworkSubmission:
    """The lead marks a hand-in as received, or (``received=False``) as not received after all."""
    network = Network.objects.get(meetings__homework__submissions=submission.pk)
    if not can_lead(actor, network):
        raise PermissionDenied
    submission = HomeworkSubmission.objects.select_for_update().get(pk=submission.pk)
    if received and submission.submitted_at is None:
        raise ValidationError(_("Nothing has been handed in yet."), code="missing")
    if received == (submission.received_at is not None):
        return submission
    submission.received_at = timezone.now() if received else None
    submission.received_by = actor if received else None
    with acting_as(actor):
        submission.save(update_fields=["received_at", "received_by"])
    return submission


# --- Reminders -----------------------------------------------------------------------------


def reminder_key(homework_id: int, participant_id: int) -> str:
    return f"homework-reminder:{homework_id}:{participant_id}"


def hand_in_url(participant: MembershipParticipant, homework: Homework) -> str:
    """The participant's personal address to hand in ``homework`` (absolute, for e-mail)."""
    path = reverse(
        "homework:participant_hand_in", kwargs={"token": personal_token(participant), "homework_pk": homework.pk}
    )
    return absolute_url(path)


def due_reminders(now) -> list[tuple[Homework, MembershipParticipant]]:
    """The (homework, participant) reminders due at ``now`` and not yet sent (five queries at most)."""
    homework = list(
        Homework.objects.filter(
            due_at__gt=now,
            due_at__lte=now + timedelta(days=REMINDER_DAYS),
            meeting__status=Meeting.Status.PLANNED,
        )
        .select_related("meeting__network")
        .order_by("due_at", "pk")
    )
    if not homework:
        return []
    participants = (
        MembershipParticipant.objects.filter(
            membership__network_id__in={h.meeting.network_id for h in homework},
            membership__status=Membership.Status.ACTIVE,
        )
        .exclude(email="")
        .select_related("membership__municipality")
        .order_by("membership_id", "pk")
    )
    by_network: dict[int, dict[int, list[MembershipParticipant]]] = defaultdict(lambda: defaultdict(list))
    for participant in participants:
        by_network[participant.membership.network_id][participant.membership_id].append(participant)
    handed_in = set(
        HomeworkSubmission.objects.filter(homework__in=homework, submitted_at__isnull=False).values_list(
            "homework_id", "membership_id"
        )
    )
    invited = set(
        Invitation.objects.filter(meeting_id__in={h.meeting_id for h in homework}).values_list(
            "meeting_id", "participant_id"
        )
    )
    pairs = []
    for task in homework:
        for membership_id, people in by_network[task.meeting.network_id].items():
            if (task.pk, membership_id) in handed_in or task.meeting.membership_id not in (None, membership_id):
                continue
            chosen = [p for p in people if (task.meeting_id, p.pk) in invited] or people
            pairs.extend((task, participant) for participant in chosen)
    if not pairs:
        return []
    sent = set(
        SentEmail.objects.filter(key__in=[reminder_key(h.pk, p.pk) for h, p in pairs]).values_list("key", flat=True)
    )
    return [(h, p) for h, p in pairs if reminder_key(h.pk, p.pk) not in sent]


def send_homework_reminders(now=None) -> int:
    """E-mail the homework reminders due at ``now`` (default: now), each once; return how many were sent now."""
    now = now or timezone.now()
    sent = 0
    for homework, participant in due_reminders(now):
        context = {
            "homework": homework,
            "meeting": homework.meeting,
            "network": homework.meeting.network,
            "participant": participant,
            "municipality": participant.membership.municipality,
            "url": hand_in_url(participant, homework),
            "home_url": absolute_url(reverse("participant:home", kwargs={"token": personal_token(participant)})),
        }
        sent += send_email_once(
            key=reminder_key(homework.pk, participant.pk),
            to=participant.email.strip(),
            template_prefix="meetings/email/homework_reminder",
            context=context,
        )
    return sent
