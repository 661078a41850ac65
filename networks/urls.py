from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.organizer_list, name="organizer_list"),
    path("<slug:slug>/", views.organizer_detail, name="organizer_detail"),
]
