"""Paths of one part of reports (see reports/urls.py); names are in the reports namespace."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
