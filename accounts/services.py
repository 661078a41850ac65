"""Writes on accounts: linking municipality representatives.

A user linked to a municipality never silently changes municipality: linking a
user who already represents another municipality raises, and the automatic link
by e-mail domain only ever links users without a link.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.audit import acting_as
from municipalities.models import Municipality, MunicipalityDomain

# The fields that make up a user's municipality link.
LINK_FIELDS = ["municipality", "municipality_link_source", "municipality_linked_by", "municipality_linked_at"]


class RepresentativeLinkError(Exception):
    """A link that would silently move a representative to another municipality."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def email_domain(email: str) -> str:
    """The lower-case domain of ``email``, or "" if it has none."""
    _local, sep, domain = (email or "").strip().rpartition("@")
    return domain.lower() if sep else ""


def _link(*, user: User, municipality: Municipality, actor: User | None, source: str) -> User:
    user.municipality = municipality
    user.municipality_link_source = source
    user.municipality_linked_by = actor
    user.municipality_linked_at = timezone.now()
    user.requested_municipality = None
    user.save(update_fields=[*LINK_FIELDS, "requested_municipality"])
    return user


@transaction.atomic
def representative_link(
    *, user: User, municipality: Municipality, actor: User | None, source: str = User.LinkSource.GRANTED
) -> User:
    """Make ``user`` the representative of ``municipality``.

    Idempotent for the same municipality; raises RepresentativeLinkError if the
    user already represents another one (unlink first, deliberately).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.municipality_id == municipality.pk:
        return user
    if user.municipality_id is not None:
        raise RepresentativeLinkError(
            _("%(user)s already represents another municipality; remove that link first.") % {"user": user.email}
        )
    with acting_as(actor):
        return _link(user=user, municipality=municipality, actor=actor, source=source)


@transaction.atomic
def representative_unlink(*, user: User, actor: User | None) -> User:
    """Remove the user's municipality link (a no-op if there is none)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.municipality_id is None:
        return user
    user.municipality = None
    user.municipality_link_source = ""
    user.municipality_linked_by = None
    user.municipality_linked_at = None
    with acting_as(actor):
        user.save(update_fields=LINK_FIELDS)
    return user


@transaction.atomic
def representative_request_reject(*, user: User, actor: User | None) -> User:
    """Decline what the user asked for at sign-up: forget the requested municipality."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.requested_municipality_id is None:
        return user
    user.requested_municipality = None
    with acting_as(actor):
        user.save(update_fields=["requested_municipality"])
    return user


@transaction.atomic
def representative_link_by_verified_email(*, user: User, email: str) -> User | None:
    """Link ``user`` to the municipality whose registered domain ``email`` is on.

    Called when allauth has verified ``email``. Exact, lower-case domain match;
    users who already have a link keep it. Returns the user if a link was made.
    """
    domain = email_domain(email)
    if not domain:
        return None
    match = MunicipalityDomain.objects.select_related("municipality").filter(domain=domain).first()
    if match is None or not match.municipality.is_active:
        return None
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.municipality_id is not None:
        return None
    with acting_as(None):
        return _link(user=user, municipality=match.municipality, actor=None, source=User.LinkSource.DOMAIN)
