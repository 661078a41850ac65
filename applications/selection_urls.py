from django.urls import path  # noqa: F401  (the views add their paths below)

app_name = "selection"

# Mounted at /projektledare/: a network's selection (urval): rules, workbench, decisions,
# waiting list and the selection report. Each view module adds its own paths.
urlpatterns = []
