"""Reaching the people of a meeting: a lead's message to its invitees, and a participant's own account.

Messages
    A network's lead writes to everyone invited to a meeting, to those who have
    not answered, or to those attending (a called-off meeting may still be
    written to, to say why). The message is kept (``MeetingMessage``) and, after
    the commit, e-mailed by ``meetings.tasks.send_meeting_message`` to each
    recipient once (key ``meeting-message:<message>:<invitation>``), with their
    personal link. The recipients are fixed when the message is written.

Accounts
    A participant may claim an account with the e-mail address their personal
    link was sent to: the link proves the address, so the new user's allauth
    address is verified at once; the password is chosen through allauth's
    password-reset e-mail. An existing account is never changed or duplicated.
    A logged-in user sees the invitations of the participants (of active
    memberships) whose e-mail is one of the user's verified addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.audit import acting_as
from core.mail import send_email_once
from core.models import SentEmail
from meetings import calendar_services
from meetings.calendar import absolute_url
from meetings.links import personal_token
from meetings.models import AgendaBlock, Invitation, Meeting, MeetingMessage
from networks.models import Membership, MembershipParticipant
from networks.permissions import can_lead

Response = Invitation.Response
SUBJECT_MAX_LENGTH = MeetingMessage._meta.get_field("subject").max_length
BODY_MAX_LENGTH = 10_000
# The same message sent again this soon is taken for a double click.
RESEND_GUARD = timedelta(minutes=10)


class Recipients(models.TextChoices):
    ALL = "all", _("Everyone invited")
    NO_ANSWER = "no_answer", _("Those who have not answered")
    ATTENDING = "attending", _("Those attending")


RECIPIENT_FILTERS = {
    Recipients.ALL: Q(),
    Recipients.NO_ANSWER: Q(response=Response.NONE),
    Recipients.ATTENDING: Q(response=Response.YES),
}


# --- Messages to a meeting's invitees --------------------------------------------------------------


def _reachable(meeting: Meeting) -> QuerySet[Invitation]:
    """The meeting's invitations whose participant can be written to (active membership, an e-mail address)."""
    return Invitation.objects.filter(meeting=meeting, participant__membership__status=Membership.Status.ACTIVE).exclude(
        participant__email=""
    )


def recipients(meeting: Meeting, to: str) -> QuerySet[Invitation]:
    """The invitations a message ``to`` this group reaches."""
    if to not in RECIPIENT_FILTERS:
        raise ValidationError({"to": _("Choose whom to send the message to.")})
    return _reachable(meeting).filter(RECIPIENT_FILTERS[to])


def recipient_counts(meeting: Meeting) -> dict[str, int]:
    """How many each group has (one query)."""
    counts = _reachable(meeting).aggregate(
        **{
            key: Count("pk", filter=condition) if condition else Count("pk")
            for key, condition in RECIPIENT_FILTERS.items()
        }
    )
    return {str(key): value or 0 for key, value in counts.items()}


def earlier_messages(meeting: Meeting) -> list[MeetingMessage]:
    """The meeting's messages, newest first, with their senders (one query)."""
    return list(meeting.messages.select_related("sent_by").order_by("-sent_at", "-pk"))


def _clean(subject: str, body: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())  # one line: no header tricks, no stray spaces
    body = (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Write a subject.")
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = _("Keep the subject to %(max)s characters.") % {"max": SUBJECT_MAX_LENGTH}
    if not body:
        errors["body"] = _("Write a message.")
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = _("Keep the message to %(max)s characters.") % {"max": BODY_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    return subject, body


@transaction.atomic
def send_message(*, meeting: Meeting, actor, subject: str, body: str, to: str) -> MeetingMessage:
    """Keep the message and e-mail it to the chosen invitees after the commit; return the message.

    Only the network's leads may write. Raises ValidationError for an empty or too
    long subject or message, an unknown group, a group with no one in it, or the
    same message sent again within minutes (a double click).
    """
    if not can_lead(actor, meeting.network):
        raise PermissionDenied
    subject, body = _clean(subject, body)
    # One message at a time per meeting, so that two clicks cannot both send.
    meeting = Meeting.objects.select_for_update().select_related("network").get(pk=meeting.pk)
    invitation_ids = list(recipients(meeting, to).order_by("pk").values_list("pk", flat=True))
    if not invitation_ids:
        raise ValidationError({"to": _("No one in this group can be written to.")}, code="empty")
    recent = meeting.messages.filter(subject=subject, body=body, sent_at__gte=timezone.now() - RESEND_GUARD)
    if recent.exists():
        raise ValidationError(_("This message was just sent. It is not sent twice."), code="duplicate")
    message = MeetingMessage.objects.create(
        meeting=meeting, subject=subject, body=body, sent_by=actor, recipient_count=len(invitation_ids)
    )
    from meetings.tasks import send_meeting_message

    transaction.on_commit(lambda: send_meeting_message.delay(message.pk, invitation_ids))
    return message


def message_key(message_id: int, invitation_id: int) -> str:
    return f"meeting-message:{message_id}:{invitation_id}"


def send_message_emails(*, message_id: int, invitation_ids: list[int]) -> int:
    """E-mail the message to each of these invitations (of its meeting) once; return how many were sent now."""
    message = MeetingMessage.objects.select_related("meeting__network", "sent_by").filter(pk=message_id).first()
    if message is None:
        return 0
    meeting = message.meeting
    sent_keys = set(
        SentEmail.objects.filter(key__in=[message_key(message.pk, pk) for pk in invitation_ids]).values_list(
            "key", flat=True
        )
    )
    wanted = [pk for pk in invitation_ids if message_key(message.pk, pk) not in sent_keys]
    invitations = (
        _reachable(meeting).filter(pk__in=wanted).select_related("participant__membership").order_by("pk")
        if wanted
        else []
    )
    answerable = not meeting.is_cancelled and (meeting.ends_at is None or meeting.ends_at >= timezone.now())
    sent = 0
    for invitation in invitations:
        participant = invitation.participant
        token = personal_token(participant)
        context = {
            "message": message,
            "meeting": meeting,
            "network": meeting.network,
            "participant": participant,
            "invitation": invitation,
            "url": absolute_url(reverse("participant:home", kwargs={"token": token})),
            "respond_url": absolute_url(
                reverse("participant:respond", kwargs={"token": token, "invitation_pk": invitation.pk})
            )
            if answerable
            else "",
        }
        sent += send_email_once(
            key=message_key(message.pk, invitation.pk),
            to=participant.email.strip(),
            template_prefix="meetings/email/message",
            context=context,
        )
    return sent


# --- A participant's own account ------------------------------------------------------------------

_MEMO_ATTR = "_outreach_is_participant"


def forget_is_participant(user) -> None:
    """Drop the remembered answer of ``is_participant`` after a change within the same request."""
    if hasattr(user, _MEMO_ATTR):
        delattr(user, _MEMO_ATTR)


def _verified_emails(user) -> list[str]:
    return sorted(
        {
            email.strip().lower()
            for email in EmailAddress.objects.filter(user_id=user.pk, verified=True).values_list("email", flat=True)
        }
    )


def _participants_by_email(emails) -> QuerySet[MembershipParticipant]:
    return (
        MembershipParticipant.objects.filter(membership__status=Membership.Status.ACTIVE)
        .annotate(email_key=Lower(Trim("email")))
        .filter(email_key__in=emails)
    )


def is_participant(user) -> bool:
    """Is ``user`` (by a verified e-mail address) a participant of an active membership?

    One query, remembered on the user object for the rest of the request: every page
    costs the same, so a page's queries do not depend on what an earlier page cached.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    found = getattr(user, _MEMO_ATTR, None)
    if found is None:
        verified = EmailAddress.objects.filter(user_id=user.pk, verified=True).annotate(key=Lower(Trim("email")))
        found = _participants_by_email(verified.values("key")).exists()
        setattr(user, _MEMO_ATTR, found)
    return found


@dataclass
class MyMeetings:
    upcoming: list[Invitation]
    past: list[Invitation]
    feeds: list[str]  # the webcal:// addresses, one per e-mail address
    participants: list[MembershipParticipant]


def _is_past(meeting: Meeting, today) -> bool:
    if meeting.starts_at is not None:
        return timezone.localdate(meeting.ends_at) < today
    return meeting.sort_date < today.replace(day=1)


def my_meetings(user) -> MyMeetings:
    """The invitations of ``user``'s participants (by verified e-mail, active memberships), each with its
    personal links, and the person's calendar feeds. A constant number of queries, however many rows."""
    from meetings.calendar_views import feed_urls

    emails = _verified_emails(user)
    participants = list(
        _participants_by_email(emails)
        .select_related("membership__network", "membership__municipality")
        .order_by("membership__network__title", "membership__municipality__name", "pk")
    )
    by_pk = {participant.pk: participant for participant in participants}
    invitations = list(
        Invitation.objects.filter(
            participant_id__in=by_pk, meeting__network_id=models.F("participant__membership__network_id")
        )
        .select_related("meeting__network")
        .prefetch_related(Prefetch("meeting__agenda", queryset=AgendaBlock.objects.order_by("starts", "order", "pk")))
        .order_by("meeting__sort_date", "meeting__starts_at", "meeting__pk", "pk")
    )
    tokens = {pk: personal_token(participant) for pk, participant in by_pk.items()}
    for invitation in invitations:
        invitation.participant = by_pk[invitation.participant_id]
        invitation.token = tokens[invitation.participant_id]
    for participant in participants:
        participant.token = tokens[participant.pk]
    today = timezone.localdate()
    upcoming = [i for i in invitations if not _is_past(i.meeting, today)]
    past = [i for i in invitations if _is_past(i.meeting, today)]
    past.reverse()
    # A participant's feed holds every network of that e-mail address: one feed per address is enough.
    first_per_email: dict[str, MembershipParticipant] = {}
    for participant in participants:
        first_per_email.setdefault(participant.email.strip().lower(), participant)
    feeds = [
        feed_urls(calendar_services.feed_for_participant(participant=participant))["webcal"]
        for participant in first_per_email.values()
    ]
    setattr(user, _MEMO_ATTR, bool(participants))
    return MyMeetings(upcoming=upcoming, past=past, feeds=feeds, participants=participants)


@dataclass(frozen=True)
class Claim:
    user: User
    created: bool


def existing_user(email: str) -> User | None:
    """The user who has ``email`` as their login or as one of their addresses (verified or not)."""
    email = email.strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    address = EmailAddress.objects.select_related("user").filter(email__iexact=email).first()
    return address.user if address is not None else None


def claim_account(*, participant: MembershipParticipant) -> Claim:
    """An account for the participant's e-mail address: made (verified, primary, no usable password yet)
    unless someone already has that address, in which case nothing changes."""
    email = participant.email.strip().lower()
    if not email:
        raise ValidationError(_("There is no e-mail address to make the account with."), code="no_email")
    found = existing_user(email)
    if found is not None:
        return Claim(user=found, created=False)
    try:
        with transaction.atomic(), acting_as(None):  # the participant, through their personal link
            user = User.objects.create_user(email=email, password=None, name=participant.name[:150])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    except IntegrityError:
        # Someone made the account between our look-up and our insert: theirs stands.
        return Claim(user=existing_user(email), created=False)
    return Claim(user=user, created=True)


def send_set_password_email(request, user: User) -> None:
    """allauth's password-reset e-mail, by which a new account's holder chooses a password."""
    from allauth.account.forms import ResetPasswordForm

    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)
