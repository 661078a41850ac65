from django.urls import path

from applications import review_views

app_name = "reviews"

# Mounted at /projektledare/: reviewing a network's applications.
urlpatterns = [
    path("natverk/<slug:slug>/ansokningar/", review_views.application_list, name="list"),
    path("natverk/<slug:slug>/ansokningar/export.xlsx", review_views.export_xlsx, name="export_xlsx"),
    path("natverk/<slug:slug>/ansokningar/export.csv", review_views.export_csv, name="export_csv"),
    path("natverk/<slug:slug>/ansokningar/<int:pk>/", review_views.application_detail, name="detail"),
    # The detail page's form posts its scores to the same address; a name of its own for templates and tests.
    path("natverk/<slug:slug>/ansokningar/<int:pk>/", review_views.application_detail, name="score"),
]
