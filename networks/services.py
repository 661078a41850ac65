"""Every write to a network: create, edit, its parts, and its status flow.

Each service checks that ``actor`` may lead the network (views check too; a
management command or an admin action must not slip past), validates with
``full_clean()`` and records ``actor`` in the history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.audit import acting_as
from networks.models import Network, Organizer
from networks.permissions import can_lead

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
