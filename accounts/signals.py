"""allauth signals → accounts services. Signals only decouple; the rules live in services."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from accounts import services


@receiver(email_confirmed, dispatch_uid="accounts-link-by-verified-email")
def link_representative_by_verified_email(sender, request, email_address, **kwargs):
    services.representative_link_by_verified_email(user=email_address.user, email=email_address.email)
