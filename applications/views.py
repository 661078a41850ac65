from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles
from applications.permissions import applications_of_own_municipality


@roles.representative_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = applications_of_own_municipality(request.user).select_related("network")
    return render(request, "applications/my_applications.html", {"applications": applications})
