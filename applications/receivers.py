"""What the selection does when something happens in the networks app."""

from django.dispatch import receiver

from networks.signals import membership_left


@receiver(membership_left, dispatch_uid="applications-offer-vacated-place")
def offer_vacated_place(sender, membership, **kwargs):
    """A member left: offer the place to the first on the waiting list (if any, and if a place is free)."""
    from applications.waitlist import offer_next_place

    offer_next_place(network=membership.network, vacated_by=membership)
