"""The network leads' efficiency models: define, check against the rules, see every kommun's result.

Leads and administrators see and edit the models of their own organisers only;
another organiser's model is a 404. The results are our calculation, labelled so.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import roles
from core import charts
from municipalities import services
from municipalities.efficiency_models import ModelResult, compute_model, percentile, signed, trend_label
from municipalities.forms import EfficiencyModelForm
from municipalities.models import EfficiencyModel, Municipality

LEAD_ROLES = {roles.Role.NETWORK_LEAD, roles.Role.ADMINISTRATOR}


def _organizers(user) -> QuerySet:
    organizer_model = EfficiencyModel._meta.get_field("organizer").related_model
    return roles.scope_to_organizers(organizer_model.objects.order_by("name"), user, field="pk", roles=LEAD_ROLES)


def _models(user) -> QuerySet[EfficiencyModel]:
    return roles.scope_to_organizers(EfficiencyModel.objects.select_related("organizer"), user, roles=LEAD_ROLES)


def _model_or_404(user, pk: int) -> EfficiencyModel:
    model = _models(user).filter(pk=pk).first()
    if model is None:
        raise Http404
    return model


@roles.network_lead_required
def model_list(request: HttpRequest) -> HttpResponse:
    models = _models(request.user).annotate(parts=Count("components", distinct=True), used_by=Count("networks"))
    return render(request, "municipalities/efficiency_models/list.html", {"models": models})


@roles.network_lead_required
def model_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, EfficiencyModel())


@roles.network_lead_required
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _model_or_404(request.user, pk))


def _edit(request: HttpRequest, model: EfficiencyModel) -> HttpResponse:
    organizers = _organizers(request.user)
    if model.pk:
        organizers = organizers | type(model.organizer).objects.filter(pk=model.organizer_id)
    form = EfficiencyModelForm(request.POST or None, instance=model, organizers=organizers)
    if request.method == "POST" and form.is_valid():
        model = services.efficiency_model_save(
            actor=request.user,
            model=form.save(commit=False),
            quality=list(form.cleaned_data["quality"]),
            volume=list(form.cleaned_data["volume"]),
            resource=form.cleaned_data["resource"],
        )
        messages.success(request, _("The efficiency model is saved."))
        if form.volume_dropped:
            messages.info(
                request,
                _("The volume is not used: the resource is already a cost per unit, so the volume is in it."),
            )
        return redirect("efficiency_models:detail", pk=model.pk)
    return render(request, "municipalities/efficiency_models/form.html", {"form": form, "model": model})


@roles.network_lead_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = _model_or_404(request.user, pk)
    result = compute_model(model)
    kommuner = list(
        Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY)
        .order_by("name")
        .values_list("pk", "code", "name", "kommungrupp_name")
    )
    rows, missing = _ranking(result, kommuner)
    context = {
        "model": model,
        "result": result,
        "rows": rows,
        "missing": missing,
        "networks": [
            f"{title} ({start:%Y})" if start else title
            for title, start in model.networks.order_by("title", "period_start").values_list("title", "period_start")
        ],
    }
    context["group_chart"], context["group_medians"] = _group_chart(model, result, rows)
    return render(request, "municipalities/efficiency_models/detail.html", context)


def _ranking(result: ModelResult, kommuner) -> tuple[list[dict], list[dict]]:
    """The latest year's kommuner by rank, and those without a value (with the reason)."""
    year = result.latest_year
    if year is None:
        return [], []
    indices = sorted(
        point.index for by_year in result.points.values() if (point := by_year.get(year)) and point.index is not None
    )
    rows, missing = [], []
    for pk, code, name, group in kommuner:
        point = result.latest(pk)
        row = {"code": code, "name": name, "group": group, "point": point}
        if point.index is None:
            missing.append(row)
            continue
        change = result.trend(pk)
        row.update(
            trend=change,
            trend_text=signed(change),
            trend_label=trend_label(change),
            need=round(100 - percentile(indices, point.index), 1),
        )
        rows.append(row)
    rows.sort(key=lambda row: (row["point"].rank, row["name"]))
    return rows, missing


def _group_chart(model: EfficiencyModel, result: ModelResult, rows: list[dict]):
    """A bar chart of the median index per kommungrupp, and its numbers for the table beside it."""
    if not rows:
        return "", []
    by_group: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        by_group[row["group"] or _("No group")].append(row["point"].index)
    bars = sorted(((group, statistics.median(values)) for group, values in by_group.items()), key=lambda b: -b[1])
    bars = [(group, round(value, 1)) for group, value in bars]
    chart = charts.bar_chart(
        chart_id=f"model-{model.pk}-groups",
        title=_("Median efficiency index by municipality group, %(year)s") % {"year": result.latest_year},
        description=_(
            "The median of the efficiency index (our calculation, all municipalities = 100) of the municipalities "
            "in each municipality group. The numbers are in the table beside the chart."
        ),
        bars=bars,
        label_width=300,
    )
    return chart, bars


@roles.network_lead_required
def model_delete(request: HttpRequest, pk: int) -> HttpResponse:
    model = _model_or_404(request.user, pk)
    if request.method == "POST":
        try:
            services.efficiency_model_delete(actor=request.user, model=model)
        except services.EfficiencyModelInUse as error:
            messages.error(request, str(error))
            return redirect("efficiency_models:detail", pk=model.pk)
        messages.success(request, _("The efficiency model is deleted."))
        return redirect("efficiency_models:list")
    return render(request, "municipalities/efficiency_models/delete.html", {"model": model})
