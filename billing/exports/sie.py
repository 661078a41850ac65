"""SIE 4I: the batch's invoices as vouchers to import into the organiser's bookkeeping.

One ``#VER`` per invoice, on its invoice date, balancing to zero: receivables (e.g. 1510) debited with the
total including VAT; revenue credited excluding VAT, fees and meeting costs on their own accounts; output
VAT credited per rate (2611/2621/2631 unless the organiser set others). A credit note is the same voucher
reversed. The voucher series and number are left empty ("" "") so that the receiving program numbers the
vouchers in its own series; the invoice number is in the voucher text and on the receivables row.

The file is CP437 (``#FORMAT PC8``): characters outside it are replaced (dashes and quotes by their ASCII
look-alikes first); texts are quoted with ``"`` escaped as ``\\"``, control characters become spaces.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from importlib import metadata

from django.utils import timezone

from billing.exports.data import (
    KIND_LABELS,
    BatchData,
    check_account,
    digits,
    orgnr_display,
    revenue_account,
    signed,
    vat_account,
)

PROGRAM = "Natverk"
LOOK_ALIKES = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2026": "...",
    }
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def program_version() -> str:
    try:
        return metadata.version("natverk")
    except metadata.PackageNotFoundError:
        return "1.0"


def quote(text: str) -> str:
    text = CONTROL.sub(" ", str(text or "").translate(LOOK_ALIKES)).strip()
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


def sie_date(value) -> str:
    return value.strftime("%Y%m%d")


def render_sie(data: BatchData) -> bytes:
    accounts = data.accounts
    names: dict[str, str] = {}  # the accounts used, for #KONTO
    vouchers: list[str] = []
    for invoice in data.invoices:
        revenue: dict[str, Decimal] = defaultdict(Decimal)
        for line in invoice.lines_list:
            account = revenue_account(accounts, line)
            names.setdefault(account, "Mötesavgifter" if line.meeting_id else "Nätverksavgifter")
            revenue[account] += line.amount
        vat: dict[str, Decimal] = defaultdict(Decimal)
        for group in invoice.computed.groups:
            if group.vat:
                account = vat_account(accounts, group.rate)
                names.setdefault(account, f"Utgående moms {group.rate.normalize():f} %")
                vat[account] += group.vat
        names.setdefault(accounts.receivables_account, "Kundfordringar")
        day = sie_date(invoice.issue_date)
        kind = KIND_LABELS[invoice.kind]
        text = f"{kind} {invoice.number} {invoice.buyer_name}"
        rows = [
            f"#TRANS {accounts.receivables_account} {{}} {amount(signed(invoice, invoice.computed.incl_vat))} "
            f"{day} {quote(f'{kind} {invoice.number}')}"
        ]
        rows += [f"#TRANS {account} {{}} {amount(signed(invoice, -total))}" for account, total in revenue.items()]
        rows += [f"#TRANS {account} {{}} {amount(signed(invoice, -total))}" for account, total in vat.items()]
        vouchers.append(f'#VER "" "" {day} {quote(text)}\r\n{{\r\n' + "".join(f"{row}\r\n" for row in rows) + "}")

    for account in names:
        check_account(account)
    organizer = data.organizer
    head = [
        "#FLAGGA 0",
        f"#PROGRAM {quote(PROGRAM)} {quote(program_version())}",
        "#FORMAT PC8",
        f"#GEN {sie_date(timezone.localdate())}",
        "#SIETYP 4",
    ]
    if digits(organizer.organisation_number):
        head.append(f"#ORGNR {orgnr_display(organizer.organisation_number)}")
    head.append(f"#FNAMN {quote(organizer.name)}")
    head.append("#VALUTA SEK")
    head += [f"#KONTO {account} {quote(name)}" for account, name in sorted(names.items())]
    text = "\r\n".join([*head, *vouchers]) + "\r\n"
    return text.encode("cp437", errors="replace")
