"""The accessibility statement (tillgänglighetsredogörelse), required of Swedish public-sector sites (being built)."""

from django.shortcuts import render


def statement(request):
    return render(request, "portal/accessibility.html", {})
