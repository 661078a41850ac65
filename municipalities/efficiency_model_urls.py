from django.urls import path

from municipalities import efficiency_model_views as views

app_name = "efficiency_models"

# Mounted at /projektledare/effektivitetsmodeller/.
urlpatterns = [
    path("", views.model_list, name="list"),
    path("ny/", views.model_create, name="create"),
    path("<int:pk>/", views.model_detail, name="detail"),
    path("<int:pk>/andra/", views.model_edit, name="edit"),
    path("<int:pk>/ta-bort/", views.model_delete, name="delete"),
]
