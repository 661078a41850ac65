from django.urls import path

from billing import fee_views

# Included from billing/urls.py at the site root: full Swedish paths.

app_name = "fees"

urlpatterns = [
    path("projektledare/natverk/<slug:slug>/avgift/", fee_views.schedule_edit, name="schedule"),
    path("projektledare/natverk/<slug:slug>/avgift/underlag/", fee_views.bases, name="bases"),
    path(
        "projektledare/natverk/<slug:slug>/avgift/underlag/<int:pk>/bekrafta/",
        fee_views.confirm_basis,
        name="confirm_basis",
    ),
    path("ekonomi/att-fakturera/", fee_views.due_preview, name="due"),
]
