"""The demo's billing: the seeds' fees, and in the finished cohorts the invoices, payments and one approved batch.

- 000 *Förenklat och effektivare styrsystem*: 25 000 kr for kommuner with more than 15 000 inhabitants and
  15 000 kr for the rest (exactly 15 000 pays the lower fee), invoiced 50 % at the end of the first year and
  50 % in the spring after.
- 001 *En effektivare administration*: a flat 15 000 kr, invoiced a month after the start.
- 002 *Effektivare kommun*: 60 000 kr split over the two years, the costs of meetings on site on top.

Fees exclude VAT; 25 % is added on the invoices. The finished cohorts' members are invoiced on the
installments' real dates through the app's own services (a batch per invoicing date, approved and sent), and
paid but for one partly paid invoice, so that ``export_invoice_batch`` works at once. The running
cohort has its installment due today: the finance preview shows it. Invoice numbers are never reused, so each
batch is made once; a second run changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from billing import batches, fees, invoicing, payments
from billing.models import FeeBasis, FeeSchedule, FeeTier, Installment, Invoice, InvoiceBatch
from networks.models import Network, Organizer
from portal.demo_texts import NETWORK_000, NETWORK_001, NETWORK_002, add_months
from portal.demo_upsert import upsert

BATCH_TITLE = "Fakturaunderlag"


def _plan(spec, start: date) -> dict:
    """The seed's schedule for a cohort starting on ``start``."""
    if spec is NETWORK_000:
        first = date(start.year, 12, 15)
        return {
            "schedule": {"kind": FeeSchedule.Kind.TIERED, "flat_amount": None, "population_year": start.year - 1},
            "tiers": [(15000, Decimal("15000")), (None, Decimal("25000"))],
            "installments": [(Decimal("50"), first), (Decimal("50"), date(start.year + 1, 4, 15))],
        }
    if spec is NETWORK_001:
        return {
            "schedule": {"kind": FeeSchedule.Kind.FLAT, "flat_amount": Decimal("15000"), "population_year": None},
            "tiers": [],
            "installments": [(Decimal("100"), add_months(start, 1))],
        }
    if spec is NETWORK_002:
        return {
            "schedule": {
                "kind": FeeSchedule.Kind.FLAT,
                "flat_amount": Decimal("60000"),
                "population_year": None,
                "bill_meeting_costs": True,
            },
            "tiers": [],
            "installments": [(Decimal("50"), date(start.year, 10, 15)), (Decimal("50"), date(start.year + 1, 3, 15))],
        }
    return {}


def seed_fee_schedule(network: Network, spec, start: date) -> FeeSchedule | None:
    plan = _plan(spec, start)
    if not plan:
        return None
    line_text = f"Deltagaravgift {network.title}"
    schedule = upsert(FeeSchedule, {**plan["schedule"], "line_text": line_text}, network=network)
    for up_to, amount in plan["tiers"]:
        upsert(FeeTier, {"amount": amount}, schedule=schedule, up_to=up_to)
    count = len(plan["installments"])
    for order, (share, invoice_on) in enumerate(plan["installments"], start=1):
        label = f"delfaktura {order} av {count}" if count > 1 else ""
        values = {"share": share, "invoice_on": invoice_on, "label": label}
        upsert(Installment, values, schedule=schedule, order=order)
    return schedule


def seed_fee_bases(network: Network, lead: User) -> None:
    """Freeze each member's fee; the shipped register's figures are confirmed by the lead, as they must be."""
    fees.freeze_fee_bases(list(network.memberships.all()))
    for basis in FeeBasis.objects.filter(membership__network=network).select_related("membership__network"):
        if basis.needs_confirmation:
            fees.confirm_fee_basis(basis, lead)


def seed_invoices(organizer: Organizer, finance: User, networks: list[Network]) -> list[InvoiceBatch]:
    """The finished cohorts' invoices: a batch per invoicing date, issued on that date, sent and paid."""
    days = sorted(set(Installment.objects.filter(schedule__network__in=networks).values_list("invoice_on", flat=True)))
    made, number = [], 0
    for day in days:
        title = f"{BATCH_TITLE} {day:%Y-%m-%d}"
        if InvoiceBatch.objects.filter(organizer=organizer, title=title).exists():
            continue
        batch = batches.batch_create(organizer=organizer, actor=finance, due_on=day, title=title)
        invoicing.issue_invoices(list(batch.invoices.order_by("pk")), actor=finance, issue_date=day)
        midnight = timezone.make_aware(datetime.combine(day, time(9)))
        InvoiceBatch.objects.filter(pk=batch.pk).update(
            status=InvoiceBatch.Status.SENT, approved_by=finance, approved_at=midnight
        )
        Invoice.objects.filter(batch=batch).update(issued_at=midnight)  # issued then, not today
        for invoice in Invoice.objects.filter(batch=batch).order_by("sequence"):
            Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.SENT, sent_at=midnight)
            invoice.refresh_from_db()
            partly = number == 3  # one member paid half and the rest is still due
            amount = (invoice.total_incl_vat / 2).quantize(Decimal("1")) if partly else invoice.total_incl_vat
            paid_on = day + timedelta(days=12 + number % 15)
            payments.register_payment(
                invoice=invoice, amount=amount, paid_on=paid_on, actor=finance, reference=invoice.ocr
            )
            number += 1
        made.append(batch)
    return made


def seed_billing(networks: list[Network], cohorts, lead: User, finance: User) -> None:
    """Fee schedules for every cohort, fee bases for their members, the finished cohorts' invoices."""
    finished = []
    for network, cohort in zip(networks, cohorts, strict=True):
        if seed_fee_schedule(network, cohort.spec, cohort.dates.start) is None:
            continue
        seed_fee_bases(network, lead)
        if cohort.historical:
            finished.append(network)
    if finished:
        seed_invoices(finished[0].organizer, finance, finished)
