"""Invitations and RSVP: who is invited to a meeting, sending the invitations, answers, counts.

- Invited are the participants of the network's active memberships whose groups
  are in the meeting's audience; "all participants" means every participant; a
  check-in (``meeting.membership``) invites that municipality's participants only,
  whatever their groups; "open to the public" alone invites nobody.
- ``invite`` is idempotent: it adds the invitations missing for the current
  invitees and never removes one (an answer is never lost); each new invitation
  is e-mailed once, after the commit, by ``meetings.tasks.send_invitations``
  (key ``meeting-invitation:<invitation>:<email>``).
- An answer is "kommer" or "kommer inte"; dietary needs are kept only for an
  attending participant of a meeting on site (or hybrid), and only until the
  meeting has ended an answer may change. Cancelled meetings take no answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import acting_as
from core.mail import send_email_once
from meetings.calendar import absolute_url
from meetings.links import personal_token
from meetings.models import Invitation, Meeting, SeminarRegistration
from networks.models import Membership, MembershipParticipant, ParticipantGroup
from networks.permissions import can_lead

Response = Invitation.Response
DIETARY_MAX_LENGTH = Invitation._meta.get_field("dietary_needs").max_length
DIETARY_MODES = frozenset({Meeting.Mode.PHYSICAL, Meeting.Mode.HYBRID})
GROUP_KEYS = frozenset(ParticipantGroup.values)


def invitees(meeting: Meeting) -> QuerySet[MembershipParticipant]:
    """The participants ``meeting`` is for (see the module's docstring)."""
    participants = MembershipParticipant.objects.filter(
        membership__network_id=meeting.network_id, membership__status=Membership.Status.ACTIVE
    ).order_by("membership__municipality__name", "name", "pk")
    if meeting.membership_id is not None:
        return participants.filter(membership_id=meeting.membership_id)
    audience = set(meeting.audience or ())
    if Meeting.Audience.ALL_PARTICIPANTS in audience:
        return participants
    wanted = audience & GROUP_KEYS
    if not wanted:
        return participants.none()
    # The groups are a JSON list; matched here rather than in SQL so that every database backend agrees.
    chosen = [pk for pk, groups in participants.values_list("pk", "groups") if wanted & set(groups or ())]
    return participants.filter(pk__in=chosen)


def _check_may_invite(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting is called off, so no invitations can be sent."), code="cancelled")
    if meeting.is_preliminary:
        raise ValidationError(
            _("The meeting has no date and time yet. Give it those before sending invitations."), code="preliminary"
        )
    if meeting.ends_at is not None and meeting.ends_at < timezone.now():
        raise ValidationError(_("The meeting has already taken place."), code="past")


@transaction.atomic
def invite(*, meeting: Meeting, actor) -> int:
    """Invite everyone the meeting is for who is not invited yet; return how many were added."""
    if not can_lead(actor, meeting.network):
        raise PermissionDenied
    # One invite at a time per meeting, so that two clicks cannot both add the same people.
    meeting = Meeting.objects.select_for_update().select_related("network").get(pk=meeting.pk)
    _check_may_invite(meeting)
    already = set(meeting.invitations.values_list("participant_id", flat=True))
    created: list[int] = []
    with acting_as(actor):
        for participant in invitees(meeting).exclude(pk__in=already):
            created.append(Invitation.objects.create(meeting=meeting, participant=participant).pk)
    if created:
        from meetings.tasks import send_invitations

        transaction.on_commit(lambda: send_invitations.delay(created))
    return len(created)


def personal_url(participant: MembershipParticipant) -> str:
    return absolute_url(reverse("participant:home", kwargs={"token": personal_token(participant)}))


def send_invitation_emails(*, invitation_ids: list[int]) -> int:
    """E-mail each of these invitations (of planned meetings) once; return how many were sent now."""
    invitations = (
        Invitation.objects.filter(pk__in=invitation_ids, meeting__status=Meeting.Status.PLANNED)
        .select_related("meeting__network", "participant__membership__municipality")
        .prefetch_related("meeting__agenda")
        .order_by("pk")
    )
    sent = 0
    for invitation in invitations:
        participant = invitation.participant
        email = participant.email.strip()
        if not email:
            continue
        meeting = invitation.meeting
        token = personal_token(participant)
        url = absolute_url(reverse("participant:home", kwargs={"token": token}))
        respond_url = absolute_url(
            reverse("participant:respond", kwargs={"token": token, "invitation_pk": invitation.pk})
        )
        context = {
            "invitation": invitation,
            "meeting": meeting,
            "network": meeting.network,
            "participant": participant,
            "agenda": list(meeting.agenda.all()),
            "url": url,
            "respond_url": respond_url,
        }
        sent += send_email_once(
            key=f"meeting-invitation:{invitation.pk}:{email.lower()}",
            to=email,
            template_prefix="meetings/email/invitation",
            context=context,
        )
    return sent


@transaction.atomic
def respond(*, invitation: Invitation, response: str, dietary_needs: str = "") -> Invitation:
    """Record the participant's answer (kommer / kommer inte) and, for a meeting on site, dietary needs."""
    if response not in (Response.YES, Response.NO):
        raise ValidationError({"response": _("Answer whether you are attending.")})
    dietary_needs = (dietary_needs or "").strip()
    if len(dietary_needs) > DIETARY_MAX_LENGTH:
        raise ValidationError({"dietary_needs": _("Keep it to %(max)s characters.") % {"max": DIETARY_MAX_LENGTH}})
    invitation = Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation.pk)
    meeting = invitation.meeting
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting is called off, so it takes no answers."), code="cancelled")
    if meeting.ends_at is not None and meeting.ends_at < timezone.now():
        raise ValidationError(_("The meeting has already taken place, so the answer can no longer change."))
    invitation.response = response
    keep_diet = response == Response.YES and meeting.mode in DIETARY_MODES
    invitation.dietary_needs = dietary_needs if keep_diet else ""
    invitation.responded_at = timezone.now()
    with acting_as(None):  # the participant, through their personal link
        invitation.save(update_fields=["response", "dietary_needs", "responded_at"])
    return invitation


@dataclass(frozen=True)
class MunicipalityCount:
    municipality: str
    invited: int
    yes: int
    no: int
    no_answer: int


def counts_per_municipality(meeting: Meeting) -> list[MunicipalityCount]:
    """Invited, attending, not attending and unanswered per municipality, by name (one query)."""
    rows = (
        Invitation.objects.filter(meeting=meeting)
        .values("participant__membership__municipality__name")
        .annotate(
            invited=Count("pk"),
            yes=Count("pk", filter=Q(response=Response.YES)),
            no=Count("pk", filter=Q(response=Response.NO)),
            no_answer=Count("pk", filter=Q(response=Response.NONE)),
        )
        .order_by("participant__membership__municipality__name")
    )
    return [
        MunicipalityCount(
            municipality=row["participant__membership__municipality__name"],
            invited=row["invited"],
            yes=row["yes"],
            no=row["no"],
            no_answer=row["no_answer"],
        )
        for row in rows
    ]


def counts_total(rows: list[MunicipalityCount]) -> MunicipalityCount:
    return MunicipalityCount(
        municipality="",
        invited=sum(r.invited for r in rows),
        yes=sum(r.yes for r in rows),
        no=sum(r.no for r in rows),
        no_answer=sum(r.no_answer for r in rows),
    )


def purge_dietary_needs(*, now=None) -> int:
    """Delete the dietary needs of meetings that ended before ``now`` (health data is kept no longer):
    the invitations' and the open-seminar sign-ups'."""
    now = now or timezone.now()
    purged = Invitation.objects.filter(meeting__ends_at__lt=now).exclude(dietary_needs="").update(dietary_needs="")
    return purged + (
        SeminarRegistration.objects.filter(meeting__ends_at__lt=now).exclude(dietary_needs="").update(dietary_needs="")
    )
