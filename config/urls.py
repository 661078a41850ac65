from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import views as core_views

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("healthz/", core_views.healthz, name="healthz"),
    path("ping/", core_views.ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("kommuner/", include("municipalities.urls")),
    path("arrangorer/", include("networks.urls")),
    path("projektledare/", include("networks.lead_urls")),
    path("projektledare/", include("applications.review_urls")),
    path("projektledare/", include("applications.selection_urls")),
    path("projektledare/", include("meetings.planning_urls")),
    path("kalender/", include("meetings.calendar_urls")),
    path("projektledare/effektivitetsmodeller/", include("municipalities.efficiency_model_urls")),
    path("", include("applications.urls")),
    path("", include("networks.member_urls")),
    path("deltagare/", include("meetings.participant_urls")),
    path("", include("meetings.homework_urls")),
    path("", include("meetings.evaluation_urls")),
    path("", include("meetings.seminar_urls")),
    path("", include("meetings.outreach_urls")),
    path("", include("meetings.followup_urls")),
    path("", include("reports.urls")),
    path("", include("billing.urls")),
    path("", include("portal.audit_urls")),
    path("", include("portal.privacy_urls")),
    path("", include("portal.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
