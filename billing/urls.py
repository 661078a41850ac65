from django.urls import include, path

# Mounted at the site root; each part of billing has its own URL module and namespace.
urlpatterns = [
    path("", include("billing.fee_urls")),
    path("", include("billing.invoice_urls")),
    path("", include("billing.batch_urls")),
    path("", include("billing.payment_urls")),
]
