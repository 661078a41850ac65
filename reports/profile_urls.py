"""Paths of one part of reports (see reports/urls.py); names are in the reports namespace."""

from django.urls import path

from reports import profile_views

urlpatterns = [
    path("kommuner/<str:code>/effektivitet/pdf/", profile_views.profile_pdf, name="profile_pdf"),
]
