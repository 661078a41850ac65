from django.urls import path

from meetings import outreach_views

# Mounted at the site root: full Swedish paths.

app_name = "outreach"

urlpatterns = [
    path(
        "projektledare/natverk/<slug:slug>/tidplan/<int:pk>/meddelande/",
        outreach_views.meeting_message,
        name="message",
    ),
    path("deltagare/<str:token>/konto/", outreach_views.claim_account, name="claim_account"),
    path("mina-moten/", outreach_views.my_meetings, name="my_meetings"),
]
