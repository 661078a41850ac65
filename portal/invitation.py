"""A network's invitation as the public page and its PDF compose it: who may read it, and its fees.

The invitation's content and timetable come from ``networks`` and ``meetings``; the fee (flat, or tiers by
population, excluding VAT) from ``billing``. Both the page and the PDF use these functions, so they show the
same network to the same people.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles
from billing import fees
from billing.models import FeeSchedule, Installment, VatCategory
from networks.models import Network
from networks.selectors import network_for_lead_with_parts_or_404, public_invitation_or_404


def invitation_network_or_404(*, user, slug: str) -> Network:
    """The network whose invitation ``user`` may read, with its parts: a published one for anyone (the public
    invitation page's rule); a draft or archived one only for its leads (what the preview page shows them)."""
    try:
        return public_invitation_or_404(slug=slug)
    except Http404:
        if not roles.is_staff_member(user):
            raise
        return network_for_lead_with_parts_or_404(user=user, slug=slug)


@dataclass(frozen=True)
class FeeRow:
    population: str  # "up to and including 15 000 inhabitants"
    amount: Decimal


@dataclass(frozen=True)
class InstallmentRow:
    installment: Installment
    label: str  # "delfaktura 1 av 2", or "installment 1 of 2"
    amount: Decimal | None  # the part of a flat fee; None when the fee depends on the population


@dataclass(frozen=True)
class InvitationFees:
    """The fee as an invitation states it: per member, excluding VAT, and when it is invoiced."""

    schedule: FeeSchedule
    summary: str  # "60 000 kr för varje medlem"; "upp till och med 15 000 invånare: 15 000 kr; …"
    rows: list[FeeRow]
    boundaries: list[str]
    installments: list[InstallmentRow]

    @property
    def is_flat(self) -> bool:
        return self.schedule.kind == FeeSchedule.Kind.FLAT

    @property
    def vat_added(self) -> bool:
        return self.schedule.vat_category == VatCategory.STANDARD


def _population_label(up_to: int | None, previous: int | None) -> str:
    if up_to is None and previous is None:
        return _("every municipality")
    if up_to is None:
        return _("more than %(limit)s inhabitants") % {"limit": fees.inhabitants(previous)}
    if previous is None:
        return _("up to and including %(limit)s inhabitants") % {"limit": fees.inhabitants(up_to)}
    return _("%(low)s–%(high)s inhabitants") % {"low": fees.inhabitants(previous + 1), "high": fees.inhabitants(up_to)}


def _fee_rows(schedule: FeeSchedule) -> list[FeeRow]:
    if schedule.kind == FeeSchedule.Kind.FLAT:
        return [FeeRow(_("every municipality"), schedule.flat_amount)] if schedule.flat_amount is not None else []
    rows, previous = [], None
    for tier in sorted(schedule.tiers.all(), key=lambda t: (t.up_to is None, t.up_to or 0, t.pk)):
        rows.append(FeeRow(_population_label(tier.up_to, previous), tier.amount))
        previous = tier.up_to if tier.up_to is not None else previous
    return rows


def _installment_rows(schedule: FeeSchedule) -> list[InstallmentRow]:
    installments = sorted(schedule.installments.all(), key=lambda i: (i.order, i.invoice_on, i.pk))
    count = len(installments)
    if schedule.kind == FeeSchedule.Kind.FLAT and schedule.flat_amount is not None:
        parts = {i.pk: amount for i, amount in fees.installment_amounts(schedule, schedule.flat_amount)}
    else:
        parts = {}
    return [InstallmentRow(i, fees.installment_label(i, count), parts.get(i.pk)) for i in installments]


def invitation_fees(network: Network) -> InvitationFees | None:
    """The network's fee for its invitation (three queries), or None when no fee is set."""
    schedule = FeeSchedule.objects.filter(network=network).prefetch_related("tiers", "installments").first()
    if schedule is None:
        return None
    rows = _fee_rows(schedule)
    if not rows:
        return None
    return InvitationFees(
        schedule=schedule,
        summary=fees.describe_tiers(schedule),
        rows=rows,
        boundaries=fees.boundary_sentences(schedule),
        installments=_installment_rows(schedule),
    )
