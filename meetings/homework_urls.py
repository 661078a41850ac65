from django.urls import path  # noqa: F401

# Mounted at the site root: full Swedish paths.

app_name = "homework"

urlpatterns = []
