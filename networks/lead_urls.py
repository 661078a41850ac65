from django.urls import path

from networks import lead_views

app_name = "leads"

# Mounted at /projektledare/: the network leads' pages.
urlpatterns = [
    path("natverk/", lead_views.network_list, name="network_list"),
    path("natverk/nytt/", lead_views.network_create, name="network_create"),
    path("natverk/<slug:slug>/", lead_views.network_overview, name="network_overview"),
    path("natverk/<slug:slug>/andra/", lead_views.network_edit, name="network_edit"),
    path("natverk/<slug:slug>/forhandsgranska/", lead_views.network_preview, name="network_preview"),
    path("natverk/<slug:slug>/status/", lead_views.network_status, name="network_status"),
    path("natverk/<slug:slug>/medlemmar/", lead_views.member_list, name="members"),
    path("natverk/<slug:slug>/medlemmar/<int:pk>/", lead_views.member_detail, name="member_detail"),
    path("natverk/<slug:slug>/medlemmar/<int:pk>/avsluta/", lead_views.member_leave, name="member_leave"),
]
