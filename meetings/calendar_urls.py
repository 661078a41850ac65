from django.urls import path, re_path

from meetings import calendar_views

# Mounted at /kalender/: .ics files and subscribable calendar feeds.

app_name = "calendar"

urlpatterns = [
    path("mote/<uuid:uid>.ics", calendar_views.meeting_ics, name="meeting"),
    path("natverk/<slug:slug>/", calendar_views.network_feeds, name="network_feeds"),
    re_path(r"^(?P<token>[-\w]{20,100})\.ics$", calendar_views.feed, name="feed"),
]
