"""Small request helpers that settings refer to by dotted path."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: the proxy's X-Real-IP when the site runs behind its TLS proxy, else REMOTE_ADDR.

    The header is trusted only behind the proxy (which sets it), so a visitor cannot choose their own address
    to slip past a rate limit.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or "unknown"
