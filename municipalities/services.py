"""Every write to the register outside the reference-data loader."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_as
from municipalities.imports import candidate_values, plan_import
from municipalities.models import EfficiencyModel, EfficiencyModelKpi, Kpi, MunicipalityDomain, RegisterImport


class RegisterImportError(Exception):
    """The import cannot be applied or cancelled; the message is shown to the user."""


@dataclass(frozen=True)
class ImportResult:
    applied: int
    rejected: int
    unchanged: int


def register_import_create(*, uploaded_by, filename: str, content: str, encoding: str) -> RegisterImport:
    """Store an uploaded CSV (already decoded) for preview; nothing in the register changes yet."""
    register_import = RegisterImport(
        uploaded_by=uploaded_by, filename=filename[:255], content=content, encoding=encoding
    )
    register_import.full_clean()
    register_import.save()
    return register_import


@transaction.atomic
def register_import_apply(*, register_import: RegisterImport, actor) -> ImportResult:
    """Apply the valid rows of a pending import in one transaction, recording ``actor`` in the history.

    The rows are validated again against the register as it is now; rows with
    errors are skipped. Applying an import twice is refused.
    """
    locked = RegisterImport.objects.select_for_update().get(pk=register_import.pk)
    if locked.status != RegisterImport.Status.PENDING:
        raise RegisterImportError(_("This import has already been applied or cancelled."))
    plan = plan_import(locked.content)
    if plan.file_errors:
        raise RegisterImportError(_("The file has errors; nothing was applied."))
    with acting_as(actor):
        for row in plan.valid_rows:
            municipality = row.municipality
            for name, value in candidate_values(municipality, row.values).items():
                setattr(municipality, name, value)
            municipality.full_clean()
            municipality.save()
            for domain in row.new_domains:
                municipality_domain = MunicipalityDomain(municipality=municipality, domain=domain)
                municipality_domain.full_clean()
                municipality_domain.save()
    result = ImportResult(applied=len(plan.valid_rows), rejected=len(plan.error_rows), unchanged=plan.unchanged_count)
    locked.status = RegisterImport.Status.APPLIED
    locked.applied_at = timezone.now()
    locked.applied_by = actor
    locked.rows_applied = result.applied
    locked.rows_rejected = result.rejected
    locked.save(update_fields=["status", "applied_at", "applied_by", "rows_applied", "rows_rejected"])
    register_import.refresh_from_db()
    return result


@transaction.atomic
def register_import_cancel(*, register_import: RegisterImport, actor) -> None:
    """Discard a pending import; the uploaded text is kept. ``actor`` for symmetry and future audit."""
    updated = RegisterImport.objects.filter(pk=register_import.pk, status=RegisterImport.Status.PENDING).update(
        status=RegisterImport.Status.CANCELLED
    )
    if not updated:
        raise RegisterImportError(_("This import has already been applied or cancelled."))
    register_import.refresh_from_db()


class EfficiencyModelInUse(Exception):
    """The model is the need-of-support basis of a network; the message names them."""


@transaction.atomic
def efficiency_model_save(
    *, actor, model: EfficiencyModel, quality: list[Kpi], volume: list[Kpi], resource: Kpi
) -> EfficiencyModel:
    """Save the model and replace its key figures; the caller has checked the rules (``model_problems``)."""
    with acting_as(actor):
        if model.pk is None:
            model.created_by = actor
        model.save()
        wanted = {kpi.id: EfficiencyModelKpi.Role.QUALITY for kpi in quality}
        wanted.update({kpi.id: EfficiencyModelKpi.Role.VOLUME for kpi in volume})
        wanted[resource.id] = EfficiencyModelKpi.Role.RESOURCE
        for component in model.components.all():
            role = wanted.pop(component.kpi_id, None)
            if role is None:
                component.delete()
            elif component.role != role:
                component.role = role
                component.save(update_fields=["role"])
        for kpi_id, role in wanted.items():
            EfficiencyModelKpi.objects.create(model=model, kpi_id=kpi_id, role=role)
    return model


@transaction.atomic
def efficiency_model_delete(*, actor, model: EfficiencyModel) -> None:
    networks = list(model.networks.order_by("title").values_list("title", flat=True))
    if networks:
        raise EfficiencyModelInUse(
            _("The model is used for the need of support in %(networks)s. Remove it from the network first.")
            % {"networks": ", ".join(networks)}
        )
    with acting_as(actor):
        model.components.all().delete()
        model.delete()
