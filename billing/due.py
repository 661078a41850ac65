"""What is due: for a date, every charge that should be invoiced, and the draft invoices made from them.

Choices (the rules finance sees on the preview page):
- Installments: an installment of a member's fee is due when its date is on or before the chosen date and on
  or after the day the membership started (a municipality joining later pays the installments from its
  start). A member that left is billed the installments dated up to and including the day it left.
- Meeting costs (when the schedule bills them): for every meeting that has ended on or before the date, is
  not called off and has a cost per attendee, each membership pays the cost times its participants recorded
  as attended (whatever its status now: they came).
- Nothing is billed twice: a charge already on an invoice line (draft or issued, credited or not) for the
  same membership and installment or meeting is not due again; the database's unique constraints make sure.
- Never silently dropped: a member with something due whose fee basis awaits a confirmation, or whose
  invoice details are incomplete, is listed as blocked with the reason, and none of its charges are billed
  until that is put right.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles
from billing import fees, money
from billing.models import FeeBasis, Installment, Invoice, InvoiceBatch, InvoiceLine, VatCategory
from core.audit import acting_as
from meetings.models import Invitation, Meeting
from networks.models import Membership, Network, Organizer

DESCRIPTION_MAX = 300


@dataclass
class Charge:
    """One line to invoice: an installment of a member's fee, or a meeting's cost for its attendees."""

    membership: Membership
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    vat_category: str
    vat_exemption_reason: str = ""
    installment: Installment | None = None
    meeting: Meeting | None = None

    @property
    def amount(self) -> Decimal:
        return money.line_amount(self.quantity, self.unit_price)

    @property
    def network(self) -> Network:
        return self.membership.network

    @property
    def key(self) -> tuple:
        """What the charge bills (at most once): (membership, "installment" or "meeting", id)."""
        if self.installment is not None:
            return (self.membership.pk, "installment", self.installment.pk)
        return (self.membership.pk, "meeting", self.meeting.pk)


@dataclass
class Blocked:
    """A member with charges due that cannot be billed yet, and why."""

    membership: Membership
    reason: str
    charges: list[Charge] = field(default_factory=list)

    @property
    def totals(self) -> money.Totals:
        return money.totals(self.charges)


@dataclass
class MembershipDue:
    membership: Membership
    charges: list[Charge]

    @property
    def basis(self) -> FeeBasis | None:
        return getattr(self.membership, "fee_basis", None)

    @property
    def population_text(self) -> str:
        """15 000, as on the invoice ("" when the fee does not depend on it)."""
        basis = self.basis
        return fees.inhabitants(basis.population) if basis and basis.population is not None else ""

    @property
    def totals(self) -> money.Totals:
        return money.totals(self.charges)


@dataclass
class NetworkDue:
    network: Network
    members: list[MembershipDue]

    @property
    def charges(self) -> list[Charge]:
        return [charge for member in self.members for charge in member.charges]

    @property
    def totals(self) -> money.Totals:
        return money.totals(self.charges)


@dataclass
class DuePreview:
    on: date
    networks: list[NetworkDue]
    blocked: list[Blocked]

    @property
    def charges(self) -> list[Charge]:
        return [charge for network in self.networks for charge in network.charges]

    @property
    def totals(self) -> money.Totals:
        return money.totals(self.charges)

    @property
    def invoice_count(self) -> int:
        return sum(len(network.members) for network in self.networks)


# --- Computing what is due ----------------------------------------------------------------------


def _organizer_ids(organizer) -> set[int] | None:
    """An Organizer, an id, or a collection of either; None means every organiser (a superuser)."""
    if organizer is None:
        return None
    if isinstance(organizer, (Organizer, int)):
        return {getattr(organizer, "pk", organizer)}
    return {getattr(o, "pk", o) for o in organizer}


def _memberships(organizer_ids: set[int] | None, network: Network | None):
    queryset = Membership.objects.filter(network__fee_schedule__isnull=False).exclude(
        network__status=Network.Status.DRAFT
    )
    if organizer_ids is not None:
        queryset = queryset.filter(network__organizer_id__in=organizer_ids)
    if network is not None:
        queryset = queryset.filter(network=network)
    return queryset


def installment_description(schedule, installment: Installment, count: int) -> str:
    base = schedule.line_text or _("Participation fee %(network)s") % {"network": schedule.network.title}
    label = fees.installment_label(installment, count)
    text = f"{base}, {label}" if label else base
    return _fit(text)


def meeting_description(meeting: Meeting, attendees: int) -> str:
    what = meeting.cost_description or _("Lunch and venue")
    when = date_format(timezone.localdate(meeting.starts_at), "j F Y")
    count = ngettext("%(count)s attendee", "%(count)s attendees", attendees) % {"count": attendees}
    return _fit(f"{what} – {meeting.title} {when}, {count}")


def _fit(text: str) -> str:
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def _compute(organizer, on: date, network: Network | None) -> tuple[list[Charge], list[Blocked]]:
    organizer_ids = _organizer_ids(organizer)
    # Memberships that started before their network had a schedule get their basis first.
    missing = _memberships(organizer_ids, network).filter(fee_basis__isnull=True)
    missing = list(missing.only("pk"))
    if missing:
        fees.freeze_fee_bases(missing)

    installments = Installment.objects.order_by("order", "invoice_on", "pk")
    memberships = list(
        _memberships(organizer_ids, network)
        .select_related("network__organizer", "network__fee_schedule", "municipality", "fee_basis")
        .prefetch_related(Prefetch("network__fee_schedule__installments", queryset=installments))
        .order_by("network__title", "network_id", "municipality__name", "pk")
    )
    if not memberships:
        return [], []
    member_ids = [m.pk for m in memberships]
    billed = set(
        InvoiceLine.objects.filter(membership_id__in=member_ids)
        .exclude(installment__isnull=True, meeting__isnull=True)
        .values_list("membership_id", "installment_id", "meeting_id")
    )
    billed_installments = {(m, i) for m, i, _meeting in billed if i is not None}
    billed_meetings = {(m, mt) for m, _i, mt in billed if mt is not None}

    costly_networks = {m.network_id for m in memberships if m.network.fee_schedule.bill_meeting_costs}
    meetings: dict[int, Meeting] = {}
    attendance: dict[int, list[tuple[int, int]]] = defaultdict(list)  # membership id -> [(meeting id, n)]
    if costly_networks:
        end = timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))
        meetings = {
            meeting.pk: meeting
            for meeting in Meeting.objects.filter(
                network_id__in=costly_networks,
                status=Meeting.Status.PLANNED,
                ends_at__isnull=False,
                ends_at__lt=end,
                cost_per_attendee__gt=0,
            )
        }
        if meetings:
            rows = (
                Invitation.objects.filter(meeting_id__in=list(meetings), attended=True)
                .values("meeting_id", "participant__membership_id")
                .annotate(n=Count("pk"))
                .order_by("meeting_id", "participant__membership_id")
            )
            for row in rows:
                attendance[row["participant__membership_id"]].append((row["meeting_id"], row["n"]))

    charges: list[Charge] = []
    blocked: list[Blocked] = []
    for membership in memberships:
        own = _charges_of(membership, on, billed_installments, billed_meetings, meetings, attendance)
        if not own:
            continue
        reason = _blocked_reason(membership)
        if reason:
            blocked.append(Blocked(membership=membership, reason=reason, charges=own))
        else:
            charges.extend(own)
    return charges, blocked


def _charges_of(membership, on, billed_installments, billed_meetings, meetings, attendance) -> list[Charge]:
    schedule = membership.network.fee_schedule
    schedule.network = membership.network
    basis: FeeBasis | None = getattr(membership, "fee_basis", None)
    charges: list[Charge] = []
    installments = list(schedule.installments.all())
    last_day = on
    if membership.status == Membership.Status.LEFT:
        last_day = min(on, membership.left_on) if membership.left_on else None
    if basis is not None and last_day is not None:
        shares = money.split(basis.amount, [i.share for i in installments])
        for installment, part in zip(installments, shares, strict=True):
            if installment.invoice_on > last_day:
                continue
            if membership.started_on and installment.invoice_on < membership.started_on:
                continue
            if (membership.pk, installment.pk) in billed_installments:
                continue
            charges.append(
                Charge(
                    membership=membership,
                    installment=installment,
                    description=installment_description(schedule, installment, len(installments)),
                    quantity=Decimal("1"),
                    unit_price=part,
                    vat_rate=schedule.vat_rate,
                    vat_category=schedule.vat_category,
                    vat_exemption_reason=schedule.vat_exemption_reason,
                )
            )
    if schedule.bill_meeting_costs:
        for meeting_id, attendees in attendance.get(membership.pk, []):
            meeting = meetings[meeting_id]
            if meeting.network_id != membership.network_id or (membership.pk, meeting_id) in billed_meetings:
                continue
            rate = Decimal(meeting.cost_vat_rate)
            charges.append(
                Charge(
                    membership=membership,
                    meeting=meeting,
                    description=meeting_description(meeting, attendees),
                    quantity=Decimal(attendees),
                    unit_price=meeting.cost_per_attendee,
                    vat_rate=rate,
                    vat_category=VatCategory.STANDARD if rate > 0 else VatCategory.ZERO,
                )
            )
    return charges


def _blocked_reason(membership: Membership) -> str:
    basis: FeeBasis | None = getattr(membership, "fee_basis", None)
    reasons = []
    if basis is None:
        reasons.append(_("The network's fee schedule is incomplete, so no fee could be set."))
    elif basis.needs_confirmation:
        reasons.append(
            _("The population is the register's figure of unknown date: a lead must confirm it on the fee bases page.")
        )
    if not membership.invoice_details_complete:
        reasons.append(
            _("The invoice details are incomplete (organisation number and an invoice address or PEPPOL id).")
        )
    return " ".join(reasons)


def due_charges(*, organizer, on: date, network: Network | None = None) -> list[Charge]:
    """Every charge of ``organizer``'s networks (or ``network``'s) to invoice on ``on``, blocked ones left out
    (see ``due_preview`` for them). ``organizer``: an Organizer, or several; None for all."""
    return _compute(organizer, on, network)[0]


def due_preview(*, organizer, on: date, network: Network | None = None) -> DuePreview:
    """What is due on ``on``, per network and member with totals, and the blocked members with the reasons."""
    charges, blocked = _compute(organizer, on, network)
    networks: dict[int, NetworkDue] = {}
    members: dict[int, MembershipDue] = {}
    for charge in charges:
        membership = charge.membership
        if membership.network_id not in networks:
            networks[membership.network_id] = NetworkDue(network=membership.network, members=[])
        if membership.pk not in members:
            members[membership.pk] = MembershipDue(membership=membership, charges=[])
            networks[membership.network_id].members.append(members[membership.pk])
        members[membership.pk].charges.append(charge)
    return DuePreview(on=on, networks=list(networks.values()), blocked=blocked)


# --- Draft invoices -------------------------------------------------------------------------------


class DraftedInvoices(list):
    """The draft invoices made (a list), and ``skipped``: (membership, reason) for those not made."""

    def __init__(self, invoices=(), skipped=()):
        super().__init__(invoices)
        self.skipped: list[tuple[Membership, str]] = list(skipped)


def _draft(membership: Membership, charges: list[Charge], batch: InvoiceBatch) -> Invoice:
    organizer = membership.network.organizer
    basis: FeeBasis | None = getattr(membership, "fee_basis", None)
    totals = money.totals(charges)
    invoice = Invoice.objects.create(
        organizer=organizer,
        network=membership.network,
        membership=membership,
        batch=batch,
        kind=Invoice.Kind.INVOICE,
        status=Invoice.Status.DRAFT,
        seller_name=organizer.name,
        seller_orgnr=organizer.organisation_number,
        seller_vat_number=organizer.vat_number,
        seller_street=organizer.street_address,
        seller_postal_code=organizer.postal_code,
        seller_city=organizer.city,
        seller_email=organizer.email,
        seller_phone=organizer.phone,
        seller_bankgiro=organizer.bankgiro,
        seller_f_skatt=organizer.f_skatt,
        buyer_name=membership.municipality.name,
        buyer_orgnr=membership.invoice_orgnr,
        buyer_address=membership.invoice_address,
        buyer_reference=membership.buyer_reference,
        buyer_peppol_id=membership.peppol_id,
        buyer_email=membership.invoice_email,
        population=basis.population if basis else None,
        population_year=basis.population_year if basis else None,
        total_excl_vat=totals.excl_vat,
        total_vat=totals.vat,
        total_incl_vat=totals.incl_vat,
    )
    # Installments first (by date), then meeting costs (by meeting date).
    ordered = sorted(
        charges,
        key=lambda c: (
            0 if c.installment is not None else 1,
            c.installment.invoice_on if c.installment is not None else c.meeting.starts_at.date(),
            c.installment.order if c.installment is not None else c.meeting.pk,
        ),
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            order=position,
            description=charge.description,
            quantity=charge.quantity,
            unit_price=charge.unit_price,
            vat_rate=charge.vat_rate,
            vat_category=charge.vat_category,
            vat_exemption_reason=charge.vat_exemption_reason,
            amount=charge.amount,
            membership=membership,
            installment=charge.installment,
            meeting=charge.meeting,
        )
        for position, charge in enumerate(ordered, start=1)
    )
    return invoice


def draft_invoices(charges: list[Charge], *, batch: InvoiceBatch, actor) -> DraftedInvoices:
    """One draft invoice per membership in ``batch`` with the seller's and buyer's data copied and the
    charges as lines. A membership whose charge is already on an invoice (made meanwhile) gets no invoice
    and is reported in ``skipped``; the others are made all the same."""
    if not roles.is_finance(actor, batch.organizer_id):
        raise PermissionDenied
    grouped: dict[int, list[Charge]] = {}
    for charge in charges:
        if charge.membership.network.organizer_id != batch.organizer_id:
            raise ValueError("a charge of another organiser's network")
        grouped.setdefault(charge.membership.pk, []).append(charge)
    made = DraftedInvoices()
    with acting_as(actor):
        for member_charges in grouped.values():
            membership = member_charges[0].membership
            try:
                with transaction.atomic():
                    made.append(_draft(membership, member_charges, batch))
            except IntegrityError:
                made.skipped.append((membership, _("Already invoiced: a charge is on another invoice made meanwhile.")))
    return made
