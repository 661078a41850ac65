"""The Kolada sync log for staff (the sync itself runs in a task or a command, never in a page)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles
from municipalities.models import KoladaSync

PAGE_SIZE = 25


@roles.staff_required
def kolada_sync_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(KoladaSync.objects.order_by("-started_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "municipalities/kolada_syncs.html", {"page": page})
