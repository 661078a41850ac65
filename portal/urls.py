from django.urls import path

from portal import accessibility, invitation_pdf_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", accessibility.statement, name="accessibility"),
    path("natverk/", views.catalogue, name="catalogue"),
    path("natverk/<slug:slug>/", views.invitation, name="invitation"),
    path("natverk/<slug:slug>/inbjudan/pdf/", invitation_pdf_views.invitation_pdf_download, name="invitation_pdf"),
]
