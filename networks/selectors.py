from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts import roles
from networks.models import Organizer


def organizers_for_user(*, user) -> QuerySet[Organizer]:
    """The organisers whose data ``user`` may see (all of them for a superuser)."""
    return roles.scope_to_organizers(Organizer.objects.all(), user, field="pk")


def organizer_for_user_or_404(*, user, slug: str) -> Organizer:
    """One organiser, or 404 when it is not the user's: others' organisers do not exist for them."""
    return get_object_or_404(organizers_for_user(user=user), slug=slug)
