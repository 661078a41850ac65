from django.urls import path

from networks import lead_views

app_name = "leads"

# Mounted at /projektledare/: the network leads' pages.
urlpatterns = [
    path("natverk/", lead_views.network_list, name="network_list"),
]
