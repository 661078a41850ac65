from django.urls import path

from core import privacy_views

app_name = "privacy"

urlpatterns = [
    path("personuppgifter/", privacy_views.information, name="information"),
    path("administration/personuppgifter/", privacy_views.administration, name="administration"),
]
