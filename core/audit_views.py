"""The audit history, browsable by administrators (being built)."""

from django.shortcuts import render

from accounts.roles import administrator_required


@administrator_required
def history_list(request):
    return render(request, "core/audit/list.html", {})
