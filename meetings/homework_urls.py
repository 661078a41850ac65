from django.urls import path

from meetings import homework_views

# Mounted at the site root: full Swedish paths.
# The lead's overview and receipts; a member municipality's hand-ins, through the representative's
# membership pages or a participant's personal link (no login).

app_name = "homework"

urlpatterns = [
    path("projektledare/natverk/<slug:slug>/hemuppgifter/", homework_views.lead_overview, name="lead_overview"),
    path(
        "projektledare/natverk/<slug:slug>/hemuppgifter/inlamning/<int:pk>/",
        homework_views.lead_submission,
        name="lead_submission",
    ),
    path(
        "projektledare/natverk/<slug:slug>/hemuppgifter/inlamning/<int:pk>/mottagen/",
        homework_views.lead_receive,
        name="lead_receive",
    ),
    path(
        "projektledare/natverk/<slug:slug>/hemuppgifter/inlamning/<int:pk>/fil/",
        homework_views.lead_file,
        name="lead_file",
    ),
    path("medlemskap/<int:membership_pk>/hemuppgifter/", homework_views.member_list, name="member_list"),
    path(
        "medlemskap/<int:membership_pk>/hemuppgifter/<int:homework_pk>/",
        homework_views.member_hand_in,
        name="member_hand_in",
    ),
    path(
        "medlemskap/<int:membership_pk>/hemuppgifter/<int:homework_pk>/fil/",
        homework_views.member_file,
        name="member_file",
    ),
    path("deltagare/<str:token>/hemuppgifter/", homework_views.participant_list, name="participant_list"),
    path(
        "deltagare/<str:token>/hemuppgifter/<int:homework_pk>/",
        homework_views.participant_hand_in,
        name="participant_hand_in",
    ),
    path(
        "deltagare/<str:token>/hemuppgifter/<int:homework_pk>/fil/",
        homework_views.participant_file,
        name="participant_file",
    ),
]
