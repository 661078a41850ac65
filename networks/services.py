"""Every write to a network: create, edit, its parts, and its status flow.

Each service checks that ``actor`` may lead the network (views check too; a
management command or an admin action must not slip past), validates with
``full_clean()`` and records ``actor`` in the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.audit import acting_as
from municipalities.models import normalise_orgnr
from networks.models import (
    Membership,
    MembershipCommitment,
    MembershipParticipant,
    Network,
    Organizer,
    ParticipantGroup,
)
from networks.permissions import can_edit_membership, can_lead
from networks.signals import membership_left

Status = Network.Status

# The status flow. Selection may go back to open when the deadline was extended.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN}),
    Status.OPEN: frozenset({Status.SELECTION}),
    Status.SELECTION: frozenset({Status.OPEN, Status.RUNNING}),
    Status.RUNNING: frozenset({Status.FINISHED}),
    Status.FINISHED: frozenset({Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}

SLUG_MAX_LENGTH = Network._meta.get_field("slug").max_length
# Address names that are pages of their own under /projektledare/natverk/.
RESERVED_SLUGS = frozenset({"nytt"})


class NetworkStatusError(ValidationError):
    """A status change that the flow does not allow, with a message for the user."""


def network_suggest_slug(*, title: str, exclude_pk: int | None = None) -> str:
    """A free address name from ``title``: slugify (å, ä, ö → a, a, o), then -2, -3 … if taken."""
    base = slugify(title)[: SLUG_MAX_LENGTH - 4].strip("-") or "natverk"
    taken = RESERVED_SLUGS | set(
        Network.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_lead(actor, network: Network) -> None:
    if not can_lead(actor, network):
        raise PermissionDenied


def _check_dates(network: Network) -> None:
    opens, deadline = network.applications_open_at, network.application_deadline
    if opens and deadline and deadline <= opens:
        raise ValidationError({"application_deadline": _("The deadline must be after the applications open.")})


def _save(network: Network) -> None:
    if network.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address name is reserved. Choose another.")})
    network.full_clean()
    _check_dates(network)
    network.save()


@transaction.atomic
def network_create(
    *,
    actor,
    organizer: Organizer,
    title: str,
    slug: str = "",
    co_organizers: Iterable[Organizer] = (),
    efficiency_models: Iterable = (),
    **fields,
) -> Network:
    """A new draft network of ``organizer``, where ``actor`` is a network lead or administrator."""
    if not roles.is_network_lead(actor, organizer):
        raise PermissionDenied
    fields.pop("status", None)
    network = Network(
        organizer=organizer, title=title, slug=slug or network_suggest_slug(title=title), status=Status.DRAFT, **fields
    )
    with acting_as(actor):
        _save(network)
        network.co_organizers.set(co_organizers)
        network.efficiency_models.set(efficiency_models)
    return network


@transaction.atomic
def network_update(
    *,
    actor,
    network: Network,
    co_organizers: Iterable[Organizer] | None = None,
    efficiency_models: Iterable | None = None,
    **fields,
) -> Network:
    """Change the invitation's fields (not its status: that goes through ``network_set_status``)."""
    _check_lead(actor, network)
    fields.pop("status", None)
    organizer = fields.get("organizer")
    if organizer is not None and organizer.pk != network.organizer_id and not roles.is_network_lead(actor, organizer):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(network, name, value)
    with acting_as(actor):
        _save(network)
        if co_organizers is not None:
            network.co_organizers.set(co_organizers)
        if efficiency_models is not None:
            # The need-of-support basis of the selection (seed 002); the form offers the lead's organisers' models.
            network.efficiency_models.set(efficiency_models)
    return network


@transaction.atomic
def network_save_parts(*, actor, network: Network, formsets: Iterable) -> None:
    """Save the invitation's contacts, commitments, roles and criteria from validated inline formsets."""
    _check_lead(actor, network)
    with acting_as(actor):
        for formset in formsets:
            formset.instance = network
            for obj in formset.save(commit=False):
                obj.network = network
                obj.full_clean()
                obj.save()
            for obj in formset.deleted_objects:
                obj.delete()


def _check_transition(network: Network, status: str, now) -> None:
    if status not in ALLOWED_TRANSITIONS[network.status]:
        raise NetworkStatusError(
            _("A network cannot go from “%(current)s” to “%(new)s”.")
            % {"current": network.get_status_display(), "new": Status(status).label}
        )
    if status == Status.OPEN:
        if not network.application_deadline:
            raise NetworkStatusError(_("Set an application deadline before opening for applications."))
        if network.application_deadline <= now:
            raise NetworkStatusError(
                _("The application deadline has passed. Extend it before opening for applications.")
            )


@transaction.atomic
def network_set_status(*, actor, network: Network, status: str, now=None) -> Network:
    """Move ``network`` along the status flow; setting the status it already has changes nothing."""
    _check_lead(actor, network)
    # Lock the row so two leads pressing buttons at once cannot both pass the check.
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.status == status:
        return network
    _check_transition(network, status, now or timezone.now())
    network.status = status
    with acting_as(actor):
        _save(network)
    return network


@transaction.atomic
def network_open_applications(*, actor, network: Network, now=None) -> Network:
    """Publish the invitation and accept applications (from a draft, or again after an extended deadline)."""
    return network_set_status(actor=actor, network=network, status=Status.OPEN, now=now)


@transaction.atomic
def network_close_applications(*, actor, network: Network, now=None) -> Network:
    """Stop accepting applications and begin the selection."""
    return network_set_status(actor=actor, network=network, status=Status.SELECTION, now=now)


# --- Memberships ---------------------------------------------------------------------------
#
# A membership begins with a selection decision (applications) or directly: a lead adds a
# municipality without an application (seed 003: KSL invites its members). The municipality's
# representative then completes participants, commitments and invoice details.

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MembershipStatus = Membership.Status
INVOICE_FIELDS = ("invoice_orgnr", "invoice_email", "invoice_address", "buyer_reference", "peppol_id")
COMMITMENT_FIELDS = ("confirmed", "decision_date", "decision_reference", "decision_pending", "expected_date", "details")
PARTICIPANT_FIELDS = ("name", "email", "title", "role")


class MembershipError(ValidationError):
    """A refused change to a membership, with a message for the user."""


class NetworkFullError(MembershipError):
    """Every place is taken: the lead may confirm adding the member over the capacity."""


def _today():
    return timezone.localdate(timezone=STOCKHOLM)


def _register_invoice_details(municipality) -> dict:
    """The invoice details the register holds, as an application starts with them; invalid values left out."""
    orgnr = municipality.organisation_number
    values = {
        "invoice_orgnr": orgnr,
        "invoice_email": municipality.invoice_email,
        "invoice_address": municipality.invoice_address,
        "buyer_reference": municipality.buyer_reference,
        "peppol_id": municipality.peppol_id or (f"0007:{orgnr}" if orgnr else ""),
    }
    for name, value in values.items():
        try:
            Membership._meta.get_field(name).clean(value, None)
        except ValidationError:
            values[name] = ""  # a bad register value must not block the membership; the representative completes it
    return values


def _check_not_ended(membership: Membership) -> None:
    if membership.status != MembershipStatus.ACTIVE:
        raise MembershipError(_("The membership has ended and can no longer be changed."))


def _locked_membership(membership: Membership) -> Membership:
    # Lock the membership row only (not the joined network and municipality).
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("network", "municipality")
        .get(pk=membership.pk)
    )


def _editable_membership(membership: Membership, actor) -> Membership:
    membership = _locked_membership(membership)
    if not can_edit_membership(actor, membership):
        raise PermissionDenied
    _check_not_ended(membership)
    return membership


def _check_can_join(network: Network, municipality, existing: Membership | None) -> None:
    if network.status in (Status.FINISHED, Status.ARCHIVED):
        raise MembershipError(_("The network has finished; no members can be added."))
    if not network.accepts_municipality(municipality):
        if network.eligibility == Network.Eligibility.REGIONS:
            message = _("%(name)s cannot be a member: the network is for regions only.")
        else:
            message = _("%(name)s cannot be a member: the network is for municipalities only.")
        raise MembershipError(message % {"name": municipality.name})
    if existing is not None and existing.status == MembershipStatus.ACTIVE:
        raise MembershipError(_("%(name)s is already a member of the network.") % {"name": municipality.name})


@transaction.atomic
def membership_add_direct(
    *, network: Network, municipality, actor, started_on=None, allow_over_capacity: bool = False
) -> Membership:
    """Make ``municipality`` a member of ``network`` without an application (a direct invitation).

    Refuses an active member, a kind the network does not take and, unless ``allow_over_capacity``,
    a full network (NetworkFullError). A municipality that left earlier gets its row back, active
    again. Invoice details come from the register; each of the network's commitments is added
    unconfirmed for the representative to answer.
    """
    _check_lead(actor, network)
    # Lock the network so two leads taking the last place at the same moment cannot both pass.
    network = Network.objects.select_for_update().get(pk=network.pk)
    membership = Membership.objects.filter(network=network, municipality=municipality).first()
    _check_can_join(network, municipality, membership)
    active = network.memberships.filter(status=MembershipStatus.ACTIVE).count()
    if active >= network.capacity and not allow_over_capacity:
        raise NetworkFullError(
            _("All %(capacity)s places are taken. Confirm to add %(name)s over the capacity.")
            % {"capacity": network.capacity, "name": municipality.name}
        )
    if membership is None:
        membership = Membership(network=network, municipality=municipality)
    for name, value in _register_invoice_details(municipality).items():
        if not getattr(membership, name):  # a returning member keeps what it completed before
            setattr(membership, name, value)
    membership.status = MembershipStatus.ACTIVE
    membership.source = Membership.Source.DIRECT
    membership.started_on = started_on or _today()
    membership.left_on, membership.left_reason = None, ""
    with acting_as(actor):
        membership.full_clean()
        membership.save()
        answered = set(membership.commitments.values_list("commitment_id", flat=True))
        for commitment in network.commitments.all():
            if commitment.pk not in answered:
                MembershipCommitment.objects.create(membership=membership, commitment=commitment)
    return membership


@transaction.atomic
def membership_update_invoice_details(*, membership: Membership, actor, data: dict) -> Membership:
    """Store the invoice details in ``data`` (orgnr, e-mail, address, reference, PEPPOL id); others stay."""
    membership = _editable_membership(membership, actor)
    for name in INVOICE_FIELDS:
        if name in data:
            setattr(membership, name, (data[name] or "").strip())
    if membership.invoice_orgnr:
        membership.invoice_orgnr = normalise_orgnr(membership.invoice_orgnr)
        if not membership.peppol_id:
            membership.peppol_id = f"0007:{membership.invoice_orgnr}"
    with acting_as(actor):
        membership.full_clean()
        membership.save()
    return membership


@transaction.atomic
def membership_save_participants(*, membership: Membership, actor, rows: list[dict]) -> list[MembershipParticipant]:
    """Make the participant list ``rows`` (dicts of id, name, e-mail, title, role): add, edit, remove.

    ``rows`` is the whole list: participants not in it are removed. An id that is not one of this
    membership's participants makes a new participant. E-mail addresses are unique per membership,
    whatever their case.
    """
    membership = _editable_membership(membership, actor)
    seen = set()
    for row in rows:
        email = (row.get("email") or "").strip()
        if email.lower() in seen:
            raise MembershipError(
                _("%(email)s is on the list twice: each participant needs an own e-mail address.") % {"email": email}
            )
        seen.add(email.lower())
    existing = {participant.pk: participant for participant in membership.participants.all()}
    kept = {row.get("id") for row in rows} & set(existing)
    saved = []
    try:
        with transaction.atomic(), acting_as(actor):
            for pk in set(existing) - kept:  # removed first, so a kept row may take over a removed one's address
                existing[pk].delete()
            for row in rows:
                participant = existing.get(row.get("id")) or MembershipParticipant(membership=membership)
                for name in PARTICIPANT_FIELDS:
                    setattr(participant, name, (row.get(name) or "").strip())
                participant.groups = [group for group in ParticipantGroup.values if group in (row.get("groups") or ())]
                participant.full_clean(exclude=["membership"], validate_constraints=False)
                participant.save()
                saved.append(participant)
    except IntegrityError:
        # Two kept participants swapping addresses meet the unique constraint halfway.
        raise MembershipError(
            _("Two participants cannot swap e-mail addresses in one save. Change one, save, then the other.")
        ) from None
    if saved:
        from networks.tasks import send_participant_information

        membership_id = membership.pk
        transaction.on_commit(lambda: send_participant_information.delay(membership_id))
    return saved


def _commitment_default(name: str):
    if name.endswith("_date"):
        return None
    return "" if name in ("decision_reference", "details") else False


@transaction.atomic
def membership_save_commitments(*, membership: Membership, actor, answers: dict[int, dict]) -> None:
    """Store the answers to the network's commitments: ``answers`` maps a NetworkCommitment pk to its fields."""
    membership = _editable_membership(membership, actor)
    allowed = set(membership.network.commitments.values_list("pk", flat=True))
    existing = {answer.commitment_id: answer for answer in membership.commitments.all()}
    with acting_as(actor):
        for commitment_id, values in answers.items():
            if commitment_id not in allowed:
                continue
            answer = existing.get(commitment_id) or MembershipCommitment(
                membership=membership, commitment_id=commitment_id
            )
            for name in COMMITMENT_FIELDS:
                if name in values:
                    setattr(answer, name, values[name] if values[name] is not None else _commitment_default(name))
            answer.full_clean(exclude=["membership", "commitment"], validate_constraints=False)
            answer.save()


@transaction.atomic
def membership_leave(*, membership: Membership, actor, reason: str, left_on=None) -> Membership:
    """End ``membership`` on ``left_on`` (today in Stockholm) for ``reason``; ``actor`` leads the network.

    Its place becomes free: ``networks.signals.membership_left`` is sent inside the transaction,
    and the selection (applications) offers the place to the waiting list. Leaving twice is
    refused, so a place cannot be offered twice for one departure.
    """
    membership = _locked_membership(membership)
    _check_lead(actor, membership.network)
    if membership.status == MembershipStatus.LEFT:
        raise MembershipError(_("%(name)s has already left the network.") % {"name": membership.municipality.name})
    left_on = left_on or _today()
    # A member may withdraw before the network starts (the usual case for the waiting list),
    # but not before it became a member.
    joined = timezone.localtime(membership.created_at, STOCKHOLM).date() if membership.created_at else None
    if joined and left_on < min(joined, membership.started_on or joined):
        raise MembershipError(_("A membership cannot end before it started."))
    membership.status = MembershipStatus.LEFT
    membership.left_on = left_on
    membership.left_reason = (reason or "").strip()
    with acting_as(actor):
        membership.save(update_fields=["status", "left_on", "left_reason"])
        membership_left.send(sender=Membership, membership=membership)
    return membership
