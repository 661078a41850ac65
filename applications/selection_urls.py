from django.urls import path

from applications import selection_rules_views

app_name = "selection"

# Mounted at /projektledare/: a network's selection (urval): rules, workbench, decisions,
# waiting list and the selection report. Each view module adds its own paths.
urlpatterns = [
    path("natverk/<slug:slug>/urval/regler/", selection_rules_views.rules, name="rules"),
    path("natverk/<slug:slug>/urval/regler/aterstall/", selection_rules_views.rules_reset, name="rules_reset"),
]
