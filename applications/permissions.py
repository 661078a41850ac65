"""Who may see and change applications.

- A municipality representative sees and edits only their own municipality's
  applications; any other application is a 404 for them, by any URL.
- A network's leads (networks.permissions) see and review its applications.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts import roles
from applications.models import Application
from networks.permissions import networks_led_by


def applications_of_own_municipality(user) -> QuerySet[Application]:
    if not roles.is_representative(user):
        return Application.objects.none()
    return Application.objects.filter(municipality_id=user.municipality_id)


def applications_for_lead(user) -> QuerySet[Application]:
    return Application.objects.filter(network__in=networks_led_by(user))


def application_for_lead_or_404(user, pk) -> Application:
    return get_object_or_404(applications_for_lead(user).select_related("network", "municipality"), pk=pk)


def applications_visible_to(user) -> QuerySet[Application]:
    """Everything ``user`` may read: own municipality's plus the networks they lead."""
    return (applications_of_own_municipality(user) | applications_for_lead(user)).distinct()
