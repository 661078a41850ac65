"""The efficiency profile page of a municipality, for staff and the municipality's own representatives."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import roles
from municipalities import selectors
from municipalities.efficiency import KpiProfile, efficiency_profile
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
    context = {
        "municipality": municipality,
        "is_own": is_own and not roles.is_staff_member(request.user),
        "profiles": [(profile, _trend_chart(municipality.name, profile)) for profile in profiles],
        "uses_demo": any(profile.uses_demo for profile in profiles),
    }
    return render(request, "municipalities/efficiency.html", context)


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
