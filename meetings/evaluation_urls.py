from django.urls import path

from meetings import evaluation_views

# Mounted at the site root: full Swedish paths.

app_name = "evaluations"

LEAD = "projektledare/natverk/<slug:slug>/utvarderingar/"

urlpatterns = [
    path(LEAD, evaluation_views.network_evaluations, name="network"),
    path(f"{LEAD}fragor/", evaluation_views.questions_edit, name="questions"),
    path(f"{LEAD}ny/", evaluation_views.survey_create, name="create"),
    path(f"{LEAD}<int:pk>/", evaluation_views.survey_detail, name="survey"),
    path(f"{LEAD}mote/<int:meeting_pk>/", evaluation_views.meeting_survey, name="meeting"),
    path("deltagare/<str:token>/utvardering/<int:survey_pk>/", evaluation_views.answer_view, name="answer"),
]
