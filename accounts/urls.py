from django.urls import path

from accounts import views

app_name = "accounts"

# Mounted at /konto/ next to allauth's own URLs (login, signup, password, MFA).
urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("kommunrepresentanter/", views.representatives, name="representatives"),
    path("kommunrepresentanter/godkann/", views.representative_approve, name="representative_approve"),
    path("kommunrepresentanter/avsla/", views.representative_reject, name="representative_reject"),
    path("kommunrepresentanter/ta-bort/", views.representative_unlink, name="representative_unlink"),
]
