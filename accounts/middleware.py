from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts.roles import is_staff_member


class StaffMfaRequiredMiddleware:
    """Send staff without two-factor authentication to set it up before anything else.

    On in production settings (MFA_REQUIRED_FOR_STAFF); the embedded demo turns it
    off and the login page says so. Staff are StaffRole holders, superusers and
    users with admin-site access; municipality representatives are not.
    """

    # Paths a staff member must still reach while setting up MFA.
    ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz/")
    # allauth's own pages (un-namespaced): MFA set-up, reauthentication, logout,
    # e-mail and password. Our account pages (namespace "accounts") are not exempt.
    ALLOWED_URL_NAME_PREFIXES = ("mfa_", "account_")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED_FOR_STAFF and self._must_set_up(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _is_exempt(self, path: str) -> bool:
        if path.startswith(self.ALLOWED_PREFIXES):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return not match.namespace and (match.url_name or "").startswith(self.ALLOWED_URL_NAME_PREFIXES)

    def _must_set_up(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if not (is_staff_member(user) or user.is_staff):
            return False
        if self._is_exempt(request.path_info):
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)
