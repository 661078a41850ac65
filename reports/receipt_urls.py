"""Paths of one part of reports (see reports/urls.py); names are in the reports namespace."""

from django.urls import path

from reports import receipt_views

urlpatterns: list = [
    path("ansokningar/<int:pk>/kvitto/", receipt_views.receipt_pdf_download, name="receipt_pdf"),
]
