"""Personal data: the public information text and the administrator's export and erasure (being built)."""

from django.shortcuts import render

from accounts.roles import _require, is_superuser

superuser_required = _require(is_superuser)


def information(request):
    return render(request, "core/privacy/information.html", {})


@superuser_required
def administration(request):
    return render(request, "core/privacy/admin.html", {})
