from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles
from accounts.models import StaffRole
from networks.selectors import organizer_for_user_or_404, organizers_for_user


@roles.staff_required
def organizer_list(request: HttpRequest) -> HttpResponse:
    organizers = organizers_for_user(user=request.user)
    return render(request, "networks/organizer_list.html", {"organizers": organizers})


@roles.staff_required
def organizer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organizer = organizer_for_user_or_404(user=request.user, slug=slug)
    staff = StaffRole.objects.filter(organizer=organizer).select_related("user").order_by("role", "user__name")
    return render(request, "networks/organizer_detail.html", {"organizer": organizer, "staff": staff})
