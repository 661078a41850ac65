from django.urls import path  # noqa: F401  (the views add their paths below)

# Mounted at /kalender/: .ics files and subscribable calendar feeds.

app_name = "calendar"

urlpatterns = []
