"""Roles and their checks, in one place.

- Staff roles are per organiser (StaffRole): network lead (projektledare),
  finance (ekonomi) and administrator (administratör). Staff see only the data
  of the organisers they hold a role at.
- A superuser is the system administrator and sees everything.
- A municipality representative (kommunrepresentant) is a user linked to one
  municipality and sees only that municipality's data.
- Participants act through signed personal links (later issues), not roles.

Views use the decorators; querysets are narrowed with ``organizer_ids`` and
``scope_to_organizers``. Role lookups are cached on the user object, so a page
costs one query for them however many checks it makes.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import StaffRole

Role = StaffRole.Role
ALL_STAFF_ROLES = frozenset(Role.values)

_CACHE_ATTR = "_staff_role_cache"


def _roles(user) -> frozenset[tuple[int, str]]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(StaffRole.objects.filter(user=user).values_list("organizer_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after they were changed within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_superuser(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def has_role(user, roles=ALL_STAFF_ROLES, organizer=None) -> bool:
    """Does the user hold one of ``roles`` (at ``organizer``, if given)? Superusers always do."""
    if is_superuser(user):
        return True
    roles = {roles} if isinstance(roles, str) else set(roles)
    organizer_id = getattr(organizer, "pk", organizer)
    return any(role in roles and (organizer_id is None or org_id == organizer_id) for org_id, role in _roles(user))


def is_staff_member(user) -> bool:
    return has_role(user, ALL_STAFF_ROLES)


def is_network_lead(user, organizer=None) -> bool:
    return has_role(user, {Role.NETWORK_LEAD, Role.ADMINISTRATOR}, organizer)


def is_finance(user, organizer=None) -> bool:
    return has_role(user, {Role.FINANCE, Role.ADMINISTRATOR}, organizer)


def is_administrator(user, organizer=None) -> bool:
    return has_role(user, {Role.ADMINISTRATOR}, organizer)


def is_representative(user, municipality=None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.municipality_id is None:
        return False
    municipality_id = getattr(municipality, "pk", municipality)
    return municipality_id is None or user.municipality_id == municipality_id


def organizer_ids(user, roles=ALL_STAFF_ROLES) -> set[int] | None:
    """The organisers whose data the user may see in ``roles``; None means all (superuser)."""
    if is_superuser(user):
        return None
    roles = {roles} if isinstance(roles, str) else set(roles)
    return {org_id for org_id, role in _roles(user) if role in roles or role == Role.ADMINISTRATOR}


def scope_to_organizers(queryset: QuerySet, user, field: str = "organizer", roles=ALL_STAFF_ROLES) -> QuerySet:
    """Narrow ``queryset`` to rows whose ``field`` is one of the user's organisers."""
    allowed = organizer_ids(user, roles)
    if allowed is None:
        return queryset
    lookup = "pk__in" if field == "pk" else f"{field}__in"
    return queryset.filter(**{lookup: allowed})


def role_labels(user) -> list[str]:
    """Human names of the user's roles, for the navigation and the account page."""
    from django.utils.translation import gettext as _

    labels = []
    if is_superuser(user):
        labels.append(_("System administrator"))
    for role in Role:
        if any(r == role for _org, r in _roles(user)):
            labels.append(str(role.label))
    if is_representative(user):
        labels.append(_("Municipality representative"))
    return labels


def _require(check):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = _require(is_staff_member)
network_lead_required = _require(is_network_lead)
finance_required = _require(is_finance)
administrator_required = _require(lambda user: is_administrator(user))
representative_required = _require(is_representative)
