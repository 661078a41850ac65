from django.urls import path

from billing import invoice_views

# Included from billing/urls.py at the site root: full Swedish paths.

app_name = "invoices"

urlpatterns = [
    # Finance (ekonomi) of the invoicing organisers.
    path("ekonomi/fakturor/", invoice_views.invoice_list, name="list"),
    path("ekonomi/fakturor/<int:pk>/", invoice_views.invoice_detail, name="detail"),
    path("ekonomi/fakturor/<int:pk>/pdf/", invoice_views.invoice_pdf, name="pdf"),
    path("ekonomi/fakturor/<int:pk>/kreditera/", invoice_views.credit, name="credit"),
    # A municipality representative's own invoices.
    path("kommun/fakturor/", invoice_views.municipality_invoice_list, name="municipality_list"),
    path("kommun/fakturor/<int:pk>/pdf/", invoice_views.municipality_invoice_pdf, name="municipality_pdf"),
]
