from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "MFA_REQUIRED_FOR_STAFF": settings.MFA_REQUIRED_FOR_STAFF,
        "DEMO_MODE": settings.DEBUG,
    }
