"""Signed personal links: a participant acts (RSVP, calendar, later evaluations) without logging in.

The token is ``django.core.signing`` of the participant's pk and ``link_version``,
with a timestamp. It stops working when it is older than ``PERSONAL_LINK_DAYS``
(default 365), when the participant's links are revoked (``link_version`` raised),
or when the participant's membership is no longer active. All of these look alike
to the holder of the link.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db.models import F

from networks.models import Membership, MembershipParticipant

SALT = "meetings.participant"


def link_days() -> int:
    return int(getattr(settings, "PERSONAL_LINK_DAYS", 365))


def personal_token(participant: MembershipParticipant) -> str:
    return signing.dumps([participant.pk, participant.link_version], salt=SALT, compress=True)


def participant_from_token(token: str, *, max_age: int | None = None) -> MembershipParticipant | None:
    """The participant whose valid, current link ``token`` is; None for anything else."""
    if max_age is None:
        max_age = link_days() * 86400
    try:
        pk, version = signing.loads(token, salt=SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(version, int):
        return None
    return (
        MembershipParticipant.objects.select_related("membership__network", "membership__municipality")
        .filter(pk=pk, link_version=version, membership__status=Membership.Status.ACTIVE)
        .first()
    )


def revoke_links(participant: MembershipParticipant) -> None:
    """Every personal link given to ``participant`` so far stops working."""
    MembershipParticipant.objects.filter(pk=participant.pk).update(link_version=F("link_version") + 1)
    participant.refresh_from_db(fields=["link_version"])
