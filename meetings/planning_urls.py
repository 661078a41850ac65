from django.urls import path

from meetings import planning_views

# Mounted at /projektledare/: a network's timetable (planning pages for its leads).

app_name = "meetings"

urlpatterns = [
    path("natverk/<slug:slug>/tidplan/", planning_views.timetable, name="timetable"),
    path("natverk/<slug:slug>/tidplan/nytt/", planning_views.meeting_create, name="meeting_create"),
    path("natverk/<slug:slug>/tidplan/flytta/", planning_views.meetings_shift, name="shift"),
    path("natverk/<slug:slug>/tidplan/kopiera/", planning_views.meetings_copy, name="copy"),
    path("natverk/<slug:slug>/tidplan/<int:pk>/", planning_views.meeting_edit, name="meeting_edit"),
    path("natverk/<slug:slug>/tidplan/<int:pk>/avboka/", planning_views.meeting_cancel, name="meeting_cancel"),
    path("natverk/<slug:slug>/tidplan/<int:pk>/ta-bort/", planning_views.meeting_delete, name="meeting_delete"),
    path("natverk/<slug:slug>/tidplan/<int:pk>/bjud-in/", planning_views.meeting_invite, name="invite"),
]

# Attendance (meetings.attendance_views): the check-list per municipality and the printable list for signing.
from meetings import attendance_views  # noqa: E402

urlpatterns += [
    path("natverk/<slug:slug>/tidplan/<int:pk>/narvaro/", attendance_views.attendance_checklist, name="attendance"),
    path(
        "natverk/<slug:slug>/tidplan/<int:pk>/narvarolista/",
        attendance_views.attendance_list,
        name="attendance_list",
    ),
]
