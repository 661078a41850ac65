from django.urls import path

from applications import views

app_name = "applications"

# Mounted at the site root: /natverk/<slug>/ansok/ … and the representative's own list.
urlpatterns = [
    path("ansokningar/", views.my_applications, name="mine"),
]
