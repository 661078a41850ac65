from django.urls import path  # noqa: F401  (the views add their paths below)

# Mounted at /projektledare/: a network's timetable (planning pages for its leads).

app_name = "meetings"

urlpatterns = []
