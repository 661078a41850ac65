# Owned by the municipalities helper: list, detail, my municipality, CSV import.
from django.shortcuts import render

from accounts import roles


@roles.staff_required
def municipality_list(request):
    return render(request, "municipalities/list.html", {})


@roles.representative_required
def my_municipality(request):
    return render(request, "municipalities/list.html", {})


@roles.administrator_required
def import_upload(request):
    return render(request, "municipalities/list.html", {})


@roles.staff_required
def municipality_detail(request, code):
    return render(request, "municipalities/list.html", {})
