"""PEPPOL BIS Billing 3.0: the UBL invoices and credit notes of a batch, checked with the official validator
(../shared/einvoice/validate.py: UBL 2.1 XSD, CEN EN 16931 and PEPPOL rules) and read back."""

import io
import subprocess
import sys
import zipfile
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.conf import settings

from billing.exports import render
from billing.exports.peppol import CUSTOMIZATION_ID, PROFILE_ID, endpoint, parse_address
from tests.billing.export_fixtures import (
    EXEMPT_REASON,
    FEE_25,
    FEE_EXEMPT,
    approved_batch,
    credit_note,
    issued_invoice,
    meeting_line,
    member,
)

pytestmark = pytest.mark.django_db

VALIDATOR = settings.BASE_DIR.parent / "shared" / "einvoice" / "validate.py"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
FEE_12 = {"description": "Kursmaterial", "unit_price": Decimal("800.00"), "vat_rate": Decimal("12")}
FEE_6 = {"description": "Rapport, tryckt", "quantity": Decimal("3"), "unit_price": Decimal("199.99"), "vat_rate": 6}
OUTSIDE = {
    "description": "Medlemsinsats, utanför momsens tillämpningsområde",
    "unit_price": Decimal("5000.00"),
    "vat_rate": Decimal("0"),
    "vat_category": "O",
    "vat_exemption_reason": "Ej omsättning enligt mervärdesskattelagen",
}


def documents(batch) -> dict[str, bytes]:
    _name, content = render(batch, "peppol")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def text(root, path) -> str:
    return root.find(path, NS).text


@pytest.fixture
def variants():
    """Every kind of document the app makes: 25 %, exempt, mixed, 12 % and 6 %, outside the scope of VAT,
    credit notes of a 25 % and of an exempt invoice, missing buyer reference and PEPPOL id, hostile text."""
    batch = approved_batch()
    väsby = member(batch, "0114")
    standard = issued_invoice(batch, membership=väsby)
    issued_invoice(batch, lines=[FEE_25, FEE_EXEMPT, meeting_line(väsby.network)], membership=väsby)
    exempt = issued_invoice(
        batch, lines=[FEE_EXEMPT], membership=member(batch, "0115"), buyer_reference="", buyer_peppol_id=""
    )
    issued_invoice(batch, lines=[FEE_25, FEE_12, FEE_6], membership=member(batch, "0117"))
    issued_invoice(batch, lines=[OUTSIDE], membership=member(batch, "0120"))
    issued_invoice(
        batch,
        lines=[{"description": 'Avgift <script>alert("x")</script> & "citat"'}],
        membership=member(batch, "0123"),
        buyer_name='=HYPERLINK("http://evil.example")',
        buyer_reference="<ref & co>",
        note="Tack för ert deltagande!\nFrågor: fakturor@example.se",
    )
    credit_note(standard)
    credit_note(exempt)
    return batch


def test_every_generated_ubl_file_passes_the_official_validator(variants, tmp_path):
    if not VALIDATOR.exists():
        pytest.skip(f"the validation artefacts are not here: {VALIDATOR} is missing (../shared is absent)")
    files = []
    for name, content in documents(variants).items():
        path = tmp_path / name
        path.write_bytes(content)
        files.append(str(path))
    assert len(files) == 8
    # One process for all files: the validator compiles its XSLTs once (about 0.4 s).
    result = subprocess.run([sys.executable, str(VALIDATOR), *files], capture_output=True, text=True, timeout=300)
    report = result.stdout + result.stderr
    print(report)
    assert result.returncode == 0, report
    problems = [line for line in result.stdout.splitlines() if line.startswith("     ")]
    assert not [line for line in problems if " fatal " in line], report
    assert f"{len(files)}/{len(files)} files valid" in result.stdout


def test_an_invoice_has_the_swedish_seller_buyer_and_payment_data(variants):
    invoice = variants.invoices.filter(kind="invoice").order_by("sequence").first()
    root = ET.fromstring(documents(variants)[f"{invoice.number}.xml"])
    assert root.tag == f"{{{NS['inv']}}}Invoice"
    assert text(root, "cbc:CustomizationID") == CUSTOMIZATION_ID
    assert text(root, "cbc:ProfileID") == PROFILE_ID
    assert text(root, "cbc:ID") == invoice.number
    assert text(root, "cbc:IssueDate") == invoice.issue_date.isoformat()
    assert text(root, "cbc:DueDate") == invoice.due_date.isoformat()
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:DocumentCurrencyCode") == "SEK"
    assert text(root, "cbc:BuyerReference") == "123456"

    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    orgnr = invoice.seller_orgnr
    assert seller.find("cbc:EndpointID", NS).get("schemeID") == "0007"
    assert text(seller, "cbc:EndpointID") == orgnr
    schemes = {
        text(scheme, "cac:TaxScheme/cbc:ID"): text(scheme, "cbc:CompanyID")
        for scheme in seller.findall("cac:PartyTaxScheme", NS)
    }
    assert schemes == {"VAT": f"SE{orgnr}01", "TAX": "Godkänd för F-skatt"}
    assert seller.find("cac:PartyLegalEntity/cbc:CompanyID", NS).get("schemeID") == "0007"

    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert (buyer.find("cbc:EndpointID", NS).get("schemeID"), text(buyer, "cbc:EndpointID")) == ("0007", "2120000019")
    assert text(buyer, "cac:PostalAddress/cbc:PostalZone") == "19480"

    means = root.find("cac:PaymentMeans", NS)
    assert text(means, "cbc:PaymentMeansCode") == "30"
    assert text(means, "cbc:PaymentID") == invoice.ocr
    assert text(means, "cac:PayeeFinancialAccount/cbc:ID") == "50501055"
    assert text(means, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID") == "SE:BANKGIRO"

    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "6250.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "31250.00"
    line = root.find("cac:InvoiceLine", NS)
    assert line.find("cbc:InvoicedQuantity", NS).get("unitCode") == "EA"
    assert text(line, "cbc:LineExtensionAmount") == "25000.00"
    assert text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == "25"
    assert text(line, "cac:Price/cbc:PriceAmount") == "25000.00"


def test_a_mixed_invoice_has_a_vat_breakdown_per_group_with_the_exemption_reason(variants):
    invoice = variants.invoices.filter(kind="invoice").order_by("sequence")[1]
    root = ET.fromstring(documents(variants)[f"{invoice.number}.xml"])
    groups = {
        text(sub, "cac:TaxCategory/cbc:ID"): (
            text(sub, "cbc:TaxableAmount"),
            text(sub, "cbc:TaxAmount"),
            sub.findtext("cac:TaxCategory/cbc:TaxExemptionReason", None, NS),
        )
        for sub in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    }
    assert groups == {"S": ("25900.00", "6475.00", None), "E": ("10000.00", "0.00", EXEMPT_REASON)}
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "42375.00"


def test_a_credit_note_is_positive_and_refers_to_the_invoice(variants):
    note = variants.invoices.filter(kind="credit_note").order_by("sequence").first()
    root = ET.fromstring(documents(variants)[f"{note.number}.xml"])
    assert root.tag == f"{{{NS['cn']}}}CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert root.find("cbc:DueDate", NS) is None and root.find("cac:PaymentMeans", NS) is None
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == note.credited_invoice.number
    assert text(root, "cbc:Note") == note.credit_reason
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "31250.00"
    line = root.find("cac:CreditNoteLine", NS)
    assert text(line, "cbc:CreditedQuantity") == "1"
    assert text(line, "cbc:LineExtensionAmount") == "25000.00"


def test_without_a_buyer_reference_or_peppol_id_the_invoice_number_and_orgnr_are_used(variants):
    invoice = variants.invoices.get(buyer_reference="", kind="invoice")
    root = ET.fromstring(documents(variants)[f"{invoice.number}.xml"])
    assert text(root, "cbc:BuyerReference") == invoice.number
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert buyer.find("cbc:EndpointID", NS).get("schemeID") == "0007"
    assert text(buyer, "cbc:EndpointID") == invoice.buyer_orgnr.replace("-", "")


def test_outside_the_scope_of_vat_has_no_rate_and_no_seller_vat_number(variants):
    invoice = variants.invoices.get(lines__vat_category="O")
    root = ET.fromstring(documents(variants)[f"{invoice.number}.xml"])
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(category, "cbc:ID") == "O" and category.find("cbc:Percent", NS) is None
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert [text(s, "cac:TaxScheme/cbc:ID") for s in seller.findall("cac:PartyTaxScheme", NS)] == ["TAX"]


def test_hostile_text_is_escaped_not_markup(variants):
    invoice = variants.invoices.get(buyer_reference="<ref & co>")
    content = documents(variants)[f"{invoice.number}.xml"]
    assert b"<script>" not in content
    root = ET.fromstring(content)
    assert text(root, "cbc:BuyerReference") == "<ref & co>"
    assert text(root, "cac:InvoiceLine/cac:Item/cbc:Name") == 'Avgift <script>alert("x")</script> & "citat"'


def test_the_zip_has_one_file_per_invoice_named_by_its_number(variants):
    names = set(documents(variants))
    assert names == {f"{invoice.number}.xml" for invoice in variants.invoices.all()}


@pytest.mark.parametrize(
    ("peppol_id", "orgnr", "expected"),
    [
        ("0007:2120000142", "", ("0007", "2120000142")),
        ("", "212000-0142", ("0007", "2120000142")),
        ("nonsense", "2120000142", ("0007", "2120000142")),
    ],
)
def test_the_buyer_endpoint(peppol_id, orgnr, expected):
    assert endpoint(peppol_id, orgnr) == expected


def test_a_free_text_address_is_split_into_street_postal_code_and_city():
    assert parse_address("Kommunstyrelsen\nBox 500\nFakturaskanning\n194 80 Upplands Väsby\nSverige") == {
        "StreetName": "Kommunstyrelsen",
        "AdditionalStreetName": "Box 500",
        "AddressLine": "Fakturaskanning",
        "PostalZone": "19480",
        "CityName": "Upplands Väsby",
    }
    assert parse_address("") == {}
