"""BgMax import: payments matched on the OCR reference, unmatched kept, duplicates (Bankgirot's serial number)
skipped, the same file refused twice, and clear errors on a file that is not BgMax."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.models import BgMaxImport, Invoice, Payment
from billing.payments import import_bgmax, parse_bgmax
from tests.billing.test_batches import finance_of, issued
from tests.factories import BillingOrganizerFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


def record(code: str, *parts: tuple[int, str]) -> str:
    """An 80-character record: ``parts`` are (1-based start position, text)."""
    line = [" "] * 80
    line[0:2] = code
    for start, text in parts:
        line[start - 1 : start - 1 + len(text)] = text
    return "".join(line)


def payment(reference: str, ore: int, serial: str, *, code: str = "20", name: str = "") -> list[str]:
    rows = [
        record(
            code,
            (3, "0009912346"),
            (13, reference.ljust(25)),
            (38, f"{ore:018d}"),
            (56, "2"),
            (57, "1"),
            (58, serial.rjust(12, "0")),
            (70, "0"),
        )
    ]
    if name:
        rows.append(record("26", (3, name)))
    return rows


def bgmax(payments: list[list[str]], *, payee: str = "0050501055", day: str = "20180301", stamp: str = "1") -> bytes:
    lines = [record("01", (3, "BGMAX".ljust(20)), (23, "01"), (25, f"2018030110{stamp:0>10}"[:20]), (45, "P"))]
    lines.append(record("05", (3, payee), (23, "SEK")))
    count = 0
    for rows in payments:
        lines.extend(rows)
        count += rows[0].startswith("20")
    lines.append(record("15", (3, "99999999999999999999999999999999999"), (38, day), (46, "00001"), (69, "SEK")))
    lines.append(record("70", (3, f"{count:08d}"), (11, "00000000"), (19, "00000000"), (27, "00000001")))
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


@pytest.fixture
def organizer():
    return BillingOrganizerFactory()  # bankgiro 5050-1055


@pytest.fixture
def finance(organizer):
    return finance_of(organizer)


def test_parse_reads_the_positions(finance):
    content = bgmax([payment("12345682", 2500050, "123", name="Upplands Väsby kommun")])
    parsed = parse_bgmax(content)
    (one,) = parsed.payments
    assert one.reference == "12345682"
    assert one.amount == Decimal("25000.50")
    assert one.serial == "000000000123"
    assert one.paid_on == date(2018, 3, 1)
    assert one.payer == "Upplands Väsby kommun"
    assert one.sender_bankgiro == "9912346"
    assert parsed.payee_bankgiros == ["50501055"]


def test_matched_unmatched_and_duplicates(finance, organizer):
    first, second = issued(finance), issued(finance)
    content = bgmax(
        [
            payment(first.ocr, int(first.total_incl_vat * 100), "1"),  # pays the first in full
            payment(second.ocr, 1000000, "2"),  # 10 000 kr of the second
            payment("99999", 50000, "3", name="Okänd betalare"),  # no such OCR
            payment(second.ocr, 1000000, "2"),  # the same serial twice in one file
        ]
    )
    result = import_bgmax(organizer=organizer, file_name="bgmax.txt", content=content, actor=finance)
    assert (result.matched, result.unmatched, result.duplicates) == (2, 1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Invoice.Status.PAID and first.paid_at == date(2018, 3, 1)
    assert second.status == Invoice.Status.ISSUED  # partly paid
    unmatched = Payment.objects.get(invoice__isnull=True)
    assert unmatched.payer == "Okänd betalare" and unmatched.amount == Decimal("500.00")
    assert unmatched.source == Payment.Source.BGMAX and unmatched.bgmax_import == result

    # A later file repeating a payment already imported: counted and skipped.
    later = bgmax([payment(second.ocr, 1000000, "2"), payment(second.ocr, 2125000, "4")], stamp="2")
    again = import_bgmax(organizer=organizer, file_name="bgmax2.txt", content=later, actor=finance)
    assert (again.matched, again.unmatched, again.duplicates) == (1, 0, 1)
    assert Payment.objects.filter(invoice=second).count() == 2


def test_the_same_file_twice_is_refused(finance, organizer):
    invoice = issued(finance)
    content = bgmax([payment(invoice.ocr, 100, "7")])
    import_bgmax(organizer=organizer, file_name="a.txt", content=content, actor=finance)
    with pytest.raises(ValidationError):
        import_bgmax(organizer=organizer, file_name="copy.txt", content=content, actor=finance)
    assert BgMaxImport.objects.count() == 1 and Payment.objects.count() == 1


def test_another_organisers_invoice_is_not_matched(finance, organizer):
    other = BillingOrganizerFactory(bankgiro="5050-1063")
    theirs = issued(finance_of(other), organizer=other)
    content = bgmax([payment(theirs.ocr, 100, "8")])
    result = import_bgmax(organizer=organizer, file_name="a.txt", content=content, actor=finance)
    assert (result.matched, result.unmatched) == (0, 1)
    assert not theirs.payments.exists()


def test_a_file_of_another_bankgiro_is_refused(finance, organizer):
    with pytest.raises(ValidationError, match="bankgiro"):
        import_bgmax(organizer=organizer, file_name="a.txt", content=bgmax([], payee="0012345678"), actor=finance)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01binary",
        b"<script>alert(1)</script>",
        b"'; DROP TABLE billing_payment; --",
        b"x" * 100_000,
        "01BGMAX".ljust(80).encode() + b"\r\n" + b"20" + b"x" * 78,  # amount not a number, no end
        "01BGMAX".ljust(80).encode() + b"\r\n" + b"9" * 81,  # too long a record
    ],
    ids=["empty", "binary", "hostile", "sql", "huge", "garbled", "long"],
)
def test_a_wrong_file_gives_a_clear_error(finance, organizer, content):
    with pytest.raises(ValidationError):
        import_bgmax(organizer=organizer, file_name="x.txt", content=content, actor=finance)
    assert not BgMaxImport.objects.exists()


def test_an_incomplete_file_is_refused(finance, organizer):
    invoice = issued(finance)
    content = bgmax([payment(invoice.ocr, 100, "1"), payment(invoice.ocr, 100, "2")])
    cut = b"\r\n".join(line for line in content.split(b"\r\n") if not line.startswith(b"70"))
    with pytest.raises(ValidationError):
        import_bgmax(organizer=organizer, file_name="x.txt", content=cut, actor=finance)
    assert not Payment.objects.exists()


def test_only_the_organisers_finance_imports(organizer):
    lead = staff(organizer=organizer)
    with pytest.raises(PermissionDenied):
        import_bgmax(organizer=organizer, file_name="x.txt", content=bgmax([]), actor=lead)
