"""Open seminars: anyone signs up through a public form (name, organisation, e-mail, dietary needs).

- A meeting is open for registration when it is open to the public
  (``Meeting.Audience.PUBLIC`` in its audience), planned (not called off),
  exactly dated (not a preliminary month) and has not started yet:
  registration closes when the seminar starts.
- The places are the meeting's ``capacity`` (none: no limit). They are taken by
  the active sign-ups and by the members' participants who answered "kommer" to
  their invitation: the same count as ``services.registration_count``, which the
  meeting form uses to refuse a capacity below those registered.
- ``register`` locks the meeting row while it counts, so two sign-ups at the same
  moment cannot both take the last place. One active sign-up per e-mail address
  (case-insensitive) and seminar; a cancelled one may sign up again. Dietary
  needs are kept only for a seminar on site (or hybrid), and deleted the night
  after it (``invitations.purge_dietary_needs``).
- The confirmation is e-mailed once after the commit, by the Celery task
  ``meetings.tasks.send_seminar_confirmation`` (key ``seminar-registration:<pk>``),
  with the seminar as an .ics file and the secret link to cancel.
- ``cancel`` (through that link) is idempotent and frees the place; a sign-up can
  no longer be cancelled once the seminar has started.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.mail import send_email_once
from meetings import services
from meetings.calendar import absolute_url, calendar_for
from meetings.invitations import DIETARY_MODES
from meetings.models import Meeting, SeminarRegistration
from networks.models import Network
from networks.permissions import PUBLIC_STATUSES, can_lead

PUBLIC = Meeting.Audience.PUBLIC
NAME_MAX_LENGTH = SeminarRegistration._meta.get_field("name").max_length
ORGANISATION_MAX_LENGTH = SeminarRegistration._meta.get_field("organisation").max_length
EMAIL_MAX_LENGTH = SeminarRegistration._meta.get_field("email").max_length
DIETARY_MAX_LENGTH = SeminarRegistration._meta.get_field("dietary_needs").max_length

ALREADY_REGISTERED = _(
    "This e-mail address is already registered for the seminar. See the confirmation e-mail: "
    "it has the details and a link to cancel."
)
FULLY_BOOKED = _("The seminar is fully booked.")


def is_public(meeting: Meeting) -> bool:
    return PUBLIC in (meeting.audience or ())


def closed_reason(meeting: Meeting, *, now=None) -> str | None:
    """Why ``meeting`` takes no sign-ups now, or None when it does (fully booked is not "closed")."""
    now = now or timezone.now()
    if not is_public(meeting):
        return str(_("This meeting is not open to the public."))
    if meeting.is_cancelled:
        return str(_("The seminar is called off, so it takes no registrations."))
    if meeting.is_preliminary:
        return str(_("The seminar has no date and time yet. Registration opens when it has."))
    if meeting.ends_at <= now:
        return str(_("The seminar has taken place, so registration is closed."))
    if meeting.starts_at <= now:
        return str(_("Registration closed when the seminar began."))
    return None


def is_open_for_registration(meeting: Meeting, *, now=None) -> bool:
    """Open to the public, planned, exactly dated and not started (no query: fit for a list of meetings)."""
    return closed_reason(meeting, now=now) is None


def active_registrations(meeting: Meeting) -> QuerySet[SeminarRegistration]:
    return meeting.registrations.filter(cancelled_at__isnull=True)


def places_left(meeting: Meeting) -> int | None:
    """The free places (never below 0), or None when the meeting has no capacity (no limit)."""
    if meeting.capacity is None:
        return None
    return max(0, meeting.capacity - services.registration_count(meeting))


def _clean(value, max_length: int, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({field: _("Keep it to %(max)s characters.") % {"max": max_length}})
    return text


def _validated(*, name, organisation, email, dietary_needs) -> dict:
    errors: dict[str, list] = {}
    data = {}
    for field, value, max_length, required in (
        ("name", name, NAME_MAX_LENGTH, True),
        ("organisation", organisation, ORGANISATION_MAX_LENGTH, True),
        ("email", email, EMAIL_MAX_LENGTH, True),
        ("dietary_needs", dietary_needs, DIETARY_MAX_LENGTH, False),
    ):
        try:
            data[field] = _clean(value, max_length, field, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    if "email" not in errors:
        try:
            validate_email(data["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)
    return data


def _duplicate() -> ValidationError:
    return ValidationError({"email": ValidationError(ALREADY_REGISTERED, code="duplicate")})


def _check_open(meeting: Meeting, network: Network) -> None:
    if network.status not in PUBLIC_STATUSES:
        raise ValidationError(_("This meeting is not open to the public."), code="closed")
    reason = closed_reason(meeting)
    if reason is not None:
        raise ValidationError(reason, code="closed")


def register(
    *, meeting: Meeting, name: str, organisation: str, email: str, dietary_needs: str = ""
) -> SeminarRegistration:
    """Sign up for an open seminar; refused (ValidationError) when closed, fully booked or already signed up."""
    data = _validated(name=name, organisation=organisation, email=email, dietary_needs=dietary_needs)
    try:
        with transaction.atomic():
            # One sign-up at a time per seminar: the count and the insert cannot interleave with another's.
            locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
            network = Network.objects.get(pk=locked.network_id)
            _check_open(locked, network)
            if active_registrations(locked).filter(email__iexact=data["email"]).exists():
                raise _duplicate()
            left = places_left(locked)
            if left is not None and left < 1:
                raise ValidationError(FULLY_BOOKED, code="full")
            if locked.mode not in DIETARY_MODES:
                data["dietary_needs"] = ""
            registration = SeminarRegistration.objects.create(meeting=locked, **data)
            transaction.on_commit(lambda: _queue_confirmation(registration.pk))
    except IntegrityError as error:
        # The unique active sign-up per address: only reachable if the lock above was bypassed.
        raise _duplicate() from error
    return registration


def _queue_confirmation(registration_id: int) -> None:
    from meetings.tasks import send_seminar_confirmation

    send_seminar_confirmation.delay(registration_id)


def cancel_url(registration: SeminarRegistration) -> str:
    return absolute_url(reverse("seminars:cancel", kwargs={"token": registration.token}))


def registration_url(meeting: Meeting) -> str:
    return absolute_url(reverse("seminars:register", kwargs={"slug": meeting.network.slug, "uid": meeting.uid}))


def registration_from_token(token: str) -> SeminarRegistration | None:
    """The sign-up whose secret ``token`` this is (None for an unknown or malformed one)."""
    if not token or len(token) > 100:
        return None
    return (
        SeminarRegistration.objects.select_related("meeting__network")
        .prefetch_related("meeting__agenda")
        .filter(token=token)
        .first()
    )


def may_cancel(registration: SeminarRegistration, *, now=None) -> bool:
    """Until the seminar starts (a called-off one: any time)."""
    meeting = registration.meeting
    if meeting.is_cancelled or meeting.starts_at is None:
        return True
    return (now or timezone.now()) < meeting.starts_at


@transaction.atomic
def cancel(token: str) -> SeminarRegistration | None:
    """Cancel the sign-up of ``token`` (a second time changes nothing); None for an unknown token."""
    found = registration_from_token(token)
    if found is None:
        return None
    registration = SeminarRegistration.objects.select_for_update().get(pk=found.pk)
    registration.meeting = found.meeting
    if registration.cancelled_at is not None:
        return registration
    if not may_cancel(registration):
        raise ValidationError(_("The seminar has begun, so the registration can no longer be cancelled."))
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["cancelled_at"])
    return registration


def ics_filename(meeting: Meeting) -> str:
    return (slugify(meeting.title)[:60].strip("-") or "seminar") + ".ics"


def send_confirmation(*, registration_id: int) -> bool:
    """E-mail the confirmation of an active sign-up to a planned seminar, once; True if sent now."""
    registration = (
        SeminarRegistration.objects.filter(
            pk=registration_id, cancelled_at__isnull=True, meeting__status=Meeting.Status.PLANNED
        )
        .select_related("meeting__network")
        .prefetch_related("meeting__agenda")
        .first()
    )
    if registration is None:
        return False
    meeting = registration.meeting
    context = {
        "registration": registration,
        "meeting": meeting,
        "network": meeting.network,
        "agenda": list(meeting.agenda.all()),
        "cancel_url": cancel_url(registration),
        "page_url": registration_url(meeting),
    }
    attachments = []
    if not meeting.is_preliminary:
        attachments.append((ics_filename(meeting), calendar_for([meeting], name=meeting.title), "text/calendar"))
    return send_email_once(
        key=f"seminar-registration:{registration.pk}",
        to=registration.email,
        template_prefix="meetings/email/seminar_confirmation",
        context=context,
        attachments=attachments,
    )


# --- The leads' side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    registrations: int  # active sign-ups through the form
    cancelled: int
    members_attending: int  # members' participants who answered "kommer"
    capacity: int | None
    places_left: int | None

    @property
    def taken(self) -> int:
        return self.registrations + self.members_attending


def counts(meeting: Meeting, registrations: list[SeminarRegistration]) -> Counts:
    """The sign-ups (already read) against the capacity; one query for the members' answers."""
    active = sum(1 for registration in registrations if registration.cancelled_at is None)
    members = meeting.invitations.filter(response="yes").count()
    left = None if meeting.capacity is None else max(0, meeting.capacity - active - members)
    return Counts(
        registrations=active,
        cancelled=len(registrations) - active,
        members_attending=members,
        capacity=meeting.capacity,
        places_left=left,
    )


def attendance_refusal(meeting: Meeting, *, now=None) -> str | None:
    """Why the sign-ups' attendance cannot be recorded now, or None."""
    if meeting.is_cancelled:
        return str(_("The seminar was called off, so there is no attendance to record."))
    if meeting.starts_at is None or meeting.starts_at > (now or timezone.now()):
        return str(_("Attendance can be recorded once the seminar has begun."))
    return None


@transaction.atomic
def attendance_save(*, meeting: Meeting, actor, attended: set[int]) -> int:
    """Record who of the active sign-ups attended (the others did not); return how many attended."""
    if not can_lead(actor, meeting.network):
        raise PermissionDenied
    refusal = attendance_refusal(meeting)
    if refusal:
        raise ValidationError(refusal)
    active = active_registrations(meeting).select_for_update()
    ids = set(active.values_list("pk", flat=True))
    if attended - ids:
        raise ValidationError(_("The form was not understood. Reload the page and try again."))
    active.filter(pk__in=attended).update(attended=True)
    active.exclude(pk__in=attended).update(attended=False)
    return len(attended)
