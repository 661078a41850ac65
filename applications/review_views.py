"""Network leads review a network's applications: list, export, read and score.

Access: the network's leads (its organiser's and co-organisers' network leads and
administrators) and superusers. Others' networks and applications are a 404 by any
URL; users without a lead role get a 403; anonymous users go to the login page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import roles
from applications import exporters, reviews
from applications.models import Application
from applications.review_forms import ReviewFilterForm, ReviewScoreForm
from core.pagecache import cached_page
from networks.permissions import network_for_lead_or_404

PAGE_SIZE = 50


def _network_and_application(request: HttpRequest, slug: str, pk: int):
    network = network_for_lead_or_404(request.user, slug)
    # Looked up within the network: another network's id in the URL is a 404.
    application = get_object_or_404(
        Application.objects.filter(network=network).select_related("municipality__county", "created_by"), pk=pk
    )
    application.network = network
    return network, application


def _review_rows(request: HttpRequest, network, *, with_own: bool, paginate: bool = False):
    """The filter form, the criteria and the rows (the exports have them all; the page 50 at a time, and then the
    Page as a fourth item)."""
    form = ReviewFilterForm(request.GET or None)
    criteria = reviews.review_criteria(network=network)
    queryset = reviews.application_review_list(
        network=network,
        filters=form.filters(),
        order=form.ordering(),
        reviewer=request.user if with_own else None,
        criteria=criteria,
    )
    page = None
    if paginate:
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        queryset = page.object_list
    rows = reviews.add_need_of_support(reviews.review_rows(queryset, criteria), network=network)
    return (form, criteria, rows, page) if paginate else (form, criteria, rows)


@cached_page
@roles.network_lead_required
def application_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    form, criteria, rows, page = _review_rows(request, network, with_own=True, paginate=True)
    query = request.GET.copy()
    query.pop("page", None)  # the exports have every row of the filter
    query = query.urlencode()
    return render(
        request,
        "applications/review/list.html",
        {
            "network": network,
            "form": form,
            "criteria": criteria,
            "rows": rows,
            "page": page,
            "query": query,
            "show_need": reviews.uses_need_of_support(network),
        },
    )


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network, application = _network_and_application(request, slug, pk)
    criteria = reviews.review_criteria(network=network)
    all_reviews = list(reviews.reviews_of(application=application))
    own = [review for review in all_reviews if review.reviewer_id == request.user.pk]
    others = [review for review in all_reviews if review.reviewer_id != request.user.pk]
    can_score = application.status == Application.Status.SUBMITTED and bool(criteria)
    status = 200
    if request.method == "POST":
        form = ReviewScoreForm(request.POST, criteria=criteria)
        if not can_score:
            messages.error(request, _("Only submitted applications can be scored."))
            return redirect("reviews:detail", slug=network.slug, pk=application.pk)
        if form.is_valid():
            reviews.review_save(
                application=application, reviewer=request.user, scores=form.scores(), actor=request.user
            )
            messages.success(request, _("Your review was saved."))
            return redirect("reviews:detail", slug=network.slug, pk=application.pk)
        status = 400
    else:
        form = ReviewScoreForm(criteria=criteria, initial=ReviewScoreForm.initial_from(own))
    context = {
        "network": network,
        "application": application,
        "commitments": application.commitments.select_related("commitment"),
        "participants": application.participants.all(),
        "attachments": application.attachments.all(),
        "criteria": criteria,
        "other_reviews": others,
        "form": form,
        "can_score": can_score,
    }
    return render(request, "applications/review/detail.html", context, status=status)


def _export_filename(network, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return f"ansokningar-{network.slug}-{stamp}.{extension}"


def _exporter(request: HttpRequest, slug: str):
    network = network_for_lead_or_404(request.user, slug)
    _form, criteria, rows = _review_rows(request, network, with_own=False)
    return network, exporters.ReviewListExporter(
        criteria=criteria, rows=rows, with_need=reviews.uses_need_of_support(network)
    )


@roles.network_lead_required
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    network, exporter = _exporter(request, slug)
    response = HttpResponse(
        exporters.to_xlsx(exporter, title=network.title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(network, "xlsx")}"'
    return response


@roles.network_lead_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    network, exporter = _exporter(request, slug)
    response = HttpResponse(exporters.to_csv(exporter), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(network, "csv")}"'
    return response
