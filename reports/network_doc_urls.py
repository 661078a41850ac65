"""Paths of one part of reports (see reports/urls.py); names are in the reports namespace.

The network leads' documents of one network, beside the pages they come from under /projektledare/.
"""

from django.urls import path

from reports import network_doc_views

urlpatterns: list = [
    path(
        "projektledare/natverk/<slug:slug>/urval/rapport/pdf/",
        network_doc_views.selection_report_pdf,
        name="selection_report_pdf",
    ),
    path("projektledare/natverk/<slug:slug>/kontaktlista/", network_doc_views.contact_list, name="contacts"),
    path(
        "projektledare/natverk/<slug:slug>/kontaktlista/pdf/", network_doc_views.contact_list_pdf, name="contacts_pdf"
    ),
    path(
        "projektledare/natverk/<slug:slug>/tidplan/<int:pk>/narvarolista/pdf/",
        network_doc_views.attendance_list_pdf,
        name="attendance_pdf",
    ),
]
