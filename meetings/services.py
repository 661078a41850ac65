"""Every write to a network's timetable: meetings, their agenda and homework.

Each service checks that ``actor`` leads the network (views check too; an admin
action or a command must not slip past), validates with clear messages on the
fields, runs in a transaction and records ``actor`` in the history.

Rules chosen here (and shown on the forms):

- Times are wall-clock times in Europe/Stockholm; a datetime without a time zone
  is refused, so nothing is silently read as UTC.
- A preliminary meeting (a month) may leave address and link empty; once it has
  exact times a meeting on site needs an address, a digital one a https link, a
  hybrid one both. Milestones and work periods need neither, nor an audience.
- ``sequence`` (RFC 5545) goes up by one whenever something a calendar shows
  changes: title, description, times or month, mode, address, link, status, agenda.
- A meeting may be deleted unless it has taken place (then cancel it or keep it as
  the record). When invitations are sent (a later issue) that rule tightens.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.audit import acting_as
from meetings.models import AgendaBlock, Homework, Meeting
from networks.models import Network
from networks.permissions import can_lead

STOCKHOLM = ZoneInfo("Europe/Stockholm")
END_OF_DAY = time(23, 59)

Kind = Meeting.Kind
Mode = Meeting.Mode

# What a meeting form may set; the rest (network, status, uid, sequence) belongs to the services.
EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "membership",
    "starts_at",
    "ends_at",
    "month",
    "last_month",
    "mode",
    "address",
    "link",
    "audience",
    "capacity",
    "cost_per_attendee",
    "cost_vat_rate",
    "cost_description",
)
# What a calendar shows: a change to one of these is a new SEQUENCE.
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at", "month", "last_month", "mode", "address", "link")
# Kinds that are periods or points in time rather than gatherings: no place, no audience needed.
NO_PLACE_KINDS = frozenset({Kind.WORK_PERIOD, Kind.MILESTONE})
PLACE_KINDS_MODES = {Mode.PHYSICAL: ("address",), Mode.DIGITAL: ("link",), Mode.HYBRID: ("address", "link")}


def _check_lead(actor, network: Network) -> None:
    if not can_lead(actor, network):
        raise PermissionDenied


def _check_own(meeting: Meeting, network: Network) -> None:
    if meeting.pk and meeting.network_id != network.pk:
        raise PermissionDenied


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def registration_count(meeting: Meeting) -> int:
    """How many have registered for ``meeting``: the invited participants who answered that they attend,
    and the active sign-ups through an open seminar's public form (meetings.seminars)."""
    if not meeting.pk:
        return 0
    members = meeting.invitations.filter(response="yes").count()
    return members + meeting.registrations.filter(cancelled_at__isnull=True).count()


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment, STOCKHOLM).date()


def _period_text(network: Network) -> str:
    start = date_format(network.period_start, "j F Y") if network.period_start else "…"
    end = date_format(network.period_end, "j F Y") if network.period_end else "…"
    return f"{start} – {end}"


def _validate_dates(meeting: Meeting, network: Network, errors: dict) -> None:
    starts, ends = meeting.starts_at, meeting.ends_at
    if starts is None and ends is None and meeting.month is None:
        errors.setdefault("starts_at", []).append(_("Give the date and times, or a preliminary month."))
        return
    for name, value in (("starts_at", starts), ("ends_at", ends)):
        if value is not None and timezone.is_naive(value):
            errors.setdefault(name, []).append(
                _("The time has no time zone. Times are Swedish time (Europe/Stockholm); give it as such.")
            )
    if errors:
        return
    if (starts is None) != (ends is None):
        errors.setdefault("ends_at" if ends is None else "starts_at", []).append(_("Give both the start and the end."))
        return
    if starts is not None and ends <= starts:
        errors.setdefault("ends_at", []).append(_("The meeting must end after it starts."))
        return
    if meeting.month and meeting.last_month and meeting.last_month < meeting.month:
        errors.setdefault("last_month", []).append(_("The last month cannot be before the first month."))
        return
    if starts is not None:
        first, last, field = _local_date(starts), _local_date(ends), "starts_at"
    else:
        first, last, field = meeting.month, month_end(meeting.last_month or meeting.month), "month"
    too_early = network.period_start is not None and last < network.period_start
    too_late = network.period_end is not None and first > network.period_end
    if too_early or too_late:
        errors.setdefault(field, []).append(
            _("The meeting is outside the network’s period (%(period)s).") % {"period": _period_text(network)}
        )


def _validate_place(meeting: Meeting, errors: dict) -> None:
    if meeting.kind in NO_PLACE_KINDS or meeting.is_preliminary:
        return
    if "address" in PLACE_KINDS_MODES.get(meeting.mode, ()) and not meeting.address.strip():
        errors.setdefault("address", []).append(_("A meeting on site needs an address."))
    if "link" in PLACE_KINDS_MODES.get(meeting.mode, ()) and not meeting.link.strip():
        errors.setdefault("link", []).append(_("A digital meeting needs a link (https://…)."))


def _validate_rest(meeting: Meeting, network: Network, errors: dict) -> None:
    if meeting.link and not meeting.link.lower().startswith("https://"):
        errors.setdefault("link", []).append(_("Use a secure link that begins with https://."))
    if meeting.capacity is not None:
        if meeting.capacity < 1:
            errors.setdefault("capacity", []).append(_("A meeting has at least one place."))
        elif meeting.capacity < registration_count(meeting):
            errors.setdefault("capacity", []).append(
                _("More have registered (%(count)s) than the places you give.") % {"count": registration_count(meeting)}
            )
    audience = meeting.audience
    if not isinstance(audience, list) or any(key not in Meeting.Audience.values for key in audience):
        errors.setdefault("audience", []).append(_("Choose the audience from the list."))
    elif not audience and meeting.kind not in NO_PLACE_KINDS:
        errors.setdefault("audience", []).append(_("Choose whom the meeting is for."))
    if meeting.kind == Kind.CHECK_IN and meeting.membership_id is None:
        errors.setdefault("membership", []).append(_("A check-in is with one member municipality: choose it."))
    elif meeting.membership_id is not None and meeting.membership.network_id != network.pk:
        errors.setdefault("membership", []).append(_("Choose a member municipality of this network."))
    if meeting.cost_per_attendee and meeting.mode == Mode.DIGITAL:
        errors.setdefault("cost_per_attendee", []).append(_("A digital meeting has no cost per attendee."))


def _full_clean(meeting: Meeting, network: Network) -> None:
    """Every rule at once, so that a form shows all its errors together."""
    errors: dict[str, list] = {}
    _validate_dates(meeting, network, errors)
    _validate_place(meeting, errors)
    _validate_rest(meeting, network, errors)
    starts = meeting.starts_at
    aware = starts is not None and timezone.is_aware(starts)
    meeting.sort_date = _local_date(starts) if aware else meeting.month or timezone.localdate()
    try:
        meeting.full_clean(exclude=["network", "membership"], validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            known = [str(message) for message in errors.get(name, [])]
            errors.setdefault(name, []).extend(m for m in messages if m not in known)
    if errors:
        raise ValidationError(errors)


def _calendar_state(meeting: Meeting) -> tuple:
    return (*(getattr(meeting, name) for name in CALENDAR_FIELDS), meeting.status)


@transaction.atomic
def meeting_save(*, network: Network, actor, meeting: Meeting | None = None, data: dict) -> Meeting:
    """Create a meeting of ``network`` (``meeting`` None) or change one; ``data`` holds EDITABLE_FIELDS.

    Exact times replace a preliminary month (the month is cleared): that is how a meeting is firmed up.
    """
    _check_lead(actor, network)
    meeting = meeting or Meeting(network=network)
    _check_own(meeting, network)
    before = _calendar_state(meeting) if meeting.pk else None
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for name, value in data.items():
        setattr(meeting, name, value)
    if meeting.starts_at is not None or meeting.ends_at is not None:
        meeting.month = meeting.last_month = None
    for name in ("title", "description", "address", "link", "cost_description"):
        setattr(meeting, name, (getattr(meeting, name) or "").strip())
    if meeting.audience is None:
        meeting.audience = []
    if meeting.month:
        meeting.month = meeting.month.replace(day=1)
    _full_clean(meeting, network)
    if before is not None and before != _calendar_state(meeting):
        meeting.sequence += 1
    with acting_as(actor):
        meeting.save()
    return meeting


def meeting_firm_up(*, meeting: Meeting, actor, starts_at: datetime, ends_at: datetime, **data) -> Meeting:
    """Give a preliminary meeting its exact times (the month is cleared)."""
    return meeting_save(
        network=meeting.network, actor=actor, meeting=meeting, data={"starts_at": starts_at, "ends_at": ends_at, **data}
    )


def _set_status(meeting: Meeting, actor, status: str) -> Meeting:
    _check_lead(actor, meeting.network)
    if meeting.status == status:
        return meeting  # idempotent: a second click changes nothing (and no new sequence)
    meeting.status = status
    meeting.sequence += 1
    with acting_as(actor):
        meeting.save(update_fields=["status", "sequence", "updated_at"])
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor) -> Meeting:
    """Cancel: the meeting stays in the timetable, struck through, and calendars show it cancelled."""
    return _set_status(meeting, actor, Meeting.Status.CANCELLED)


@transaction.atomic
def meeting_restore(*, meeting: Meeting, actor) -> Meeting:
    return _set_status(meeting, actor, Meeting.Status.PLANNED)


def meeting_can_delete(meeting: Meeting) -> bool:
    """A preliminary or future meeting may go; one that has taken place is part of the record."""
    return meeting.starts_at is None or meeting.starts_at > timezone.now()


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor) -> None:
    _check_lead(actor, meeting.network)
    if not meeting_can_delete(meeting):
        raise ValidationError(_("A meeting that has taken place cannot be deleted. Cancel it instead."))
    with acting_as(actor):
        meeting.delete()


# --- Moving and copying --------------------------------------------------------------------


def shift_moment(moment: datetime, *, months: int = 0, days: int = 0) -> datetime:
    """``moment`` moved by months and days keeping its wall-clock time in Stockholm (across DST)."""
    local = timezone.localtime(moment, STOCKHOLM).replace(tzinfo=None)
    moved = local + relativedelta(months=months, days=days)
    return moved.replace(tzinfo=STOCKHOLM)


def _shifted(meeting: Meeting, *, months: int, days: int) -> dict:
    if meeting.is_preliminary:
        return {
            "month": meeting.month + relativedelta(months=months),
            "last_month": meeting.last_month + relativedelta(months=months) if meeting.last_month else None,
        }
    return {
        "starts_at": shift_moment(meeting.starts_at, months=months, days=days),
        "ends_at": shift_moment(meeting.ends_at, months=months, days=days),
    }


def _errors_by_meeting(meeting: Meeting, error: ValidationError) -> ValidationError:
    return ValidationError(
        [_("%(title)s: %(error)s") % {"title": meeting.title, "error": message} for message in error.messages]
    )


@transaction.atomic
def meetings_shift(
    *, network: Network, actor, meetings: Iterable[Meeting], months: int = 0, days: int = 0
) -> list[Meeting]:
    """Move several meetings at once: preliminary ones by ``months``, exact ones by months and days.

    All or none: a meeting that would leave the network's period stops the move, with its title in the message.
    Homework due dates move with their meeting.
    """
    _check_lead(actor, network)
    moved, errors = [], []
    for meeting in meetings:
        _check_own(meeting, network)
        if meeting.is_preliminary and not months:
            continue
        try:
            moved.append(
                meeting_save(
                    network=network, actor=actor, meeting=meeting, data=_shifted(meeting, months=months, days=days)
                )
            )
        except ValidationError as error:
            errors.extend(_errors_by_meeting(meeting, error).messages)
    if errors:
        raise ValidationError(errors)
    with acting_as(actor):
        for homework in Homework.objects.filter(meeting__in=moved):
            homework.due_at = shift_moment(homework.due_at, months=months, days=days)
            homework.save(update_fields=["due_at"])
    return moved


def copy_source_meetings(source_network: Network) -> list[Meeting]:
    """What a copy takes from an earlier cohort: its planned meetings, except check-ins with one municipality."""
    return list(
        source_network.meetings.filter(status=Meeting.Status.PLANNED)
        .exclude(kind=Kind.CHECK_IN)
        .prefetch_related("agenda", "homework")
        .order_by("sort_date", "starts_at", "pk")
    )


def copy_shift_months(*, meetings: list[Meeting], target_network: Network) -> int:
    """Months that bring the first meeting to the target's start (0 without a start or meetings)."""
    if not meetings or not target_network.period_start:
        return 0
    first, start = meetings[0].sort_date, target_network.period_start
    return (start.year - first.year) * 12 + start.month - first.month


@dataclass
class CopyPreview:
    meeting: Meeting
    data: dict
    error: str = ""


def meetings_copy_preview(*, meetings: list[Meeting], target_network: Network, shift_months: int) -> list[CopyPreview]:
    """The copies' new dates, each with what would stop it (e.g. outside the target's period)."""
    previews = []
    for meeting in meetings:
        data = {name: getattr(meeting, name) for name in EDITABLE_FIELDS if name != "membership"}
        data.update(_shifted(meeting, months=shift_months, days=0))
        copy = Meeting(network=target_network, **{**data, "audience": list(meeting.audience or [])})
        errors: dict[str, list] = {}
        _validate_dates(copy, target_network, errors)
        message = " ".join(str(m) for messages in errors.values() for m in messages)
        previews.append(CopyPreview(meeting=meeting, data=data, error=message))
    return previews


def _can_copy_from(actor, source_network: Network, target_network: Network) -> bool:
    return source_network.pk == target_network.previous_cohort_id or can_lead(actor, source_network)


@transaction.atomic
def meetings_copy(
    *,
    source_network: Network,
    target_network: Network,
    actor,
    shift_months: int | None = None,
    meetings: Iterable[Meeting] | None = None,
) -> list[Meeting]:
    """Copy meetings (all planned ones, or ``meetings``) with agenda and homework from an earlier cohort.

    Shifted by ``shift_months`` (default: so that the first lands in the target's first month).
    The copies are new meetings: new uid, sequence 0, planned. All or none.
    """
    _check_lead(actor, target_network)
    if not _can_copy_from(actor, source_network, target_network):
        raise PermissionDenied
    chosen = copy_source_meetings(source_network)
    if meetings is not None:
        wanted = {meeting.pk for meeting in meetings}
        chosen = [meeting for meeting in chosen if meeting.pk in wanted]
    if shift_months is None:
        shift_months = copy_shift_months(meetings=chosen, target_network=target_network)
    copies, errors = [], []
    for preview in meetings_copy_preview(meetings=chosen, target_network=target_network, shift_months=shift_months):
        try:
            copy = meeting_save(network=target_network, actor=actor, data=preview.data)
        except ValidationError as error:
            errors.extend(_errors_by_meeting(preview.meeting, error).messages)
            continue
        _copy_parts(preview.meeting, copy, actor=actor, shift_months=shift_months)
        copies.append(copy)
    if errors:
        raise ValidationError(errors)
    return copies


def _copy_parts(source: Meeting, copy: Meeting, *, actor, shift_months: int) -> None:
    AgendaBlock.objects.bulk_create(
        AgendaBlock(
            meeting=copy,
            starts=block.starts,
            ends=block.ends,
            title=block.title,
            description=block.description,
            audience=block.audience,
            order=block.order,
        )
        for block in source.agenda.all()
    )
    with acting_as(actor):
        for homework in source.homework.all():
            Homework.objects.create(
                meeting=copy,
                title=homework.title,
                description=homework.description,
                due_at=shift_moment(homework.due_at, months=shift_months),
                created_by=actor,
            )


# --- Agenda and homework -------------------------------------------------------------------

AGENDA_FIELDS = ("starts", "ends", "title", "description", "audience", "order")


@transaction.atomic
def agenda_save(*, meeting: Meeting, actor, rows: Iterable[dict]) -> list[AgendaBlock]:
    """Add, change and delete a meeting's agenda blocks, formset style.

    Each row: ``id`` (None for a new block), AGENDA_FIELDS, and ``delete``. Times are wall-clock
    times on the meeting's day. All or none: the errors name their row (counted from 1). A changed
    agenda is a new ``sequence`` (calendars show the programme).
    """
    _check_lead(actor, meeting.network)
    existing = {block.pk: block for block in meeting.agenda.all()}
    errors, changed, kept = [], False, []
    for index, row in enumerate(rows, start=1):
        block_id = row.get("id")
        if block_id is not None and block_id not in existing:
            raise PermissionDenied  # another meeting's block
        block = existing.get(block_id) or AgendaBlock(meeting=meeting)
        if row.get("delete"):
            if block.pk:
                block.delete()
                changed = True
            continue
        before = tuple(getattr(block, name) for name in AGENDA_FIELDS)
        for name in AGENDA_FIELDS:
            if name in row:
                setattr(block, name, row[name] if row[name] is not None or name in ("starts", "ends") else "")
        block.order = block.order or 0
        if block.starts and block.ends and block.ends < block.starts:
            errors.append(_("Row %(row)s: the block cannot end before it starts.") % {"row": index})
            continue
        if not (block.title or "").strip():
            errors.append(_("Row %(row)s: give the block a title.") % {"row": index})
            continue
        block.full_clean(exclude=["meeting"])
        if block.pk is None or before != tuple(getattr(block, name) for name in AGENDA_FIELDS):
            block.save()
            changed = True
        kept.append(block)
    if errors:
        raise ValidationError(errors)
    if changed:
        meeting.sequence += 1
        with acting_as(actor):
            meeting.save(update_fields=["sequence", "updated_at"])
    return kept


def due_moment(value: date | datetime) -> datetime:
    """A due date alone means the end of that day in Stockholm (23:59)."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ValidationError(
                {"due_at": _("The time has no time zone. Times are Swedish time (Europe/Stockholm); give it as such.")}
            )
        return value
    return datetime.combine(value, END_OF_DAY, tzinfo=STOCKHOLM)


@transaction.atomic
def homework_save(*, meeting: Meeting, actor, data: dict, homework: Homework | None = None) -> Homework:
    """Add or change a homework task of ``meeting``; ``data``: title, description, due_at (date or datetime)."""
    _check_lead(actor, meeting.network)
    homework = homework or Homework(meeting=meeting, created_by=actor)
    if homework.meeting_id != meeting.pk:
        raise PermissionDenied
    homework.title = (data.get("title") or "").strip()
    homework.description = (data.get("description") or "").strip()
    if data.get("due_at") is None:
        raise ValidationError({"due_at": _("Give the due date.")})
    homework.due_at = due_moment(data["due_at"])
    homework.full_clean(exclude=["meeting", "created_by"])
    with acting_as(actor):
        homework.save()
    return homework


@transaction.atomic
def homework_delete(*, homework: Homework, actor) -> None:
    _check_lead(actor, homework.meeting.network)
    with acting_as(actor):
        homework.delete()
