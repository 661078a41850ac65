from django.urls import path

from billing import payment_views

# Included from billing/urls.py at the site root: full Swedish paths.

app_name = "payments"

urlpatterns = [
    path("ekonomi/betalningar/", payment_views.overview, name="overview"),
    path("ekonomi/betalningar/registrera/", payment_views.register, name="register"),
    path("ekonomi/betalningar/bgmax/", payment_views.bgmax_import, name="bgmax_import"),
    path("ekonomi/betalningar/bgmax/<int:pk>/", payment_views.bgmax_detail, name="bgmax_detail"),
    path("ekonomi/betalningar/<int:pk>/koppla/", payment_views.assign, name="assign"),
]
