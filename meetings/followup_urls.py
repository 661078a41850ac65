from django.urls import path

from meetings import followup_views

# Mounted at the site root: full Swedish paths.

app_name = "followup"

MEMBER = "projektledare/natverk/<slug:slug>/medlemmar/<int:pk>/uppfoljning/"

urlpatterns = [
    path("projektledare/natverk/<slug:slug>/uppfoljning/", followup_views.network_follow_up, name="network"),
    path(MEMBER, followup_views.member_follow_up, name="member"),
    path(
        MEMBER + "utfastelser/<int:mc_pk>/mottagen/",
        followup_views.commitment_received,
        name="commitment_received",
    ),
    path(MEMBER + "anteckningar/", followup_views.note_add, name="note_add"),
    path(MEMBER + "anteckningar/<int:note_pk>/ta-bort/", followup_views.note_delete, name="note_delete"),
    path(
        MEMBER + "deltagare/<int:participant_pk>/sparra-lankar/",
        followup_views.participant_revoke_links,
        name="revoke_links",
    ),
    path(MEMBER + "deltagare/<int:participant_pk>/ny-lank/", followup_views.participant_send_link, name="send_link"),
]
