"""Money arithmetic of invoices, in one place: Decimal SEK, rounded once per line and once per total.

- A line's amount is quantity × unit price rounded to öre (half up, as Swedish invoices round).
- VAT is computed per VAT rate and category on the sum of the line amounts of that group (EN 16931's VAT
  breakdown, BR-CO-17), each rounded once; the invoice's VAT is the sum of the groups.
- Totals are sums of rounded amounts, so the lines, the breakdown and the totals always agree.
- Installments: each share of the fee is rounded; the remainder of the rounding goes on the last one, so the
  installments always add up to the fee.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")
HUNDRED = Decimal("100")


def round_ore(value: Decimal) -> Decimal:
    return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return round_ore(Decimal(quantity) * Decimal(unit_price))


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate: Decimal
    taxable: Decimal  # the sum of the group's line amounts
    vat: Decimal  # taxable × rate, rounded once
    exemption_reason: str = ""


@dataclass(frozen=True)
class Totals:
    excl_vat: Decimal
    vat: Decimal
    incl_vat: Decimal
    groups: tuple[VatGroup, ...]


def totals(lines: Iterable) -> Totals:
    """The VAT breakdown and totals of lines having ``amount``, ``vat_category``, ``vat_rate`` and
    ``vat_exemption_reason`` (model instances or anything alike)."""
    grouped: dict[tuple[str, Decimal], list] = {}
    for line in lines:
        grouped.setdefault((line.vat_category, Decimal(line.vat_rate)), []).append(line)
    groups = []
    for (category, rate), members in sorted(grouped.items(), key=lambda item: (item[0][0], -item[0][1])):
        taxable = sum((Decimal(m.amount) for m in members), Decimal("0"))
        reason = next((m.vat_exemption_reason for m in members if m.vat_exemption_reason), "")
        groups.append(VatGroup(category, rate, taxable, round_ore(taxable * rate / HUNDRED), reason))
    excl = sum((g.taxable for g in groups), Decimal("0"))
    vat = sum((g.vat for g in groups), Decimal("0"))
    return Totals(excl_vat=excl, vat=vat, incl_vat=excl + vat, groups=tuple(groups))


def split(amount: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` split by percentage ``shares`` (summing to 100): each rounded, the remainder on the last."""
    parts = [round_ore(Decimal(amount) * Decimal(share) / HUNDRED) for share in shares[:-1]]
    return [*parts, Decimal(amount) - sum(parts, Decimal("0"))] if shares else []


def luhn_digit(payload: str) -> str:
    """The Luhn (modulus 10) check digit of a string of digits: "222000031" -> "5"."""
    total = 0
    for i, char in enumerate(reversed(payload)):
        digit = int(char) * (2 if i % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_digit(number[:-1]) == number[-1]


def ocr_reference(base: str) -> str:
    """An OCR reference for Bankgirot: ``base`` digits, a length digit and a Luhn check digit
    (the length digit is the whole length including both control digits, modulo 10)."""
    if not base.isdigit():
        raise ValueError("an OCR reference is made of digits")
    with_length = base + str((len(base) + 2) % 10)
    return with_length + luhn_digit(with_length)


def sek(value: Decimal | None) -> str:
    """25 000 kr, 1 234,50 kr: Swedish grouping with a no-break space, decimals only when there are öre."""
    if value is None:
        return ""
    value = round_ore(value)
    sign = "−" if value < 0 else ""
    whole, _, ore = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = "\u00a0".join(groups)
    if ore != "00":
        text += "," + ore
    return f"{sign}{text}\u00a0kr"
