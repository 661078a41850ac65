"""PEPPOL BIS Billing 3.0 (UBL 2.1): an Invoice or a CreditNote per invoice, zipped one file per invoice.

This is what the organiser's PEPPOL access point or finance system takes in; delivery through an access
point is out of scope. Written with lxml (a dependency of the app: its C serialiser makes the 290 documents
of a large batch in a fraction of the time ElementTree needs); saxonche is only needed by the tests, to run
the official validator ../shared/einvoice/validate.py.

Swedish specifics (see ../shared/einvoice/README.md):
- the seller's EndpointID and legal CompanyID have scheme 0007 (the organisation number, ten digits); its
  VAT number (SE…01) is a VAT PartyTaxScheme and "Godkänd för F-skatt" a second one with TaxScheme "TAX";
- the buyer's EndpointID is its PEPPOL id ("0007:2120000142" → scheme 0007) or else its organisation number;
- payment: code 30, bankgiro digits with branch "SE:BANKGIRO", the OCR reference as PaymentID;
- BuyerReference (BT-10) is always given, as PEPPOL-EN16931-R003 requires a buyer or an order reference:
  the buyer's reference, or the invoice number when the municipality has not given one (so the buyer can
  still quote something that identifies the invoice).

A credit note has positive amounts (the document type gives the sign), refers to the credited invoice
(BillingReference) and has no payment means: nothing is to be paid to the seller.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from decimal import Decimal

from lxml import etree as ET
from stdnum.se import orgnr as se_orgnr

from billing.exports.data import BatchData, digits
from billing.models import Invoice, VatCategory

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
F_SKATT = "Godkänd för F-skatt"
POSTAL_LINE = re.compile(r"^(?:SE-?\s*)?(\d{3}\s?\d{2})\s+(.+)$")
UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]")


def _cbc(parent: ET._Element, tag: str, text=None, **attributes) -> ET._Element:
    element = ET.SubElement(parent, f"{{{CBC}}}{tag}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _cac(parent: ET._Element, name: str) -> ET._Element:
    return ET.SubElement(parent, f"{{{CAC}}}{name}")


def money_text(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def number_text(value: Decimal) -> str:
    """1.00 -> "1", 2.50 -> "2.5" (quantities and percentages)."""
    return f"{Decimal(value).normalize():f}"


def valid_orgnr(value: str) -> bool:
    return len(value) == 10 and se_orgnr.is_valid(value)


def endpoint(peppol_id: str, orgnr: str) -> tuple[str, str]:
    """(scheme, id): "0007:2120000142" → ("0007", "2120000142"); else the organisation number, scheme 0007."""
    scheme, _, identifier = (peppol_id or "").strip().partition(":")
    if scheme.isdigit() and len(scheme) == 4 and identifier:
        return scheme, identifier
    return "0007", digits(orgnr)


def parse_address(text: str) -> dict[str, str]:
    """A Swedish invoice address in free text: the postal code and city from the line that has them,
    the lines before it as the street (and more address lines); lines after it (a country) are ignored."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    address: dict[str, str] = {}
    for index in range(len(lines) - 1, -1, -1):
        match = POSTAL_LINE.match(lines[index])
        if match:
            address["PostalZone"] = match[1].replace(" ", "")
            address["CityName"] = match[2]
            lines = lines[:index]
            break
    if lines:
        address["StreetName"] = lines[0]
    if len(lines) > 1:
        address["AdditionalStreetName"] = lines[1]
    if len(lines) > 2:
        address["AddressLine"] = ", ".join(lines[2:])
    return address


def _postal_address(party: ET._Element, street="", additional="", city="", zone="", line="") -> None:
    address = _cac(party, "PostalAddress")
    for name, value in (
        ("StreetName", street),
        ("AdditionalStreetName", additional),
        ("CityName", city),
        ("PostalZone", zone),
    ):
        if value:
            _cbc(address, name, value)
    if line:
        _cbc(_cac(address, "AddressLine"), "Line", line)
    _cbc(_cac(address, "Country"), "IdentificationCode", "SE")


def _tax_category(parent: ET._Element, name: str, category: str, rate: Decimal, reason: str = "") -> None:
    element = _cac(parent, name)
    _cbc(element, "ID", category)
    if category != VatCategory.OUTSIDE:  # BR-O-05: no rate for "not subject to VAT"
        _cbc(element, "Percent", number_text(rate))
    if reason and name == "TaxCategory" and category in (VatCategory.EXEMPT, VatCategory.OUTSIDE):
        _cbc(element, "TaxExemptionReason", reason)
    _cbc(_cac(element, "TaxScheme"), "ID", "VAT")


SELLER_FIELDS = (
    "seller_name",
    "seller_orgnr",
    "seller_vat_number",
    "seller_street",
    "seller_postal_code",
    "seller_city",
    "seller_email",
    "seller_phone",
    "seller_f_skatt",
)


def _seller(root: ET._Element, invoice: Invoice, outside_scope: bool, cache: dict) -> None:
    """The seller party, built once per distinct seller snapshot in a batch and copied (lxml copies in C)."""
    key = (outside_scope, *(getattr(invoice, field) for field in SELLER_FIELDS))
    if key not in cache:
        holder = ET.Element("holder")
        _seller_party(holder, invoice, outside_scope)
        cache[key] = holder[0]
    root.append(copy.deepcopy(cache[key]))


def _seller_party(root: ET._Element, invoice: Invoice, outside_scope: bool) -> None:
    party = _cac(_cac(root, "AccountingSupplierParty"), "Party")
    orgnr = digits(invoice.seller_orgnr)
    _cbc(party, "EndpointID", orgnr, schemeID="0007")
    _cbc(_cac(party, "PartyName"), "Name", invoice.seller_name)
    _postal_address(
        party, street=invoice.seller_street, city=invoice.seller_city, zone=digits(invoice.seller_postal_code)
    )
    if invoice.seller_vat_number and not outside_scope:  # BR-O-02: no VAT number with category O
        scheme = _cac(party, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", invoice.seller_vat_number.replace(" ", ""))
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    if invoice.seller_f_skatt:
        scheme = _cac(party, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", F_SKATT)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "TAX")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", invoice.seller_name)
    _cbc(legal, "CompanyID", orgnr, schemeID="0007")
    if invoice.seller_phone or invoice.seller_email:
        contact = _cac(party, "Contact")
        if invoice.seller_phone:
            _cbc(contact, "Telephone", invoice.seller_phone)
        if invoice.seller_email:
            _cbc(contact, "ElectronicMail", invoice.seller_email)


def _buyer(root: ET._Element, invoice: Invoice) -> None:
    party = _cac(_cac(root, "AccountingCustomerParty"), "Party")
    scheme, identifier = endpoint(invoice.buyer_peppol_id, invoice.buyer_orgnr)
    _cbc(party, "EndpointID", identifier, schemeID=scheme)
    _cbc(_cac(party, "PartyName"), "Name", invoice.buyer_name)
    address = parse_address(invoice.buyer_address)
    _postal_address(
        party,
        street=address.get("StreetName", ""),
        additional=address.get("AdditionalStreetName", ""),
        city=address.get("CityName", ""),
        zone=address.get("PostalZone", ""),
        line=address.get("AddressLine", ""),
    )
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", invoice.buyer_name)
    orgnr = digits(invoice.buyer_orgnr)
    if valid_orgnr(orgnr):
        _cbc(legal, "CompanyID", orgnr, schemeID="0007")
    elif invoice.buyer_orgnr:
        _cbc(legal, "CompanyID", invoice.buyer_orgnr)
    if invoice.buyer_email:
        _cbc(_cac(party, "Contact"), "ElectronicMail", invoice.buyer_email)


def document(invoice: Invoice, cache: dict | None = None) -> bytes:
    """The UBL Invoice (or CreditNote) of an issued invoice, UTF-8 with an XML declaration."""
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    namespace = NS_CREDIT_NOTE if credit else NS_INVOICE
    root = ET.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}", nsmap={None: namespace, "cac": CAC, "cbc": CBC}
    )
    totals = invoice.computed
    currency = invoice.currency or "SEK"
    outside_scope = any(group.category == VatCategory.OUTSIDE for group in totals.groups)

    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", invoice.number)
    _cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if not credit and invoice.due_date:
        _cbc(root, "DueDate", invoice.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    for note in (invoice.credit_reason if credit else "", invoice.note):
        if note.strip():
            _cbc(root, "Note", note.strip())
    _cbc(root, "DocumentCurrencyCode", currency)
    _cbc(root, "BuyerReference", invoice.buyer_reference.strip() or invoice.number)
    if credit:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", invoice.credited_invoice.number)
        if invoice.credited_invoice.issue_date:
            _cbc(reference, "IssueDate", invoice.credited_invoice.issue_date.isoformat())
    _seller(root, invoice, outside_scope, {} if cache is None else cache)
    _buyer(root, invoice)

    bankgiro = digits(invoice.seller_bankgiro)
    if not credit and bankgiro:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", "30", name="Bankgiro")
        if invoice.ocr:
            _cbc(means, "PaymentID", invoice.ocr)
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", bankgiro)
        _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", "SE:BANKGIRO")
    if not credit and invoice.due_date and invoice.issue_date:
        days = (invoice.due_date - invoice.issue_date).days
        _cbc(_cac(root, "PaymentTerms"), "Note", f"Betalningsvillkor {days} dagar netto")

    tax_total = _cac(root, "TaxTotal")
    _cbc(tax_total, "TaxAmount", money_text(totals.vat), currencyID=currency)
    for group in totals.groups:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _cbc(subtotal, "TaxableAmount", money_text(group.taxable), currencyID=currency)
        _cbc(subtotal, "TaxAmount", money_text(group.vat), currencyID=currency)
        _tax_category(subtotal, "TaxCategory", group.category, group.rate, group.exemption_reason)

    monetary = _cac(root, "LegalMonetaryTotal")
    _cbc(monetary, "LineExtensionAmount", money_text(totals.excl_vat), currencyID=currency)
    _cbc(monetary, "TaxExclusiveAmount", money_text(totals.excl_vat), currencyID=currency)
    _cbc(monetary, "TaxInclusiveAmount", money_text(totals.incl_vat), currencyID=currency)
    _cbc(monetary, "PayableAmount", money_text(totals.incl_vat), currencyID=currency)

    for position, line in enumerate(invoice.lines_list, start=1):
        # BR-27: a price is never negative; a negative line (a deduction) has a negative quantity instead.
        quantity, price = (
            (-line.quantity, -line.unit_price) if line.unit_price < 0 else (line.quantity, line.unit_price)
        )
        element = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(element, "ID", position)
        _cbc(
            element,
            "CreditedQuantity" if credit else "InvoicedQuantity",
            number_text(quantity),
            unitCode=line.unit or "EA",
        )
        _cbc(element, "LineExtensionAmount", money_text(line.amount), currencyID=currency)
        item = _cac(element, "Item")
        _cbc(item, "Name", line.description)
        _tax_category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate)
        _cbc(_cac(element, "Price"), "PriceAmount", money_text(price), currencyID=currency)

    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def member_name(invoice: Invoice) -> str:
    return UNSAFE_FILE_CHARACTERS.sub("_", invoice.number or f"utkast-{invoice.pk}") + ".xml"


def render_peppol_zip(data: BatchData) -> bytes:
    cache: dict = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in data.invoices:
            day = invoice.issue_date
            info = zipfile.ZipInfo(member_name(invoice), date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, document(invoice, cache))
    return buffer.getvalue()
