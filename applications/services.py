"""Every write to an application: start, save a draft, submit, withdraw, attachments.

All writes refuse once the network no longer accepts applications (the deadline
is enforced here, on the server, whatever the page showed). A submission stores
an immutable snapshot (ApplicationVersion) and e-mails the receipt after commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationAttachment, ApplicationCommitment, ApplicationVersion
from applications.selectors import MissingItem, application_missing_items, application_with_content
from core.audit import acting_as
from municipalities.efficiency import CATEGORY_ORDER
from municipalities.models import Kpi, KpiValue, normalise_orgnr

MAX_ATTACHMENTS = 5

APPLICATION_FIELDS = (
    "motivation",
    "problem_area",
    "current_state",
    "problem",
    "goal",
    "invoice_orgnr",
    "invoice_email",
    "invoice_address",
    "buyer_reference",
    "peppol_id",
    "update_register",
)
COMMITMENT_FIELDS = (
    "confirmed",
    "decision_date",
    "decision_reference",
    "decision_pending",
    "expected_date",
    "details",
)
PARTICIPANT_FIELDS = ("name", "email", "title", "role")


class ApplicationError(Exception):
    """A refused operation; ``message`` is translated and meant for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class ApplicationIncomplete(ApplicationError):
    def __init__(self, missing: list[MissingItem]):
        super().__init__(_("The application is not complete yet."))
        self.missing = missing


def ensure_open(network) -> None:
    if not network.accepts_applications():
        raise ApplicationError(_("The network no longer accepts applications; nothing was saved."))


def ensure_eligible(network, municipality) -> None:
    if municipality is None or not network.accepts_municipality(municipality):
        raise ApplicationError(_("Your municipality or region cannot apply to this network."))


def application_start(*, network, actor) -> tuple[Application, bool]:
    """The actor's municipality's application to ``network``, created if there is none.

    Two colleagues may start at the same moment; the unique constraint lets one
    win and the other gets the winner's application (created=False).
    """
    municipality = actor.municipality
    ensure_eligible(network, municipality)
    ensure_open(network)
    existing = Application.objects.filter(network=network, municipality=municipality).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic(), acting_as(actor):
            application = Application.objects.create(
                network=network, municipality=municipality, created_by=actor, **register_invoice_details(municipality)
            )
    except IntegrityError:
        return Application.objects.get(network=network, municipality=municipality), False
    return application, True


def register_invoice_details(municipality) -> dict:
    """The invoice details the register holds, as initial values for an application."""
    orgnr = municipality.organisation_number
    return {
        "invoice_orgnr": orgnr,
        "invoice_email": municipality.invoice_email,
        "invoice_address": municipality.invoice_address,
        "buyer_reference": municipality.buyer_reference,
        "peppol_id": municipality.peppol_id or (f"0007:{orgnr}" if orgnr else ""),
    }


@transaction.atomic
def application_save_draft(
    *,
    application: Application,
    actor,
    fields: dict,
    commitments: dict[int, dict] | None = None,
    participants: list[dict] | None = None,
    add_files: list | None = None,
    remove_tokens: list[str] | None = None,
) -> Application:
    """Store what was typed, complete or not. Formats are the form's business."""
    application = Application.objects.select_for_update().select_related("network").get(pk=application.pk)
    ensure_open(application.network)
    with acting_as(actor):
        for name in APPLICATION_FIELDS:
            if name in fields:
                setattr(application, name, fields[name] if fields[name] is not None else "")
        if application.invoice_orgnr:
            application.invoice_orgnr = normalise_orgnr(application.invoice_orgnr)
            if not application.peppol_id:
                application.peppol_id = f"0007:{application.invoice_orgnr}"
        application.full_clean(exclude=["network", "municipality", "created_by", "submitted_by"])
        application.save()
        if "referenced_kpis" in fields:
            application.referenced_kpis.set(fields["referenced_kpis"] or [])
        if commitments is not None:
            _save_commitments(application, commitments)
        if participants is not None:
            _save_participants(application, participants)
        for token in remove_tokens or []:
            attachment_remove(application=application, actor=actor, token=token)
        for uploaded in add_files or []:
            attachment_add(application=application, actor=actor, uploaded=uploaded)
    return application


def _save_commitments(application: Application, answers: dict[int, dict]) -> None:
    allowed = set(application.network.commitments.values_list("pk", flat=True))
    existing = {c.commitment_id: c for c in application.commitments.all()}
    for commitment_id, values in answers.items():
        if commitment_id not in allowed:
            continue
        answer = existing.get(commitment_id) or ApplicationCommitment(
            application=application, commitment_id=commitment_id
        )
        for name in COMMITMENT_FIELDS:
            if name in values:
                default = (
                    None if name.endswith("_date") else ("" if name in ("decision_reference", "details") else False)
                )
                setattr(answer, name, values[name] if values[name] is not None else default)
        answer.save()


def _save_participants(application: Application, rows: list[dict]) -> None:
    existing = {p.pk: p for p in application.participants.all()}
    kept = set()
    for row in rows:
        participant = existing.get(row.get("id"))
        if participant is None:
            participant = application.participants.model(application=application)
        for name in PARTICIPANT_FIELDS:
            setattr(participant, name, (row.get(name) or "").strip())
        participant.save()
        kept.add(participant.pk)
    for pk, participant in existing.items():
        if pk not in kept:
            participant.delete()


@transaction.atomic
def application_submit(*, application: Application, actor) -> ApplicationVersion:
    """Submit the saved content: check completeness, snapshot it as the next version, send the receipt."""
    application = Application.objects.select_for_update().select_related("network").get(pk=application.pk)
    ensure_open(application.network)
    missing = application_missing_items(application)
    if missing:
        raise ApplicationIncomplete(missing)
    now = timezone.now()
    with acting_as(actor):
        application.status = Application.Status.SUBMITTED
        application.version += 1
        application.submitted_at = now
        application.submitted_by = actor
        application.withdrawn_at = None
        application.save()
        version = ApplicationVersion.objects.create(
            application=application,
            number=application.version,
            submitted_at=now,
            submitted_by=actor,
            data=application_snapshot(application_with_content(application.pk)),
        )
        if application.update_register:
            _update_register(application)
    from applications.tasks import send_application_receipts

    application_id, number = application.pk, version.number
    transaction.on_commit(lambda: send_application_receipts.delay(application_id, number))
    return version


def _update_register(application: Application) -> None:
    """Offer the invoice details back to the municipality register (its history records who)."""
    municipality = application.municipality
    changed = False
    for source, target in (
        ("invoice_orgnr", "organisation_number"),
        ("invoice_email", "invoice_email"),
        ("invoice_address", "invoice_address"),
        ("buyer_reference", "buyer_reference"),
        ("peppol_id", "peppol_id"),
    ):
        value = getattr(application, source)
        if value and getattr(municipality, target) != value:
            setattr(municipality, target, value)
            changed = True
    if changed:
        municipality.full_clean()
        municipality.save()


@transaction.atomic
def application_withdraw(*, application: Application, actor) -> Application:
    application = Application.objects.select_for_update().select_related("network").get(pk=application.pk)
    ensure_open(application.network)
    if application.status == Application.Status.WITHDRAWN:
        return application
    with acting_as(actor):
        application.status = Application.Status.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save()
    return application


def attachment_add(*, application: Application, actor, uploaded) -> ApplicationAttachment:
    """Store a checked upload privately; the caller validated its type (attachments.validate_attachment)."""
    from applications.attachments import validate_attachment

    ensure_open(application.network)
    content_type = validate_attachment(uploaded)
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("At most %(n)s attachments."), params={"n": MAX_ATTACHMENTS})
    with transaction.atomic(), acting_as(actor):
        attachment = ApplicationAttachment(
            application=application,
            token=secrets.token_urlsafe(32),
            original_name=safe_file_name(uploaded.name),
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=actor,
        )
        attachment.file.save(attachment.token, uploaded, save=False)
        attachment.save()
    return attachment


def attachment_remove(*, application: Application, actor, token: str) -> None:
    ensure_open(application.network)
    attachment = application.attachments.filter(token=token).first()
    if attachment is None:
        return
    storage, name = attachment.file.storage, attachment.file.name
    with acting_as(actor):
        attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def safe_file_name(name: str) -> str:
    """The user's file name without path, control characters or NUL, at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or "bilaga")[-255:]


# --- Snapshots and differences -------------------------------------------------------


def _text(value) -> str:
    # JSON may hold NUL, PostgreSQL's jsonb may not; the forms reject NUL, this is the last guard.
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\x00", "")


def application_snapshot(application: Application) -> dict:
    """All content of ``application`` as JSON-ready data (what a version stores)."""
    return {
        "network": _text(application.network.title),
        "municipality": _text(application.municipality.name),
        "fields": {name: _text(getattr(application, name)) for name in APPLICATION_FIELDS if name != "update_register"},
        "commitments": [
            {
                "id": answer.commitment_id,
                "title": _text(answer.commitment.title),
                "kind": answer.commitment.kind,
                "confirmed": answer.confirmed,
                "decision_date": _text(answer.decision_date),
                "decision_reference": _text(answer.decision_reference),
                "decision_pending": answer.decision_pending,
                "expected_date": _text(answer.expected_date),
                "details": _text(answer.details),
            }
            for answer in application.commitments.all()
        ],
        "participants": [
            {name: _text(getattr(p, name)) for name in PARTICIPANT_FIELDS} for p in application.participants.all()
        ],
        "attachments": [
            {"name": _text(a.original_name), "size": a.size, "content_type": a.content_type}
            for a in application.attachments.all()
        ],
        "key_figures": _key_figures(application),
    }


def _key_figures(application: Application) -> list[dict]:
    """The referenced key figures with the municipality's latest value now (one query).

    Stored in the version, so a later sync does not change what was submitted.
    """
    latest = KpiValue.objects.filter(
        kpi=OuterRef("pk"),
        municipality_id=application.municipality_id,
        gender=KpiValue.Gender.TOTAL,
        value__isnull=False,
    ).order_by("-year")
    kpis = (
        Kpi.objects.filter(
            pk__in=Application.referenced_kpis.through.objects.filter(application=application.pk).values("kpi")
        )
        .annotate(
            latest_year=Subquery(latest.values("year")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
            latest_is_demo=Subquery(latest.values("is_demo")[:1]),
        )
        .order_by()
    )
    rank = {category: number for number, category in enumerate(CATEGORY_ORDER)}
    return [
        {
            "kpi": kpi.pk,
            "title": _text(kpi.title),
            "year": kpi.latest_year,
            "value": kpi.latest_value,
            "is_demo": bool(kpi.latest_is_demo),
        }
        for kpi in sorted(kpis, key=lambda kpi: (rank.get(kpi.category, len(rank)), kpi.pk))
    ]


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    old: str
    new: str


def version_diff(old: dict, new: dict) -> list[Change]:
    """What changed between two snapshots, field by field."""
    from applications.models import Application as Model

    changes: list[Change] = []
    for name, value in new.get("fields", {}).items():
        before = old.get("fields", {}).get(name, "")
        if before != value:
            label = str(Model._meta.get_field(name).verbose_name)
            changes.append(Change(str(_("Application")), label, before, value))
    old_c = {c["id"]: c for c in old.get("commitments", [])}
    for answer in new.get("commitments", []):
        before = old_c.pop(answer["id"], {})
        for key in COMMITMENT_FIELDS:
            if str(before.get(key, "")) != str(answer.get(key, "")):
                label = str(ApplicationCommitment._meta.get_field(key).verbose_name)
                changes.append(Change(answer["title"], label, _text(before.get(key, "")), _text(answer.get(key))))
    old_figures, new_figures = old.get("key_figures", []), new.get("key_figures", [])
    if old_figures != new_figures:
        changes.append(
            Change(
                str(_("Key figures")),
                str(Model._meta.get_field("referenced_kpis").verbose_name),
                _describe_figures(old_figures),
                _describe_figures(new_figures),
            )
        )
    changes += _list_diff(str(_("Participants")), old.get("participants", []), new.get("participants", []), "email")
    changes += _list_diff(str(_("Attachments")), old.get("attachments", []), new.get("attachments", []), "name")
    return changes


def _list_diff(section: str, old: list[dict], new: list[dict], key: str) -> list[Change]:
    def describe(item):
        return ", ".join(_text(v) for k, v in item.items() if v not in ("", None) and k != "content_type")

    before = {item.get(key, "").lower(): item for item in old}
    after = {item.get(key, "").lower(): item for item in new}
    changes = []
    for k, item in after.items():
        if k not in before:
            changes.append(Change(section, str(_("added")), "", describe(item)))
        elif before[k] != item:
            changes.append(Change(section, str(_("changed")), describe(before[k]), describe(item)))
    for k, item in before.items():
        if k not in after:
            changes.append(Change(section, str(_("removed")), describe(item), ""))
    return changes


def _describe_figures(figures: list[dict]) -> str:
    def value(figure):
        return "–" if figure.get("value") is None else f"{figure['value']:g}"

    return "; ".join(f"{_text(f.get('title'))} {_text(f.get('year') or '')}: {value(f)}".strip() for f in figures)
