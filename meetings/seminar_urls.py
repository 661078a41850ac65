from django.urls import path, re_path

from meetings import seminar_views

# Mounted at the site root: full Swedish paths.
# The public sign-up of an open seminar, the secret link to cancel, and the leads' list of sign-ups.

app_name = "seminars"

urlpatterns = [
    path(
        "natverk/<slug:slug>/seminarium/<uuid:uid>/anmalan/",
        seminar_views.register,
        name="register",
    ),
    path(
        "natverk/<slug:slug>/seminarium/<uuid:uid>/anmalan/tack/",
        seminar_views.registered,
        name="registered",
    ),
    re_path(r"^anmalan/(?P<token>[-\w]{20,100})/avboka/$", seminar_views.cancel, name="cancel"),
    path(
        "projektledare/natverk/<slug:slug>/tidplan/<int:pk>/anmalningar/",
        seminar_views.registrations,
        name="registrations",
    ),
    path(
        "projektledare/natverk/<slug:slug>/tidplan/<int:pk>/anmalningar/csv/",
        seminar_views.registrations_csv,
        name="registrations_csv",
    ),
]
