from django.urls import path

from applications import review_views

app_name = "reviews"

# Mounted at /projektledare/: reviewing a network's applications.
urlpatterns = [
    path("natverk/<slug:slug>/ansokningar/", review_views.application_list, name="list"),
]
