"""Attendance: after a meeting, who of each member municipality was there; the signing list; the billing basis.

- The sheet lists, per member municipality (the network's active memberships; a
  check-in only its own membership), every participant with their invitation if
  they have one, their answer and whether they attended. Everyone is listed, not
  only the invited, so that a participant who came without an invitation (a
  walk-in) can be ticked too.
- Attendance is recorded by the network's leads once the meeting has started,
  never for a called-off or preliminary meeting. Saving sets ``attended`` on every
  invitation of the sheet (True for the ticked, False for the others) and gives a
  ticked participant without an invitation one (no answer, attended) — a walk-in.
  Invitations of municipalities no longer on the sheet (left the network) are left
  as they are.
- ``attendees_per_membership`` is what billing reads to charge a meeting's cost per
  attendee (``Meeting.cost_per_attendee``) to each member municipality: the number
  of its participants recorded as attended, whatever the membership's status now.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audit import acting_as
from meetings.models import Invitation, Meeting
from networks.models import Membership, MembershipParticipant
from networks.permissions import can_lead

Response = Invitation.Response


@dataclass
class SheetRow:
    participant: MembershipParticipant
    invitation: Invitation | None

    @property
    def response(self) -> str:
        return self.invitation.response if self.invitation else ""

    @property
    def attended(self) -> bool | None:
        return self.invitation.attended if self.invitation else None

    @property
    def invited(self) -> bool:
        """Invited before the meeting (a walk-in's invitation was made by recording attendance)."""
        return self.invitation is not None


@dataclass
class SheetGroup:
    membership: Membership
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def municipality(self) -> str:
        return self.membership.municipality.name

    @property
    def invited(self) -> int:
        return sum(1 for row in self.rows if row.invited)

    @property
    def attended(self) -> int:
        return sum(1 for row in self.rows if row.attended)

    def signing_order(self) -> list[SheetRow]:
        """Those who said yes first, then no answer, then no, then the not invited; by name within each."""
        rank = {Response.YES: 0, Response.NONE: 1, Response.NO: 2}

        def key(row: SheetRow):
            return (rank.get(row.response, 1) if row.invited else 3, row.participant.name.lower(), row.participant.pk)

        return sorted(self.rows, key=key)


def attendance_sheet(meeting: Meeting) -> list[SheetGroup]:
    """The meeting's participants per member municipality, by municipality and name (three queries)."""
    memberships = Membership.objects.filter(network_id=meeting.network_id, status=Membership.Status.ACTIVE)
    if meeting.membership_id is not None:
        memberships = memberships.filter(pk=meeting.membership_id)
    memberships = (
        memberships.select_related("municipality")
        .prefetch_related(
            Prefetch("participants", queryset=MembershipParticipant.objects.order_by("name", "pk"), to_attr="listed")
        )
        .order_by("municipality__name", "pk")
    )
    memberships = list(memberships)
    invitations = {inv.participant_id: inv for inv in Invitation.objects.filter(meeting=meeting)}
    return [
        SheetGroup(membership=m, rows=[SheetRow(participant=p, invitation=invitations.get(p.pk)) for p in m.listed])
        for m in memberships
    ]


def sheet_totals(sheet: list[SheetGroup]) -> dict[str, int]:
    return {
        "invited": sum(group.invited for group in sheet),
        "attended": sum(group.attended for group in sheet),
        "participants": sum(len(group.rows) for group in sheet),
    }


def refusal(meeting: Meeting, *, now=None) -> str | None:
    """Why attendance cannot be recorded for ``meeting`` now, or None when it can."""
    if meeting.is_cancelled:
        return str(_("The meeting is called off, so no attendance can be recorded."))
    if meeting.is_preliminary:
        return str(_("The meeting has no date and time yet, so no attendance can be recorded."))
    if meeting.starts_at > (now or timezone.now()):
        return str(_("Attendance can be recorded once the meeting has started."))
    return None


@transaction.atomic
def attendance_save(*, meeting: Meeting, actor, attended: set[int]) -> dict[str, int]:
    """Record who attended: ``attended`` are the ticked participants' ids, everyone else on the sheet did not.

    Returns how many invitations changed, how many walk-ins were added and how many attended in all.
    """
    if not can_lead(actor, meeting.network):
        raise PermissionDenied
    # One save at a time per meeting, so that two saves cannot both add the same walk-in.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    reason = refusal(meeting)
    if reason:
        raise ValidationError(reason, code="not_recordable")
    attended = set(attended)
    rows = [row for group in attendance_sheet(meeting) for row in group.rows]
    unknown = attended - {row.participant.pk for row in rows}
    if unknown:
        raise ValidationError(
            _("Only the participants of the meeting’s municipalities can be marked as attended."), code="unknown"
        )
    changed: list[Invitation] = []
    walk_ins: list[Invitation] = []
    for row in rows:
        present = row.participant.pk in attended
        if row.invitation is None:
            if present:
                walk_ins.append(Invitation(meeting=meeting, participant=row.participant, response="", attended=True))
        elif row.invitation.attended is not present:
            row.invitation.attended = present
            changed.append(row.invitation)
    with acting_as(actor):
        if changed:
            bulk_update_with_history(changed, Invitation, ["attended"], default_user=actor)
        if walk_ins:
            bulk_create_with_history(walk_ins, Invitation, default_user=actor)
    return {"changed": len(changed), "walk_ins": len(walk_ins), "attended": len(attended)}


def attendees_per_membership(meeting: Meeting) -> dict[int, int]:
    """The number of participants recorded as attended, per membership id (one query).

    This is the basis billing uses for a meeting's cost per attendee: each member
    municipality is charged ``cost_per_attendee`` times its number here. Memberships
    with nobody attended are absent.
    """
    rows = (
        Invitation.objects.filter(meeting=meeting, attended=True)
        .values("participant__membership_id")
        .annotate(n=Count("pk"))
        .order_by("participant__membership_id")
    )
    return {row["participant__membership_id"]: row["n"] for row in rows}
