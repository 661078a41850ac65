"""Paths of one part of reports (see reports/urls.py); names are in the reports namespace.

The network's final report and its stored documents (final report, network pack), under /projektledare/.
"""

from django.urls import path

from reports import final_report_views

NETWORK = "projektledare/natverk/<slug:slug>/"

urlpatterns: list = [
    path(NETWORK + "slutrapport/", final_report_views.final_report_page, name="final_report"),
    path(NETWORK + "dokument/", final_report_views.documents, name="documents"),
    path(NETWORK + "dokument/<slug:kind>/skapa/", final_report_views.document_request, name="document_request"),
    path(NETWORK + "dokument/<int:pk>/status/", final_report_views.document_status, name="document_status"),
    path(NETWORK + "dokument/<int:pk>/ladda-ner/", final_report_views.document_download, name="document_download"),
]
