"""E-mail to the people a member municipality names as participants, each at most once.

Key (core.mail.send_email_once): ``member-participant-info:<membership>:<email>``,
so saving the list again, or the task running twice, sends nothing new; a person
removed and added again is not told twice.
"""

from __future__ import annotations

from django.urls import reverse

from core.mail import send_email_once
from networks.models import Membership


def send_participant_information(*, membership_id: int) -> int:
    """Tell each participant of the membership how their personal data is used; return how many were sent."""
    membership = (
        Membership.objects.select_related("network__organizer", "municipality")
        .prefetch_related("participants")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        return 0
    sent = 0
    for participant in membership.participants.all():
        sent += send_email_once(
            key=f"member-participant-info:{membership.pk}:{participant.email.lower()}",
            to=participant.email,
            template_prefix="networks/email/participant_info",
            context={
                "participant": participant,
                "membership": membership,
                "network": membership.network,
                "organizer": membership.network.organizer,
                "url": reverse("portal:invitation", args=[membership.network.slug]),
            },
        )
    return sent
