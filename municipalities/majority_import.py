"""Political majorities from a CSV (SKR's list after each election): reading, planning and applying.

The file: a header row naming the columns, then one row per kommun or region::

    code;majority;bloc;source;date
    0114;blockoverskridande;;SKR, Styre i kommuner efter valet 2022;2023-03-31

``code``, ``majority`` and ``source`` are required; ``bloc`` (a check of the
majority, never stored: the bloc follows from the majority), ``date``,
``parties``, ``kso_party`` and ``name`` (for the reader, not imported) are
optional. Swedish column names work too (kod, majoritet, block, källa, datum,
partier, kso, namn). Reading and planning write nothing: the preview and
``majority_import_apply`` both call ``plan_majority_import``, so what is applied
is what the preview showed for the register as it is now, and rows with errors
are skipped, as in the register import. The writes at the end of this module are
the services: transactional, recorded in the history with the acting user.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.spreadsheet import FORMULA_PREFIXES
from municipalities.classification import BLOC_LABELS, LEFT, NEITHER, RIGHT, bloc
from municipalities.imports import MAX_CELL, ImportFileError, ImportPlan, decode_upload, read_rows
from municipalities.models import MajorityImport, Municipality
from municipalities.services import ImportResult

MAX_BYTES = 1024 * 1024
REQUIRED_COLUMNS = ("code", "majority", "source")
COLUMNS = ("code", "majority", "bloc", "source", "date", "parties", "kso_party", "name")
COLUMN_ALIASES = {
    "kod": "code",
    "majoritet": "majority",
    "styre": "majority",
    "block": "bloc",
    "källa": "source",
    "datum": "date",
    "partier": "parties",
    "kso": "kso_party",
    "namn": "name",
}
# Column → the Municipality field it sets.
FIELDS = {
    "majority": "political_majority",
    "source": "majority_source",
    "date": "majority_source_date",
    "parties": "majority_parties",
    "kso_party": "kso_party",
}
# What the bloc column may say, in English or Swedish; empty means "not checked".
BLOC_WORDS = {
    LEFT: ("left", "vänster", "vanster", "vänsterblocket"),
    RIGHT: ("right", "höger", "hoger", "högerblocket", "borgerlig", "borgerligt", "borgerliga"),
    NEITHER: ("neither", "inget", "inget block", "ingen"),
}
MAJORITY_FIELDS = tuple(FIELDS.values())
BLOC_VALUES = {word: key for key, words in BLOC_WORDS.items() for word in words}
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
PARENTHESES_RE = re.compile(r"\s*\([^)]*\)")
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection)
# when the value is exported again; text fields refuse them.

# --- reading and planning (no writes) -----------------------------------------------------


@dataclass
class MajorityRow:
    line: int
    code: str
    municipality: Municipality | None = None
    values: dict = field(default_factory=dict)
    changed_fields: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_fields)

    @property
    def current_majority(self) -> str:
        return self.municipality.get_political_majority_display() if self.municipality else ""

    @property
    def new_majority(self) -> str:
        value = self.values.get("political_majority", "")
        return str(Municipality.Majority(value).label) if value else ""

    @property
    def bloc_label(self) -> str:
        return str(BLOC_LABELS[bloc(self.values.get("political_majority", ""))])


@dataclass
class MajorityPlan(ImportPlan):
    """The register import's plan (valid rows, error rows, unchanged, can apply) with majority rows."""

    rows: list[MajorityRow] = field(default_factory=list)


def decode_majority_upload(raw: bytes) -> tuple[str, str]:
    """Text and encoding of an upload (UTF-8 with or without BOM, or Windows-1252), at most 1 MB."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    return decode_upload(raw)


def plan_majority_import(text: str) -> MajorityPlan:
    """What applying ``text`` would change, row by row, against the register as it is now."""
    plan = MajorityPlan()
    try:
        header, rows = read_rows(text)
    except ImportFileError as exc:
        plan.file_errors.append(str(exc))
        return plan
    header = [COLUMN_ALIASES.get(name, name) for name in header]
    plan.columns = header
    plan.file_errors = _check_header(header)
    if plan.file_errors:
        return plan
    if not rows:
        plan.file_errors.append(_("The file has a header row but no data rows."))
        return plan
    context = _Context(
        municipalities={m.code: m for m in Municipality.objects.all()},
        majorities=_majority_names(),
        today=timezone.localdate(),
    )
    for line, cells in rows:
        plan.rows.append(_plan_row(line, dict(zip(header, cells, strict=False)), len(cells) - len(header), context))
    return plan


def _check_header(header: list[str]) -> list[str]:
    errors = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        errors.append(
            _("Required columns are missing: %(columns)s. The first row names the columns, e.g. %(example)s.")
            % {"columns": ", ".join(missing), "example": "code;majority;bloc;source;date"}
        )
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        errors.append(
            _("Unknown columns: %(columns)s. Allowed columns: %(allowed)s.")
            % {"columns": ", ".join(name[:50] or "(empty)" for name in unknown[:10]), "allowed": ", ".join(COLUMNS)}
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        errors.append(
            _("Columns named more than once: %(columns)s.") % {"columns": ", ".join(d[:50] for d in duplicates)}
        )
    return errors


@dataclass
class _Context:
    municipalities: dict[str, Municipality]
    majorities: dict[str, str]
    today: datetime.date
    seen_codes: set[str] = field(default_factory=set)


def _majority_names() -> dict[str, str]:
    """Every accepted spelling of a majority (key, English or Swedish label, with or without the parties)."""
    names = {}
    for choice in Municipality.Majority:
        spellings = {choice.value, choice.value.replace("_", " ")}
        for language in ("sv", "en"):
            with translation.override(language):
                label = str(choice.label)
            spellings |= {label, PARENTHESES_RE.sub("", label)}
        names.update({_normalise_word(spelling): choice.value for spelling in spellings})
    return names


def _plan_row(line: int, cells: dict[str, str], extra_cells: int, context: _Context) -> MajorityRow:
    cells = {name: (value or "").strip() for name, value in cells.items()}
    code = _normalise_code(cells.get("code", ""))
    row = MajorityRow(line=line, code=code[:20])
    if extra_cells > 0:
        row.errors.append(_("The row has more cells than the header has columns."))
    too_long = [name for name, value in cells.items() if len(value) > MAX_CELL]
    if too_long:
        row.errors.append(
            _("Values longer than %(max)d characters in: %(columns)s.")
            % {"max": MAX_CELL, "columns": ", ".join(too_long)}
        )
        return row
    row.municipality = context.municipalities.get(code)
    if row.municipality is None:
        row.errors.append(
            _("Unknown code “%(code)s”: use the four-digit code of a municipality or region, e.g. 0114.")
            % {"code": _short(code, 20)}
        )
        return row
    if code in context.seen_codes:
        row.errors.append(_("The code %(code)s appears on an earlier row too.") % {"code": code})
        return row
    context.seen_codes.add(code)
    majority = _check_majority(row, cells.get("majority", ""), context)
    if majority:
        _check_bloc(row, majority, cells.get("bloc", ""))
    _check_texts(row, cells)
    if cells.get("date"):
        _check_date(row, cells["date"], context.today)
    if not row.errors:
        # Compared now, while planning: applying changes the municipality objects.
        row.changed_fields = [name for name, value in row.values.items() if getattr(row.municipality, name) != value]
    return row


def _normalise_code(value: str) -> str:
    # Spreadsheets drop leading zeros: 114 is 0114, and 1 or 01 the region 0001.
    if value.isdigit() and len(value) < 4:
        return value.zfill(4)
    return value


def _normalise_word(value: str) -> str:
    return " ".join(value.lower().split())


def _check_majority(row: MajorityRow, value: str, context: _Context) -> str:
    choices = ", ".join(Municipality.Majority.values)
    if not value:
        row.errors.append(_("The majority is missing. Use one of: %(choices)s.") % {"choices": choices})
        return ""
    majority = context.majorities.get(_normalise_word(value))
    if majority is None:
        row.errors.append(
            _("“%(value)s” is not a known political majority. Use one of: %(choices)s.")
            % {"value": _short(value), "choices": choices}
        )
        return ""
    row.values["political_majority"] = majority
    return majority


def _check_bloc(row: MajorityRow, majority: str, value: str) -> None:
    if not value:
        return
    given = BLOC_VALUES.get(_normalise_word(value))
    if given is None:
        row.errors.append(
            _("“%(value)s” is not a bloc. Use left, right or neither (vänster, höger, inget), or leave it empty.")
            % {"value": _short(value)}
        )
    elif given != bloc(majority):
        row.errors.append(
            _("The bloc “%(value)s” does not agree with the majority %(majority)s, which counts as %(bloc)s.")
            % {
                "value": _short(value),
                "majority": Municipality.Majority(majority).label,
                "bloc": str(BLOC_LABELS[bloc(majority)]).lower(),
            }
        )


def _check_texts(row: MajorityRow, cells: dict[str, str]) -> None:
    if not cells.get("source"):
        row.errors.append(
            _("The source is missing: say where the majority comes from, e.g. SKR's list after the election.")
        )
    for column in ("source", "parties", "kso_party"):
        if column not in cells or (column != "source" and not cells[column]):
            continue  # an absent or empty parties or KSO column leaves the register's value as it is
        name = FIELDS[column]
        value = normalise_parties(cells[column]) if column == "parties" else cells[column]
        try:
            validate_text(Municipality._meta.get_field(name), value)
        except ValidationError as exc:
            row.errors.extend(f"{_label(name)}: {message}" for message in exc.messages)
            continue
        if value:
            row.values[name] = value


def _check_date(row: MajorityRow, value: str, today: datetime.date) -> None:
    try:
        row.values["majority_source_date"] = parse_date(value, today=today)
    except ValidationError as exc:
        row.errors.extend(f"{_label('majority_source_date')}: {message}" for message in exc.messages)


# --- shared with the edit form ---------------------------------------------------------------


def parse_date(value: str, *, today: datetime.date) -> datetime.date:
    """A date written YYYY-MM-DD (or 2022-9-11), not after ``today``."""
    match = DATE_RE.match(value.strip())
    try:
        date = datetime.date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        date = None
    if date is None:
        raise ValidationError(_("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": _short(value)})
    check_not_future(date, today=today)
    return date


def check_not_future(date: datetime.date, *, today: datetime.date) -> None:
    if date > today:
        raise ValidationError(
            _("The date %(date)s is in the future: give the date of the source, at the latest today.")
            % {"date": date.isoformat()}
        )


def check_not_formula(value: str) -> None:
    if value.startswith(FORMULA_PREFIXES):
        raise ValidationError(
            _("The text must not begin with =, +, -, @ or a tab: spreadsheets would run it as a formula.")
        )


def validate_text(model_field, value: str) -> None:
    """The model field's own rules (length) and the formula check, as a ValidationError."""
    check_not_formula(value)
    model_field.run_validators(value)


def normalise_parties(value: str) -> str:
    """Parties as stored in SKR's file, ;-separated: "M, KD ;L" → "M;KD;L"."""
    return ";".join(part.strip() for part in re.split(r"[;,]", value) if part.strip())


def _label(name: str) -> str:
    return capfirst(str(Municipality._meta.get_field(name).verbose_name))


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- services (writes) ---------------------------------------------------------------------


class MajorityImportError(Exception):
    """The import cannot be applied or cancelled; the message is shown to the user."""


def majority_import_create(*, uploaded_by, filename: str, content: str, encoding: str) -> MajorityImport:
    """Store an uploaded CSV (already decoded) for preview; nothing in the register changes yet."""
    majority_import = MajorityImport(
        uploaded_by=uploaded_by, filename=filename[:255], content=content, encoding=encoding
    )
    majority_import.full_clean()
    majority_import.save()
    return majority_import


@transaction.atomic
def majority_import_apply(*, majority_import: MajorityImport, actor) -> ImportResult:
    """Apply the valid rows of a pending import in one transaction, recording ``actor`` in the history.

    The rows are planned again against the register as it is now; rows with
    errors are skipped. Applying an import twice is refused.
    """
    locked = MajorityImport.objects.select_for_update().get(pk=majority_import.pk)
    if locked.status != MajorityImport.Status.PENDING:
        raise MajorityImportError(_("This import has already been applied or cancelled."))
    plan = plan_majority_import(locked.content)
    if plan.file_errors:
        raise MajorityImportError(_("The file has errors; nothing was applied."))
    with acting_as(actor):
        for row in plan.valid_rows:
            for name, value in row.values.items():
                setattr(row.municipality, name, value)
            _full_clean_majority(row.municipality)
            row.municipality.save()
    result = ImportResult(applied=len(plan.valid_rows), rejected=len(plan.error_rows), unchanged=plan.unchanged_count)
    locked.status = MajorityImport.Status.APPLIED
    locked.applied_at = timezone.now()
    locked.applied_by = actor
    locked.rows_applied = result.applied
    locked.rows_rejected = result.rejected
    locked.save(update_fields=["status", "applied_at", "applied_by", "rows_applied", "rows_rejected"])
    majority_import.refresh_from_db()
    return result


@transaction.atomic
def majority_import_cancel(*, majority_import: MajorityImport, actor) -> None:
    """Discard a pending import; the uploaded text is kept. ``actor`` for symmetry and future audit."""
    updated = MajorityImport.objects.filter(pk=majority_import.pk, status=MajorityImport.Status.PENDING).update(
        status=MajorityImport.Status.CANCELLED
    )
    if not updated:
        raise MajorityImportError(_("This import has already been applied or cancelled."))
    majority_import.refresh_from_db()


@transaction.atomic
def municipality_majority_update(*, municipality: Municipality, actor, values: dict) -> Municipality:
    """Set the political majority fields of one municipality (checked by the form), recorded in the history."""
    with acting_as(actor):
        for name in MAJORITY_FIELDS:
            setattr(municipality, name, values[name])
        _full_clean_majority(municipality)
        municipality.save()
    return municipality


def _full_clean_majority(municipality: Municipality) -> None:
    # Only the majority fields: a doubtful value elsewhere in the register (an
    # organisation number, say) is not this change's business and must not block it.
    others = [f.name for f in Municipality._meta.get_fields() if f.concrete and f.name not in MAJORITY_FIELDS]
    municipality.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
