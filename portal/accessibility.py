"""The accessibility statement (tillgänglighetsredogörelse), required of Swedish public-sector sites.

Follows the structure DIGG (Myndigheten för digital förvaltning) asks for under lagen (2018:1937) om
tillgänglighet till digital offentlig service: who stands behind the service, how accessible it is
(fully, partially or not compliant), what is not accessible and why, how to report a problem or ask
for content in another format, the supervisory authority with its reporting link, how the service
was assessed and when the statement was last reviewed.

Review the statement when the service changes, at least once a year: update the known shortcomings in
the template and the dates below.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from networks.models import Organizer

# The latest assessment of compliance and the latest update of this statement.
ASSESSED_ON = date(2026, 11, 23)
UPDATED_ON = date(2026, 11, 23)
DEFAULT_CONTACT_EMAIL = "tillganglighet@example.se"
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"
LAW_URL = (
    "https://www.riksdagen.se/sv/dokument-och-lagar/dokument/svensk-forfattningssamling/"
    "lag-20181937-om-tillganglighet-till-digital_sfs-2018-1937/"
)
WCAG_URL = "https://www.w3.org/TR/WCAG21/"


def contact_email() -> str:
    return getattr(settings, "ACCESSIBILITY_CONTACT_EMAIL", "") or DEFAULT_CONTACT_EMAIL


@require_GET
def statement(request):
    context = {
        "organizers": list(Organizer.objects.order_by("name").values_list("name", flat=True)),
        "contact_email": contact_email(),
        "assessed_on": ASSESSED_ON,
        "updated_on": UPDATED_ON,
        "digg_report_url": DIGG_REPORT_URL,
        "law_url": LAW_URL,
        "wcag_url": WCAG_URL,
    }
    return render(request, "portal/accessibility.html", context)
