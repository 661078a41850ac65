"""What is due (issue 7): installments by date from the membership's start (and up to its leaving), meeting
costs per attendee, nothing billed twice, blocked members listed with the reason, and the draft invoices with
the seller's and buyer's data copied and VAT per line group."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import StaffRole
from billing import due, fees
from billing.models import Invoice, InvoiceBatch, InvoiceLine
from meetings.models import Invitation, Meeting
from municipalities.models import Municipality
from networks.models import Membership
from tests.billing.test_fees import kolada
from tests.factories import (
    BillingOrganizerFactory,
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    fee_schedule,
    municipality,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
D = Decimal
FIRST, SECOND = date(2017, 12, 15), date(2018, 4, 15)


@pytest.fixture
def org():
    return BillingOrganizerFactory(name="Sveriges Kommuner och Regioner", short_name="SKR")


@pytest.fixture
def network(org):
    net = NetworkFactory(organizer=org, slug="styrning-000", title="Styrning och ledning", status="running")
    fee_schedule(net, population_year=2016, installments=((50, FIRST), (50, SECOND)))
    return net


@pytest.fixture
def finance(org):
    return staff(Role.FINANCE, organizer=org)


def member(network, code, population=20000, **kwargs) -> Membership:
    """A member with a Kolada population of 2016 and complete invoice details, started 1 December 2017."""
    kolada(code, population, year=2016)
    place = municipality(code)
    defaults = {
        "started_on": date(2017, 12, 1),
        "invoice_orgnr": place.organisation_number or "2120000019",
        "invoice_address": f"{place.name}\nBox 1\n100 00 Kommunen",
        "buyer_reference": "4711",
        "invoice_email": "faktura@example.se",
    }
    return MembershipFactory(network=network, municipality=place, **{**defaults, **kwargs})


def batch_for(org, user, on=SECOND) -> InvoiceBatch:
    return InvoiceBatch.objects.create(organizer=org, title="Vår 2018", due_on=on, created_by=user)


def held(network, *, on: date, cost="450", rate="12", **kwargs) -> Meeting:
    start = timezone.make_aware(datetime(on.year, on.month, on.day, 10))
    defaults = {
        "network": network,
        "month": None,
        "starts_at": start,
        "ends_at": start + timedelta(hours=6),
        "mode": Meeting.Mode.PHYSICAL,
        "address": "Hornsgatan 20",
        "title": "Nätverksträff 1",
        "cost_per_attendee": D(cost) if cost is not None else None,
        "cost_vat_rate": D(rate),
        "cost_description": "Lunch och lokal",
    }
    return MeetingFactory(**{**defaults, **kwargs})


def attended(meeting, membership, count) -> None:
    for _n in range(count):
        participant = MembershipParticipantFactory(membership=membership)
        Invitation.objects.create(meeting=meeting, participant=participant, attended=True)


def test_installments_due_by_date(network, org):
    vasby, solna = member(network, "0114", 14000), member(network, "0184", 80000)
    assert due.due_charges(organizer=org, on=FIRST - timedelta(days=1)) == []
    charges = due.due_charges(organizer=org, on=FIRST)
    assert sorted((c.membership.pk, c.unit_price) for c in charges) == sorted(
        [(vasby.pk, D("7500")), (solna.pk, D("12500"))]
    )
    assert all(c.installment.order == 1 and c.quantity == 1 and c.vat_rate == 25 for c in charges)
    assert len(due.due_charges(organizer=org, on=SECOND)) == 4


def test_descriptions_of_installments(network, org):
    member(network, "0114")
    charge = due.due_charges(organizer=org, on=FIRST)[0]
    assert charge.description.endswith(" 1 av 2") or charge.description.endswith(" 1 of 2")
    assert "Styrning och ledning" in charge.description
    network.fee_schedule.line_text = "Deltagaravgift nätverket Styrning"
    network.fee_schedule.save()
    charge = due.due_charges(organizer=org, on=FIRST)[0]
    assert charge.description.startswith("Deltagaravgift nätverket Styrning, ")


def test_late_joiner_and_leaver(network, org):
    late = member(network, "0114", started_on=date(2018, 1, 10))
    left = member(
        network, "0184", status=Membership.Status.LEFT, left_on=date(2018, 2, 1), left_reason="Omorganisation"
    )
    charges = due.due_charges(organizer=org, on=SECOND)
    assert [(c.membership.pk, c.installment.order) for c in charges if c.membership.pk == late.pk] == [(late.pk, 2)]
    assert [(c.membership.pk, c.installment.order) for c in charges if c.membership.pk == left.pk] == [(left.pk, 1)]


def test_only_the_organizers_networks(network, org):
    member(network, "0114")
    other = NetworkFactory(organizer=BillingOrganizerFactory(), slug="annan")
    fee_schedule(other, flat=15000)
    member(other, "0184")
    assert {c.membership.network_id for c in due.due_charges(organizer=org, on=SECOND)} == {network.pk}
    assert due.due_charges(organizer=org, on=SECOND, network=other) == []


def test_billed_once(network, org, finance):
    vasby = member(network, "0114")
    charges = due.due_charges(organizer=org, on=FIRST)
    made = due.draft_invoices(charges, batch=batch_for(org, finance), actor=finance)
    assert len(made) == 1 and made.skipped == []
    assert due.due_charges(organizer=org, on=FIRST) == []
    # A second draft of the same charges is refused by the database and reported, not duplicated.
    again = due.draft_invoices(charges, batch=batch_for(org, finance), actor=finance)
    assert list(again) == [] and [m.pk for m, _reason in again.skipped] == [vasby.pk]
    assert InvoiceLine.objects.filter(membership=vasby).count() == 1
    # The next installment comes when its date has come.
    assert [c.installment.order for c in due.due_charges(organizer=org, on=SECOND)] == [2]


def test_meeting_costs_per_attendee(network, org):
    network.fee_schedule.bill_meeting_costs = True
    network.fee_schedule.save()
    vasby, solna = member(network, "0114"), member(network, "0184")
    past = held(network, on=date(2018, 3, 1))
    attended(past, vasby, 3)
    MembershipParticipantFactory(membership=solna)  # invited nobody, attended nobody
    future = held(network, on=date(2018, 5, 1), title="Träff 2")
    attended(future, vasby, 2)
    cancelled = held(network, on=date(2018, 2, 1), status=Meeting.Status.CANCELLED, title="Inställd")
    attended(cancelled, vasby, 2)
    free = held(network, on=date(2018, 2, 2), cost=None, title="Digital")
    attended(free, vasby, 2)
    not_there = MembershipParticipantFactory(membership=vasby)
    Invitation.objects.create(meeting=past, participant=not_there, attended=False)

    charges = [c for c in due.due_charges(organizer=org, on=SECOND) if c.meeting is not None]
    assert len(charges) == 1
    charge = charges[0]
    assert (charge.membership, charge.meeting, charge.quantity, charge.unit_price) == (vasby, past, 3, D("450"))
    assert charge.amount == D("1350.00") and charge.vat_rate == 12 and charge.vat_category == "S"
    assert "Lunch och lokal – Nätverksträff 1" in charge.description and "3" in charge.description

    network.fee_schedule.bill_meeting_costs = False
    network.fee_schedule.save()
    assert [c for c in due.due_charges(organizer=org, on=SECOND) if c.meeting is not None] == []


def test_blocked_members_are_listed_with_the_reason(network, org, finance):
    Municipality.objects.filter(code="0184").update(population=9000, population_year=None, population_source="shipped")
    solna = MembershipFactory(
        network=network,
        municipality=municipality("0184"),
        started_on=date(2017, 12, 1),
        invoice_orgnr="2120000142",
        invoice_address="Solna stad\n171 86 Solna",
    )
    incomplete = member(network, "0180", invoice_address="", peppol_id="")
    ready = member(network, "0114")
    preview = due.due_preview(organizer=org, on=FIRST)
    assert [m.membership.pk for n in preview.networks for m in n.members] == [ready.pk]
    blocked = {item.membership.pk: item for item in preview.blocked}
    assert set(blocked) == {solna.pk, incomplete.pk}
    assert "register" in blocked[solna.pk].reason or "registrets" in blocked[solna.pk].reason
    assert blocked[solna.pk].totals.excl_vat == D("7500")
    assert blocked[incomplete.pk].reason
    # Confirmed, the member is due.
    fees.confirm_fee_basis(solna.fee_basis, finance)
    assert solna.pk in {c.membership.pk for c in due.due_charges(organizer=org, on=FIRST)}


def test_preview_totals_per_network(network, org):
    member(network, "0114", 14000)
    member(network, "0184", 80000)
    preview = due.due_preview(organizer=org, on=SECOND)
    assert preview.invoice_count == 2
    assert [n.network for n in preview.networks] == [network]
    totals = preview.networks[0].totals
    assert (totals.excl_vat, totals.vat, totals.incl_vat) == (D("40000"), D("10000"), D("50000"))
    assert preview.totals.incl_vat == D("50000")


def test_draft_invoice_data_and_vat_per_line_group(network, org, finance):
    network.fee_schedule.bill_meeting_costs = True
    network.fee_schedule.save()
    vasby = member(network, "0114", 14000)
    meeting = held(network, on=date(2018, 1, 20))
    attended(meeting, vasby, 3)
    batch = batch_for(org, finance)
    [invoice] = due.draft_invoices(due.due_charges(organizer=org, on=SECOND), batch=batch, actor=finance)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.kind, invoice.batch, invoice.network, invoice.organizer) == (
        Invoice.Status.DRAFT,
        Invoice.Kind.INVOICE,
        batch,
        network,
        org,
    )
    assert (invoice.seller_name, invoice.seller_orgnr, invoice.seller_vat_number) == (
        org.name,
        org.organisation_number,
        org.vat_number,
    )
    assert (invoice.seller_bankgiro, invoice.seller_f_skatt, invoice.seller_city) == (org.bankgiro, True, org.city)
    assert (invoice.buyer_name, invoice.buyer_orgnr, invoice.buyer_reference) == (
        "Upplands Väsby",
        vasby.invoice_orgnr,
        "4711",
    )
    assert invoice.buyer_address == vasby.invoice_address and invoice.buyer_email == "faktura@example.se"
    assert (invoice.population, invoice.population_year) == (14000, 2016)
    lines = list(invoice.lines.order_by("order"))
    assert [(line.installment and line.installment.order, line.meeting) for line in lines] == [
        (1, None),
        (2, None),
        (None, meeting),
    ]
    assert [line.amount for line in lines] == [D("7500"), D("7500"), D("1350")]
    assert all(line.membership == vasby for line in lines)
    # 15 000 at 25 % = 3 750; 1 350 at 12 % = 162.
    assert (invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat) == (
        D("16350"),
        D("3912"),
        D("20262"),
    )


def test_draft_invoices_only_by_the_organizers_finance(network, org, finance):
    member(network, "0114")
    charges = due.due_charges(organizer=org, on=FIRST)
    batch = batch_for(org, finance)
    for user in (staff(Role.NETWORK_LEAD, organizer=org), staff(Role.FINANCE)):
        with pytest.raises(PermissionDenied):
            due.draft_invoices(charges, batch=batch, actor=user)
    other_batch = batch_for(BillingOrganizerFactory(), finance)
    with pytest.raises((PermissionDenied, ValueError)):
        due.draft_invoices(charges, batch=other_batch, actor=finance)
    assert not Invoice.objects.exists()


def test_preview_queries_do_not_grow_with_members(network, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    network.fee_schedule.bill_meeting_costs = True
    network.fee_schedule.save()
    meeting = held(network, on=date(2018, 1, 20))
    first = member(network, "0114")
    attended(meeting, first, 1)
    due.due_preview(organizer=org, on=SECOND)  # freezes nothing more: bases were frozen when members joined
    with CaptureQueriesContext(connection) as one:
        due.due_preview(organizer=org, on=SECOND)
    for code in ("0184", "0180", "0115", "0117"):
        attended(meeting, member(network, code), 2)
    with CaptureQueriesContext(connection) as five:
        preview = due.due_preview(organizer=org, on=SECOND)
    assert preview.invoice_count == 5
    assert len(five.captured_queries) == len(one.captured_queries)
