from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.municipality_list, name="list"),
    path("min-kommun/", views.my_municipality, name="mine"),
    path("import/", views.import_upload, name="import"),
    path("<str:code>/", views.municipality_detail, name="detail"),
]
