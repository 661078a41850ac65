from django.urls import path

from billing import batch_views

# Included from billing/urls.py at the site root: full Swedish paths.

app_name = "batches"

urlpatterns = [
    path("ekonomi/fakturaunderlag/", batch_views.batch_list, name="list"),
    path("ekonomi/fakturaunderlag/ny/", batch_views.batch_create, name="create"),
    path("ekonomi/fakturaunderlag/<int:pk>/", batch_views.batch_detail, name="detail"),
    path("ekonomi/fakturaunderlag/<int:pk>/godkann/", batch_views.batch_approve, name="approve"),
    path("ekonomi/fakturaunderlag/<int:pk>/kasta/", batch_views.batch_discard, name="discard"),
    path("ekonomi/fakturaunderlag/<int:pk>/skicka/", batch_views.batch_send, name="send"),
    path("ekonomi/fakturaunderlag/<int:pk>/export/<str:fmt>/", batch_views.batch_export, name="export"),
    path(
        "ekonomi/fakturaunderlag/<int:pk>/fakturor/<int:invoice_pk>/ta-bort/",
        batch_views.batch_remove_invoice,
        name="remove_invoice",
    ),
    path(
        "ekonomi/fakturaunderlag/<int:pk>/fakturor/<int:invoice_pk>/skicka-igen/",
        batch_views.invoice_retry,
        name="retry",
    ),
]
