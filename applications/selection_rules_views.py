"""Network leads set a network's selection rules (urvalsregler), or go back to the defaults.

Access as on the review pages: the network's leads and superusers. Others' networks
are a 404; users without a lead role get a 403; anonymous users go to the login page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from applications import selection_data, selection_services
from applications.selection_forms import SelectionRulesForm, size_classes_for
from networks.permissions import network_for_lead_or_404


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    saved = selection_data.selection_rules(network)
    size_classes = size_classes_for(network)
    status = 200
    if request.method == "POST":
        form = SelectionRulesForm(request.POST, size_classes=size_classes)
        if form.is_valid():
            try:
                selection_services.selection_rules_save(network=network, actor=request.user, data=form.rules_data())
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The selection rules were saved."))
                return redirect("selection:rules", slug=network.slug)
        status = 400
    else:
        initial = SelectionRulesForm.initial_from(saved, capacity=network.capacity)
        form = SelectionRulesForm(initial=initial, size_classes=size_classes)
    context = {"network": network, "form": form, "is_default": saved.pk is None}
    return render(request, "applications/selection/rules.html", context, status=status)


@roles.network_lead_required
@require_POST
def rules_reset(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    if selection_services.selection_rules_reset(network=network, actor=request.user):
        messages.success(request, _("The selection rules are back to the defaults."))
    return redirect("selection:rules", slug=network.slug)
