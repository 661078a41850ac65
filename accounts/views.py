# Owned by the accounts helper: profile page and the representative-link page.
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import roles


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"role_labels": roles.role_labels(request.user)})


@roles.network_lead_required
def representatives(request):
    return render(request, "accounts/representatives.html", {})
