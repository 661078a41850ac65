"""The register for staff (list, detail), a representative's own municipality, and the CSV import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from municipalities import selectors, services
from municipalities.forms import MunicipalityFilterForm, RegisterImportForm
from municipalities.imports import ALLOWED_COLUMNS, plan_import
from municipalities.models import Municipality, RegisterImport

PAGE_SIZE = 50


@roles.staff_required
def municipality_list(request: HttpRequest) -> HttpResponse:
    form = MunicipalityFilterForm(request.GET or None)
    queryset = selectors.municipality_list(**form.filters()) if form.is_bound else selectors.municipality_list()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_import": roles.is_administrator(request.user),
        "can_import_majority": roles.is_network_lead(request.user),
    }
    return render(request, "municipalities/list.html", context)


@roles.staff_required
def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    municipality = selectors.municipality_get(code=code)
    if municipality is None:
        raise Http404
    return _render_detail(request, municipality, is_own=False)


@roles.representative_required
def my_municipality(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_get(code=request.user.municipality.code)
    return _render_detail(request, municipality, is_own=True)


def _render_detail(request: HttpRequest, municipality: Municipality, *, is_own: bool) -> HttpResponse:
    context = {
        "municipality": municipality,
        "is_own": is_own,
        "domains": list(municipality.domains.all()),
        "show_admin_link": not is_own and request.user.is_staff,
        "can_edit_majority": not is_own and roles.is_network_lead(request.user),
    }
    return render(request, "municipalities/detail.html", context)


@roles.administrator_required
def import_upload(request: HttpRequest) -> HttpResponse:
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        register_import = services.register_import_create(
            uploaded_by=request.user,
            filename=form.cleaned_data["file"].name or "",
            content=form.cleaned_data["text"],
            encoding=form.cleaned_data["encoding"],
        )
        return redirect("municipalities:import_preview", pk=register_import.pk)
    context = {"form": form, "imports": selectors.register_imports_recent(), "columns": ALLOWED_COLUMNS}
    return render(request, "municipalities/import_upload.html", context)


@roles.administrator_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    register_import = get_object_or_404(RegisterImport.objects.select_related("uploaded_by", "applied_by"), pk=pk)
    is_pending = register_import.status == RegisterImport.Status.PENDING
    plan = plan_import(register_import.content) if is_pending else None
    return render(
        request,
        "municipalities/import_preview.html",
        {"register_import": register_import, "plan": plan, "is_pending": is_pending},
    )


@roles.administrator_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    register_import = get_object_or_404(RegisterImport, pk=pk)
    try:
        result = services.register_import_apply(register_import=register_import, actor=request.user)
    except services.RegisterImportError as exc:
        messages.error(request, str(exc))
        return redirect("municipalities:import_preview", pk=pk)
    except ValidationError as exc:
        # The register changed between the preview and now (e.g. a domain was taken meanwhile).
        messages.error(request, _("Nothing was applied: %(errors)s") % {"errors": " ".join(exc.messages)})
        return redirect("municipalities:import_preview", pk=pk)
    messages.success(
        request,
        _(
            "Import applied. Rows changed: %(applied)d. Rows skipped because of errors: %(rejected)d. "
            "Rows unchanged: %(unchanged)d."
        )
        % {"applied": result.applied, "rejected": result.rejected, "unchanged": result.unchanged},
    )
    return redirect("municipalities:import_preview", pk=pk)


@roles.administrator_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    register_import = get_object_or_404(RegisterImport, pk=pk)
    try:
        services.register_import_cancel(register_import=register_import, actor=request.user)
    except services.RegisterImportError as exc:
        messages.error(request, str(exc))
        return redirect("municipalities:import_preview", pk=pk)
    messages.info(request, _("The import was cancelled; nothing was changed."))
    return redirect("municipalities:import")
