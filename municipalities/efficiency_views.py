"""The efficiency profile page of a municipality, for staff and the municipality's own representatives."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import roles
from municipalities import selectors
from municipalities.efficiency import KpiProfile, efficiency_profile
from municipalities.efficiency_models import TREND_YEARS, ModelResult, Point, compute_models, signed, trend_label
from municipalities.models import EfficiencyModel
from reports import charts


@login_required
def municipality_efficiency(request: HttpRequest, code: str) -> HttpResponse:
    municipality = selectors.municipality_get(code=code)
    if municipality is None:
        raise Http404
    is_own = roles.is_representative(request.user, municipality)
    if not (is_own or roles.is_staff_member(request.user)):
        raise PermissionDenied
    profiles = efficiency_profile(municipality=municipality)
    models = []
    if roles.is_staff_member(request.user):
        # Staff see their organisers' models; the results are ours, not Kolada's, and labelled so.
        visible = roles.scope_to_organizers(EfficiencyModel.objects.select_related("organizer"), request.user)
        for result in compute_models(list(visible)):
            series = result.series(municipality.pk)[-TREND_YEARS:]
            change = result.trend(municipality.pk)
            models.append(
                {
                    "result": result,
                    "series": series,
                    "latest": result.latest(municipality.pk),
                    "trend": change,
                    "trend_text": signed(change),
                    "trend_label": trend_label(change),
                    "chart": _model_chart(municipality.name, result, series),
                }
            )
    context = {
        "models": models,
        "municipality": municipality,
        "is_own": is_own and not roles.is_staff_member(request.user),
        "profiles": [(profile, _trend_chart(municipality.name, profile)) for profile in profiles],
        "uses_demo": any(profile.uses_demo for profile in profiles),
    }
    return render(request, "municipalities/efficiency.html", context)


def _model_chart(name: str, result: ModelResult, series: list[Point]) -> str:
    title = _("%(model)s: efficiency index") % {"model": result.model.name}
    return charts.line_chart(
        chart_id=f"model-{result.model.pk}",
        title=title,
        description=_(
            "Efficiency index per year (our calculation): %(name)s against all municipalities (median = 100) and "
            "against its municipality group (median = 100). The numbers are in the table next to the chart."
        )
        % {"name": name},
        years=[point.year for point in series],
        series=[
            charts.Series(_("Index, all municipalities = 100"), [point.index for point in series]),
            charts.Series(_("Index, municipality group = 100"), [point.group_index for point in series]),
        ],
    )


def _trend_chart(name: str, profile: KpiProfile) -> str:
    title = profile.kpi.title
    return charts.line_chart(
        chart_id=f"trend-{profile.kpi.id}",
        title=title,
        description=_(
            "%(title)s per year: %(name)s compared with the median of its municipality group and of all "
            "municipalities (medians: our calculation). The numbers are in the table next to the chart."
        )
        % {"title": title, "name": name},
        years=[point.year for point in profile.trend],
        series=[
            charts.Series(name, [point.value for point in profile.trend]),
            charts.Series(_("Municipality group median"), [point.group_median for point in profile.trend]),
            charts.Series(_("Median of all municipalities"), [point.country_median for point in profile.trend]),
        ],
    )
