from django.urls import path  # noqa: F401

# Included from billing/urls.py at the site root: full Swedish paths.

app_name = "invoices"

urlpatterns = []
