"""Political majorities: the CSV import (upload, preview, apply, cancel) and the edit page of one municipality.

Network leads and administrators (and superusers) may use them: leads run the
selections that balance the blocs and keep the majorities up to date after an
election. The register is shared by every organiser, so these pages are not
scoped to one. Finance staff and representatives are refused (403).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from municipalities import majority_import as service
from municipalities import selectors
from municipalities.classification import LEFT, NEITHER, RIGHT
from municipalities.forms import MajorityImportForm, MunicipalityMajorityForm
from municipalities.majority_import import BLOC_WORDS, COLUMNS, MajorityImportError, plan_majority_import
from municipalities.models import MajorityImport, Municipality

RECENT_IMPORTS = 20


@roles.network_lead_required
def majority_import_upload(request: HttpRequest) -> HttpResponse:
    form = MajorityImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        majority_import = service.majority_import_create(
            uploaded_by=request.user,
            filename=form.cleaned_data["file"].name or "",
            content=form.cleaned_data["text"],
            encoding=form.cleaned_data["encoding"],
        )
        return redirect("municipalities:majority_import_preview", pk=majority_import.pk)
    recent = MajorityImport.objects.select_related("uploaded_by", "applied_by").defer("content")[:RECENT_IMPORTS]
    context = {
        "form": form,
        "imports": recent,
        "columns": COLUMNS,
        "majorities": Municipality.Majority.choices,
        "left_words": BLOC_WORDS[LEFT],
        "right_words": BLOC_WORDS[RIGHT],
        "neither_words": BLOC_WORDS[NEITHER],
    }
    return render(request, "municipalities/majority_import_upload.html", context)


@roles.network_lead_required
def majority_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    majority_import = get_object_or_404(MajorityImport.objects.select_related("uploaded_by", "applied_by"), pk=pk)
    is_pending = majority_import.status == MajorityImport.Status.PENDING
    plan = plan_majority_import(majority_import.content) if is_pending else None
    return render(
        request,
        "municipalities/majority_import_preview.html",
        {"majority_import": majority_import, "plan": plan, "is_pending": is_pending},
    )


@roles.network_lead_required
@require_POST
def majority_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    majority_import = get_object_or_404(MajorityImport, pk=pk)
    try:
        result = service.majority_import_apply(majority_import=majority_import, actor=request.user)
    except MajorityImportError as exc:
        messages.error(request, str(exc))
        return redirect("municipalities:majority_import_preview", pk=pk)
    except ValidationError as exc:
        messages.error(request, _("Nothing was applied: %(errors)s") % {"errors": " ".join(exc.messages)})
        return redirect("municipalities:majority_import_preview", pk=pk)
    messages.success(
        request,
        _(
            "Import applied. Rows changed: %(applied)d. Rows skipped because of errors: %(rejected)d. "
            "Rows unchanged: %(unchanged)d."
        )
        % {"applied": result.applied, "rejected": result.rejected, "unchanged": result.unchanged},
    )
    return redirect("municipalities:majority_import_preview", pk=pk)


@roles.network_lead_required
@require_POST
def majority_import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    majority_import = get_object_or_404(MajorityImport, pk=pk)
    try:
        service.majority_import_cancel(majority_import=majority_import, actor=request.user)
    except MajorityImportError as exc:
        messages.error(request, str(exc))
        return redirect("municipalities:majority_import_preview", pk=pk)
    messages.info(request, _("The import was cancelled; nothing was changed."))
    return redirect("municipalities:majority_import")


@roles.network_lead_required
def majority_edit(request: HttpRequest, code: str) -> HttpResponse:
    municipality = selectors.municipality_get(code=code)
    if municipality is None:
        raise Http404
    form = MunicipalityMajorityForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        service.municipality_majority_update(municipality=municipality, actor=request.user, values=form.cleaned_data)
        messages.success(request, _("The political majority of %(name)s is saved.") % {"name": municipality.name})
        return redirect("municipalities:detail", code=municipality.code)
    return render(request, "municipalities/majority_edit.html", {"form": form, "municipality": municipality})
