from django.urls import path

from meetings import participant_views

# Mounted at /deltagare/: a participant's own pages behind their signed personal link (no login).

app_name = "participant"

urlpatterns = [
    path("<str:token>/", participant_views.home, name="home"),
    path("<str:token>/svar/<int:invitation_pk>/", participant_views.respond_view, name="respond"),
]
