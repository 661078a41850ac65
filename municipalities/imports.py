"""Reading a CSV of editable register facts: decoding, parsing and per-row validation.

Pure reading: nothing here writes. The preview page and the apply service both
call ``plan_import``, so what is applied is exactly what the preview showed for
the current state of the register (rows that became invalid meanwhile are skipped).
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr as se_orgnr

from municipalities.models import Municipality, MunicipalityDomain

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_CELL = 1000
MAX_DOMAINS_PER_ROW = 20

FIELD_COLUMNS = (
    "organisation_number",
    "invoice_email",
    "invoice_address",
    "buyer_reference",
    "peppol_id",
    "political_majority",
    "majority_parties",
    "kso_party",
    "majority_source",
    "majority_source_date",
)
DOMAINS_COLUMN = "email_domains"
ALLOWED_COLUMNS = ("code", *FIELD_COLUMNS, DOMAINS_COLUMN)
PEPPOL_RE = re.compile(r"^0007:\d{10}$")
DOMAIN_SPLIT_RE = re.compile(r"[\s;,]+")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is shown to the user."""


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    line: int
    code: str
    municipality: Municipality | None = None
    values: dict = field(default_factory=dict)
    new_domains: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


@dataclass
class ImportPlan:
    columns: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.is_valid and row.has_changes]

    @property
    def error_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def unchanged_count(self) -> int:
        return sum(1 for row in self.rows if row.is_valid and not row.has_changes)

    @property
    def can_apply(self) -> bool:
        return not self.file_errors and bool(self.valid_rows)


def decode_upload(raw: bytes) -> tuple[str, str]:
    """Text and encoding name of an uploaded file: UTF-8 (with or without BOM) or Windows-1252."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 2 MB. Split it into smaller files."))
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    if b"\x00" in raw:
        raise ImportFileError(_("The file does not look like a CSV text file. Save it as CSV (UTF-8) and try again."))
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = raw.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file could not be read as text (UTF-8 or Windows-1252). Save it as CSV (UTF-8) and try again.")
            ) from None
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
        raise ImportFileError(_("The file does not look like a CSV text file. Save it as CSV (UTF-8) and try again."))
    return text, encoding


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (normalised) and the non-empty data rows with their line numbers."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in cells]
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)d rows. Split it into smaller files.") % {"max": MAX_ROWS}
                )
            rows.append((reader.line_num, cells))
    except csv.Error:
        raise ImportFileError(
            _("The file could not be read as CSV (line %(line)d). Check quotes and separators.")
            % {"line": reader.line_num}
        ) from None
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return header, rows


def _check_header(header: list[str]) -> list[str]:
    errors = []
    if "code" not in header:
        errors.append(_("The column “code” is missing: the first row must name the columns, one of them “code”."))
    unknown = [name for name in header if name not in ALLOWED_COLUMNS]
    if unknown:
        errors.append(
            _("Unknown columns: %(columns)s. Allowed columns: %(allowed)s.")
            % {
                "columns": ", ".join(name[:50] or "(empty)" for name in unknown[:10]),
                "allowed": ", ".join(ALLOWED_COLUMNS),
            }
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        errors.append(
            _("Columns named more than once: %(columns)s.") % {"columns": ", ".join(d[:50] for d in duplicates)}
        )
    return errors


def plan_import(text: str) -> ImportPlan:
    """What applying ``text`` would change, row by row, against the register as it is now."""
    plan = ImportPlan()
    try:
        header, rows = read_rows(text)
    except ImportFileError as exc:
        plan.file_errors.append(str(exc))
        return plan
    plan.columns = header
    plan.file_errors = _check_header(header)
    if plan.file_errors:
        return plan
    if not rows:
        plan.file_errors.append(_("The file has a header row but no data rows."))
        return plan
    context = _Context(
        municipalities={m.code: m for m in Municipality.objects.select_related("county")},
        domain_owners=dict(MunicipalityDomain.objects.values_list("domain", "municipality__code")),
    )
    for line, cells in rows:
        plan.rows.append(_plan_row(line, dict(zip(header, cells, strict=False)), len(cells) - len(header), context))
    return plan


@dataclass
class _Context:
    municipalities: dict[str, Municipality]
    domain_owners: dict[str, str]
    seen_codes: set[str] = field(default_factory=set)
    file_domains: dict[str, str] = field(default_factory=dict)


def _plan_row(line: int, cells: dict[str, str], extra_cells: int, context: _Context) -> RowPlan:
    code = _normalise_code(cells.get("code", ""))
    row = RowPlan(line=line, code=code[:20])
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
            % {"code": code[:20]}
        )
        return row
    if code in context.seen_codes:
        row.errors.append(_("The code %(code)s appears on an earlier row too.") % {"code": code})
        return row
    context.seen_codes.add(code)
    for name in FIELD_COLUMNS:
        value = (cells.get(name) or "").strip()
        if value:
            _check_field(row, name, value)
    if cells.get(DOMAINS_COLUMN, "").strip():
        _check_domains(row, cells[DOMAINS_COLUMN], context)
    if not row.errors:
        _validate_model(row)
    if not row.errors:
        row.changes = _changes(row)
    return row


def _normalise_code(value: str) -> str:
    value = value.strip()
    # Spreadsheets drop the leading zero of 0114; put it back.
    if value.isdigit() and len(value) == 3:
        return "0" + value
    return value


def _check_field(row: RowPlan, name: str, value: str) -> None:
    checker = _CHECKERS.get(name)
    if checker is None:
        row.values[name] = value
        return
    try:
        row.values[name] = checker(value)
    except ValidationError as exc:
        row.errors.extend(f"{_label(name)}: {message}" for message in exc.messages)


def _check_orgnr(value: str) -> str:
    try:
        return se_orgnr.validate(value)
    except StdnumValidationError:
        raise ValidationError(
            _("“%(value)s” is not a valid Swedish organisation number (check the digits).") % {"value": _short(value)}
        ) from None


def _check_email(value: str) -> str:
    try:
        EmailValidator()(value)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid e-mail address.") % {"value": _short(value)}) from None
    return value


def _check_peppol(value: str) -> str:
    value = value.replace(" ", "")
    if not PEPPOL_RE.match(value):
        raise ValidationError(
            _("“%(value)s” is not a PEPPOL id of the form 0007:NNNNNNNNNN (0007 and the organisation number).")
            % {"value": _short(value)}
        )
    return value


def _check_majority(value: str) -> str:
    wanted = value.strip().lower()
    for choice in Municipality.Majority:
        if wanted in (choice.value, str(choice.label).lower()):
            return choice.value
    raise ValidationError(
        _("“%(value)s” is not a known political majority. Use one of: %(choices)s.")
        % {"value": _short(value), "choices": ", ".join(Municipality.Majority.values)}
    )


def _check_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": _short(value)}
        ) from None


_CHECKERS = {
    "organisation_number": _check_orgnr,
    "invoice_email": _check_email,
    "peppol_id": _check_peppol,
    "political_majority": _check_majority,
    "majority_source_date": _check_date,
}


def _check_domains(row: RowPlan, value: str, context: _Context) -> None:
    domains = [domain.lower().lstrip("@") for domain in DOMAIN_SPLIT_RE.split(value.strip()) if domain]
    if len(domains) > MAX_DOMAINS_PER_ROW:
        row.errors.append(_("At most %(max)d e-mail domains per row.") % {"max": MAX_DOMAINS_PER_ROW})
        return
    field_ = MunicipalityDomain._meta.get_field("domain")
    for domain in dict.fromkeys(domains):
        try:
            field_.run_validators(domain)
        except ValidationError as exc:
            row.errors.extend(f"{_label(DOMAINS_COLUMN)} “{_short(domain)}”: {message}" for message in exc.messages)
            continue
        owner = context.domain_owners.get(domain) or context.file_domains.get(domain)
        if owner == row.code:
            continue
        if owner:
            row.errors.append(
                _("The e-mail domain %(domain)s already belongs to another municipality (%(code)s).")
                % {"domain": domain, "code": owner}
            )
            continue
        context.file_domains[domain] = row.code
        row.new_domains.append(domain)


def _validate_model(row: RowPlan) -> None:
    """Run the model's own validation on a copy carrying the new values."""
    candidate = copy.copy(row.municipality)
    for name, value in candidate_values(row.municipality, row.values).items():
        setattr(candidate, name, value)
    try:
        # The county is not imported; excluding it spares one query per row.
        candidate.full_clean(exclude=["county"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            row.errors.extend(f"{_label(name)}: {message}" for message in messages)


def candidate_values(municipality: Municipality, values: dict) -> dict:
    """The field values to write, with the PEPPOL id following a changed organisation number."""
    result = dict(values)
    orgnr = result.get("organisation_number")
    if orgnr and "peppol_id" not in result:
        derived_old = f"0007:{municipality.organisation_number}" if municipality.organisation_number else ""
        if municipality.peppol_id in ("", derived_old):
            result["peppol_id"] = f"0007:{orgnr}"
    return result


def _changes(row: RowPlan) -> list[Change]:
    changes = []
    for name, new in candidate_values(row.municipality, row.values).items():
        old = getattr(row.municipality, name)
        if old != new:
            changes.append(Change(name, _label(name), _display(old), _display(new)))
    if row.new_domains:
        changes.append(Change(DOMAINS_COLUMN, _label(DOMAINS_COLUMN), "", " ".join(row.new_domains)))
    return changes


def _display(value) -> str:
    if value in (None, ""):
        return "–"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


_DOMAINS_LABEL = gettext_lazy("new e-mail domains")


def _label(name: str) -> str:
    if name == DOMAINS_COLUMN:
        return str(_DOMAINS_LABEL)
    try:
        return str(Municipality._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
