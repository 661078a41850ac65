from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.roles import is_staff_member


class StaffMfaRequiredMiddleware:
    """Send staff without two-factor authentication to set it up before anything else.

    On in production settings (MFA_REQUIRED_FOR_STAFF); the embedded demo turns it
    off and the login page says so.
    """

    # Pages a staff member must still reach to set up MFA or leave.
    ALLOWED_PREFIXES = ("/konto/", "/static/", "/media/", "/i18n/", "/healthz/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED_FOR_STAFF and self._must_set_up(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(self.ALLOWED_PREFIXES):
            return False
        if not (is_staff_member(user) or user.is_staff):
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)
