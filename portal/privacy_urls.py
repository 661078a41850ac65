from django.urls import path

from portal import privacy_views

app_name = "privacy"

urlpatterns = [
    path("personuppgifter/", privacy_views.information, name="information"),
    path("administration/personuppgifter/", privacy_views.administration, name="administration"),
    path("administration/personuppgifter/person/<str:key>/", privacy_views.person, name="person"),
    path("administration/personuppgifter/person/<str:key>/export/", privacy_views.export, name="export"),
    path("administration/personuppgifter/person/<str:key>/radera/", privacy_views.erase, name="erase"),
]
