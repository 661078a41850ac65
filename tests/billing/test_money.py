"""billing.money: rounding once per line and per total, installment remainders, Luhn and OCR, "25 000 kr"."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from billing import money


def line(amount, rate="25", category="S", reason=""):
    return SimpleNamespace(
        amount=Decimal(amount), vat_rate=Decimal(rate), vat_category=category, vat_exemption_reason=reason
    )


def test_a_line_is_rounded_once_half_up():
    assert money.line_amount(Decimal("3"), Decimal("33.335")) == Decimal("100.01")
    assert money.line_amount(Decimal("0.5"), Decimal("0.01")) == Decimal("0.01")


def test_vat_per_group_and_totals_agree():
    result = money.totals([line("25000.00"), line("0.10"), line("0.10"), line("450.00", "0", "E", "Momsfri")])
    by_category = {g.category: g for g in result.groups}
    assert by_category["S"].taxable == Decimal("25000.20") and by_category["S"].vat == Decimal("6250.05")
    assert by_category["E"].exemption_reason == "Momsfri"
    assert result.excl_vat == Decimal("25450.20") and result.vat == Decimal("6250.05")
    assert result.incl_vat == result.excl_vat + result.vat


@pytest.mark.parametrize(
    ("amount", "shares", "expected"),
    [
        ("25000", ["50", "50"], ["12500.00", "12500.00"]),
        ("100", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.34"]),
        ("10000", ["33.33", "33.33", "33.34"], ["3333.00", "3333.00", "3334.00"]),
        ("0.05", ["50", "50"], ["0.03", "0.02"]),
    ],
)
def test_installments_put_the_rounding_remainder_on_the_last(amount, shares, expected):
    parts = money.split(Decimal(amount), [Decimal(s) for s in shares])
    assert parts == [Decimal(e) for e in expected] and sum(parts) == Decimal(amount)


def test_luhn_and_ocr():
    assert money.luhn_digit("222000031") == "5" and money.luhn_digit("123456789") == "7"
    assert money.luhn_valid("2220000315") and not money.luhn_valid("2220000316")
    ocr = money.ocr_reference("1234")
    assert ocr[:4] == "1234" and ocr[4] == "6" and money.luhn_valid(ocr)
    with pytest.raises(ValueError):
        money.ocr_reference("12a")


@pytest.mark.parametrize(
    ("value", "text"),
    [("25000", "25 000 kr"), ("1234.5", "1 234,50 kr"), ("-15000", "−15 000 kr"), ("0", "0 kr"), ("999", "999 kr")],
)
def test_swedish_money(value, text):
    assert money.sek(Decimal(value)) == text.replace(" ", "\u00a0")
