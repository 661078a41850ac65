from django.urls import path

from applications import views

app_name = "applications"

# Mounted at the site root: /natverk/<slug>/ansok/ … and the representative's own list.
urlpatterns = [
    path("natverk/<slug:slug>/ansok/", views.apply, name="apply"),
    path("ansokningar/", views.my_applications, name="mine"),
    path("ansokningar/<int:pk>/", views.detail, name="detail"),
    path("ansokningar/<int:pk>/aterkalla/", views.withdraw, name="withdraw"),
    path("ansokningar/<int:pk>/erbjudande/<int:offer_pk>/", views.offer, name="offer"),
    path("ansokningar/<int:pk>/andringar/", views.version_diff, name="version_diff"),
    path("ansokningar/<int:pk>/bilagor/<str:token>/", views.attachment, name="attachment"),
]
