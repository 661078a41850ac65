from django.urls import path

from portal import audit_views

app_name = "audit"

urlpatterns = [
    path("administration/historik/", audit_views.history_list, name="list"),
    path("administration/historik/<slug:kind>/<int:pk>/", audit_views.object_history, name="object"),
]
