"""A network's fee schedule and each member's frozen fee basis.

- A schedule is a flat fee or tiers by population. A tier covers the populations up to and including its
  limit; the last tier has no limit. Seed 000's "over 15 000 inhabitants" is therefore tiers
  (15 000 → lower fee, no limit → higher fee): exactly 15 000 pays the lower fee. A lead who wants 15 000 in
  the upper tier sets the limit 14 999; the pages always print the boundary sentence so nobody has to guess.
- Amounts are excluding VAT. The VAT rate and category are the schedule's and go on each invoice line.
- Installments split the fee by percentage shares summing to exactly 100 %; each part is rounded to öre and
  the remainder of the rounding goes on the last installment (billing.money.split).
- The fee basis (population, its year, where it came from, the fee) is frozen on the membership when it
  starts (a receiver on Membership creation, and again for any membership still lacking one when what is due
  is computed), so later population changes do not move it. The population is Kolada's key figure
  (``population_kpi``, N01951) for the schedule's year; failing that the register's figure, which — when its
  year is unknown or another year — needs a lead's or finance's confirmation before it can be billed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import roles
from billing import money
from billing.models import FeeBasis, FeeSchedule, FeeTier, Installment, InvoiceLine, VatCategory
from core.audit import acting_as, current_actor
from municipalities.models import KpiValue, Municipality
from networks.models import Membership, Network
from networks.permissions import can_lead

STANDARD_RATES = (Decimal("25"), Decimal("12"), Decimal("6"))
MAX_AMOUNT = Decimal("10000000")  # ten million kronor excl. VAT: more is a typing error
MAX_POPULATION = 10_000_000
MAX_TIERS = 10
MAX_INSTALLMENTS = 12
YEARS = (2000, 2100)
POPULATION_YEARS = (1990, 2100)
HUNDRED = Decimal("100")

SCHEDULE_FIELDS = (
    "kind",
    "flat_amount",
    "population_year",
    "vat_rate",
    "vat_category",
    "vat_exemption_reason",
    "payment_terms_days",
    "bill_meeting_costs",
    "line_text",
)


# --- Numbers as people read them ---------------------------------------------------------------


def inhabitants(number: int) -> str:
    """15 000 (Swedish grouping with a no-break space)."""
    return f"{number:,}".replace(",", "\u00a0")


# --- Saving a schedule ----------------------------------------------------------------------------


def _decimal(value, field: str, errors: dict, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("Give an amount."))
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field, []).append(_("Enter an amount such as 1 250,50."))
        return None
    if not number.is_finite() or number < 0:
        errors.setdefault(field, []).append(_("The amount cannot be negative."))
        return None
    if number > MAX_AMOUNT:
        errors.setdefault(field, []).append(_("The amount is too large."))
        return None
    if number != money.round_ore(number):
        errors.setdefault(field, []).append(_("Give the amount in kronor and öre (at most two decimals)."))
        return None
    return number


def _clean_schedule(data: dict, errors: dict) -> dict:
    cleaned = {name: data.get(name) for name in SCHEDULE_FIELDS if name in data}
    kind = cleaned.get("kind") or FeeSchedule.Kind.FLAT
    if kind not in FeeSchedule.Kind.values:
        errors.setdefault("kind", []).append(_("Choose a flat fee or a fee by population."))
    cleaned["kind"] = kind
    if kind == FeeSchedule.Kind.FLAT:
        cleaned["flat_amount"] = _decimal(cleaned.get("flat_amount"), "flat_amount", errors)
    else:
        cleaned["flat_amount"] = None

    year = cleaned.get("population_year")
    if year in ("", None):
        cleaned["population_year"] = None
    elif not isinstance(year, int) or not POPULATION_YEARS[0] <= year <= POPULATION_YEARS[1]:
        errors.setdefault("population_year", []).append(_("Give a year such as 2017."))

    category = cleaned.get("vat_category") or VatCategory.STANDARD
    cleaned["vat_category"] = category
    reason = (cleaned.get("vat_exemption_reason") or "").strip()
    cleaned["vat_exemption_reason"] = reason
    rate = cleaned.get("vat_rate")
    try:
        rate = Decimal(str(rate)) if rate not in (None, "") else None
    except (InvalidOperation, ValueError):
        rate = None
    if category not in VatCategory.values:
        errors.setdefault("vat_category", []).append(_("Choose a VAT category."))
    elif category == VatCategory.STANDARD:
        if rate not in STANDARD_RATES:
            errors.setdefault("vat_rate", []).append(_("The VAT rate must be 25, 12 or 6 %."))
        if reason:
            errors.setdefault("vat_exemption_reason", []).append(
                _("A reason for an exemption is only given when the fee is exempt from VAT.")
            )
        cleaned["vat_exemption_reason"] = ""
    else:
        rate = Decimal("0")
        if category == VatCategory.ZERO:
            cleaned["vat_exemption_reason"] = ""
        elif not reason:
            errors.setdefault("vat_exemption_reason", []).append(
                _("Give the reason for the exemption from VAT (it is printed on the invoice).")
            )
        elif len(reason) > 300:
            errors.setdefault("vat_exemption_reason", []).append(_("At most 300 characters."))
    cleaned["vat_rate"] = rate

    days = cleaned.get("payment_terms_days", 30)
    if not isinstance(days, int) or not 1 <= days <= 120:
        errors.setdefault("payment_terms_days", []).append(_("Give the days to pay, 1 to 120."))
    cleaned["payment_terms_days"] = days
    cleaned["bill_meeting_costs"] = bool(cleaned.get("bill_meeting_costs"))
    text = (cleaned.get("line_text") or "").strip()
    if len(text) > 200:
        errors.setdefault("line_text", []).append(_("At most 200 characters."))
    cleaned["line_text"] = text
    return cleaned


def _clean_tiers(kind: str, tiers: Sequence[dict], errors: dict) -> list[dict]:
    if kind != FeeSchedule.Kind.TIERED:
        return []
    if not tiers:
        errors.setdefault("tiers", []).append(_("Give at least one tier (the last one without a limit)."))
        return []
    if len(tiers) > MAX_TIERS:
        errors.setdefault("tiers", []).append(_("At most %(count)s tiers.") % {"count": MAX_TIERS})
        return []
    cleaned = []
    previous = None
    for position, tier in enumerate(tiers, start=1):
        up_to = tier.get("up_to")
        amount = _decimal(tier.get("amount"), "tiers", errors)
        last = position == len(tiers)
        if up_to in ("", None):
            up_to = None
            if not last:
                errors.setdefault("tiers", []).append(_("Only the last tier is without a limit."))
        elif not isinstance(up_to, int) or not 0 < up_to <= MAX_POPULATION:
            errors.setdefault("tiers", []).append(_("Give a population limit such as 15 000."))
            up_to = None
        elif previous is not None and up_to <= previous:
            errors.setdefault("tiers", []).append(_("The limits must increase from one tier to the next."))
        if last and tier.get("up_to") not in ("", None):
            errors.setdefault("tiers", []).append(
                _("The last tier has no limit: it covers every population above the tier before.")
            )
        previous = up_to if up_to is not None else previous
        cleaned.append({"up_to": up_to, "amount": amount})
    return cleaned


def _clean_installments(installments: Sequence[dict], errors: dict) -> list[dict]:
    if not installments:
        errors.setdefault("installments", []).append(_("Give at least one installment (the whole fee on one date)."))
        return []
    if len(installments) > MAX_INSTALLMENTS:
        errors.setdefault("installments", []).append(_("At most %(count)s installments.") % {"count": MAX_INSTALLMENTS})
        return []
    cleaned = []
    total = Decimal("0")
    previous = None
    for row in installments:
        share = row.get("share")
        try:
            share = Decimal(str(share))
        except (InvalidOperation, ValueError, TypeError):
            share = None
        if share is None or not share.is_finite() or not Decimal("0") < share <= HUNDRED:
            errors.setdefault("installments", []).append(_("Each share is a percentage above 0 and at most 100."))
            share = Decimal("0")
        elif share != share.quantize(Decimal("0.01")):
            errors.setdefault("installments", []).append(_("Give each share with at most two decimals."))
        total += share
        invoice_on = row.get("invoice_on")
        if not isinstance(invoice_on, date) or not YEARS[0] <= invoice_on.year <= YEARS[1]:
            errors.setdefault("installments", []).append(_("Give each installment a date between 2000 and 2100."))
            invoice_on = None
        elif previous is not None and invoice_on < previous:
            errors.setdefault("installments", []).append(_("List the installments in date order."))
        previous = invoice_on or previous
        label = (row.get("label") or "").strip()
        if len(label) > 100:
            errors.setdefault("installments", []).append(_("A label has at most 100 characters."))
        cleaned.append({"share": share, "invoice_on": invoice_on, "label": label})
    if "installments" not in errors and total != HUNDRED:
        errors.setdefault("installments", []).append(
            _("The shares must add up to exactly 100 %% (now %(total)s %%).") % {"total": total}
        )
    return cleaned


def save_fee_schedule(
    network: Network, actor, data: dict, *, tiers: Sequence[dict] = (), installments: Sequence[dict]
) -> FeeSchedule:
    """Validate and save ``network``'s schedule with its tiers and installments (replacing them).

    ``data`` holds the schedule's fields (see SCHEDULE_FIELDS); ``tiers`` rows {"up_to", "amount"} in
    increasing order, the last without a limit (for a tiered fee); ``installments`` rows
    {"share", "invoice_on", "label"} in date order. An installment already on an invoice keeps its share and
    date. Raises ValidationError (keys: the fields, "tiers", "installments") or PermissionDenied.
    """
    if not can_lead(actor, network):
        raise PermissionDenied
    errors: dict[str, list] = {}
    cleaned = _clean_schedule(data, errors)
    tier_rows = _clean_tiers(cleaned["kind"], tiers, errors)
    installment_rows = _clean_installments(installments, errors)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic(), acting_as(actor):
        schedule = FeeSchedule.objects.select_for_update().filter(network=network).first()
        if schedule is None:
            schedule = FeeSchedule(network=network)
        for name, value in cleaned.items():
            setattr(schedule, name, value)
        schedule.full_clean(exclude=["network"])
        schedule.save()

        schedule.tiers.all().delete()
        FeeTier.objects.bulk_create(FeeTier(schedule=schedule, **row) for row in tier_rows)

        existing = list(schedule.installments.order_by("order", "pk"))
        billed = set(
            InvoiceLine.objects.filter(installment__in=existing).values_list("installment_id", flat=True).distinct()
        )
        for position, row in enumerate(installment_rows, start=1):
            current = existing[position - 1] if position <= len(existing) else None
            if (
                current is not None
                and current.pk in billed
                and (current.share != row["share"] or current.invoice_on != row["invoice_on"])
            ):
                raise ValidationError(
                    {
                        "installments": _(
                            "Installment %(number)s is already invoiced: its share and date cannot change."
                        )
                        % {"number": position}
                    }
                )
        for current in existing[len(installment_rows) :]:
            if current.pk in billed:
                raise ValidationError(
                    {
                        "installments": _("Installment %(number)s is already invoiced and cannot be removed.")
                        % {"number": current.order}
                    }
                )
            current.delete()
        for position, row in enumerate(installment_rows, start=1):
            current = existing[position - 1] if position <= len(existing) else None
            if current is None:
                Installment.objects.create(schedule=schedule, order=position, **row)
            elif (current.order, current.share, current.invoice_on, current.label) != (position, *row.values()):
                current.order, current.share, current.invoice_on, current.label = position, *row.values()
                current.save()
    with acting_as(actor):
        _refresh_unbilled_fees(schedule)
        # Members that started before the network had a schedule get their basis now.
        freeze_fee_bases(network.memberships.filter(fee_basis__isnull=True), schedule=schedule)
    return schedule


def _refresh_unbilled_fees(schedule: FeeSchedule) -> None:
    """A corrected schedule applies to the fees not yet invoiced; their frozen populations stay as they are."""
    schedule = FeeSchedule.objects.prefetch_related("tiers").get(pk=schedule.pk)
    billed = InvoiceLine.objects.filter(installment__isnull=False).values("membership_id")
    bases = FeeBasis.objects.filter(membership__network_id=schedule.network_id).exclude(membership_id__in=billed)
    changed, stale = [], []
    for basis in bases:
        flat = schedule.kind == FeeSchedule.Kind.FLAT
        if (not flat and basis.population is None) or (flat and basis.needs_confirmation):
            stale.append(basis.pk)  # frozen under the other kind of fee: frozen again below
            continue
        amount = fee_for(schedule, basis.population)
        if amount != basis.amount:
            basis.amount = amount
            changed.append(basis)
    if changed:
        bulk_update_with_history(changed, FeeBasis, ["amount"], default_user=current_actor())
    for basis in FeeBasis.objects.filter(pk__in=stale):
        basis.delete()


# --- Fees -------------------------------------------------------------------------------------


def _tiers(schedule: FeeSchedule) -> list[FeeTier]:
    return sorted(schedule.tiers.all(), key=lambda t: (t.up_to is None, t.up_to or 0, t.pk))


def fee_for(schedule: FeeSchedule, population: int | None) -> Decimal:
    """The fee (excl. VAT) of a member with ``population`` inhabitants."""
    if schedule.kind == FeeSchedule.Kind.FLAT:
        if schedule.flat_amount is None:
            raise ValueError("the flat fee has no amount")
        return schedule.flat_amount
    if population is None:
        raise ValueError("a fee by population needs the population")
    for tier in _tiers(schedule):
        if tier.up_to is None or population <= tier.up_to:
            return tier.amount
    raise ValueError("the tiers do not cover the population")


def describe_tiers(schedule: FeeSchedule) -> str:
    """“up to and including 15 000 inhabitants: 15 000 kr; more than 15 000 inhabitants: 25 000 kr”."""
    if schedule.kind == FeeSchedule.Kind.FLAT:
        return _("%(amount)s for every member") % {"amount": money.sek(schedule.flat_amount)}
    parts = []
    previous = None
    for tier in _tiers(schedule):
        amount = money.sek(tier.amount)
        if tier.up_to is None and previous is None:
            parts.append(_("any population: %(amount)s") % {"amount": amount})
        elif tier.up_to is None:
            parts.append(
                _("more than %(limit)s inhabitants: %(amount)s") % {"limit": inhabitants(previous), "amount": amount}
            )
        elif previous is None:
            parts.append(
                _("up to and including %(limit)s inhabitants: %(amount)s")
                % {"limit": inhabitants(tier.up_to), "amount": amount}
            )
        else:
            parts.append(
                _("%(low)s to %(high)s inhabitants: %(amount)s")
                % {"low": inhabitants(previous + 1), "high": inhabitants(tier.up_to), "amount": amount}
            )
        previous = tier.up_to if tier.up_to is not None else previous
    return "; ".join(parts)


def boundary_sentences(schedule: FeeSchedule) -> list[str]:
    """For each limit, what a member exactly at it and one above pay: the boundary rule in words."""
    sentences = []
    for tier in _tiers(schedule) if schedule.kind == FeeSchedule.Kind.TIERED else []:
        if tier.up_to is None:
            continue
        sentences.append(
            _(
                "A municipality with exactly %(limit)s inhabitants pays %(amount)s; "
                "one with %(above)s inhabitants pays %(next)s."
            )
            % {
                "limit": inhabitants(tier.up_to),
                "amount": money.sek(tier.amount),
                "above": inhabitants(tier.up_to + 1),
                "next": money.sek(fee_for(schedule, tier.up_to + 1)),
            }
        )
    return sentences


def installment_amounts(schedule: FeeSchedule, fee: Decimal) -> list[tuple[Installment, Decimal]]:
    """Each installment with its part of ``fee``; the remainder of the rounding is on the last one."""
    installments = list(schedule.installments.all())
    installments.sort(key=lambda i: (i.order, i.invoice_on, i.pk))
    return list(zip(installments, money.split(fee, [i.share for i in installments]), strict=True))


def installment_label(installment: Installment, count: int) -> str:
    """The installment's label, or “installment 1 of 2” (nothing when the fee is billed at once)."""
    if installment.label:
        return installment.label
    if count <= 1:
        return ""
    return _("installment %(number)s of %(count)s") % {"number": installment.order, "count": count}


# --- Fee bases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Population:
    population: int | None
    year: int | None
    source: str


def _kolada_populations(schedule: FeeSchedule, municipality_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Kolada's population (not demo values) per municipality: for the schedule's year, or the latest."""
    rows = KpiValue.objects.filter(
        kpi_id=schedule.population_kpi,
        municipality_id__in=list(municipality_ids),
        gender=KpiValue.Gender.TOTAL,
        value__isnull=False,
        is_demo=False,
    )
    if schedule.population_year is not None:
        rows = rows.filter(year=schedule.population_year)
    found: dict[int, tuple[int, int]] = {}
    for municipality_id, year, value in rows.order_by().values_list("municipality_id", "year", "value"):
        if municipality_id not in found or year > found[municipality_id][0]:
            found[municipality_id] = (year, round(value))
    return found


def _population(schedule: FeeSchedule, municipality: Municipality, kolada: dict) -> _Population:
    if municipality.pk in kolada:
        year, value = kolada[municipality.pk]
        return _Population(value, year, FeeBasis.Source.KOLADA)
    wanted = schedule.population_year
    known_year = municipality.population_year is not None and municipality.population_source in (
        Municipality.PopulationSource.KOLADA,
        Municipality.PopulationSource.MANUAL,
    )
    if municipality.population is not None and known_year and wanted in (None, municipality.population_year):
        source = (
            FeeBasis.Source.MANUAL
            if municipality.population_source == Municipality.PopulationSource.MANUAL
            else FeeBasis.Source.KOLADA
        )
        return _Population(municipality.population, municipality.population_year, source)
    # The shipped figure (year unknown), another year's figure, or none: a lead confirms it first.
    year = municipality.population_year if known_year else None
    return _Population(municipality.population, year, FeeBasis.Source.REGISTER)


def _new_basis(schedule: FeeSchedule, membership: Membership, kolada: dict) -> FeeBasis:
    found = _population(schedule, membership.municipality, kolada)
    if schedule.kind == FeeSchedule.Kind.FLAT:
        # The population does not decide a flat fee: it is recorded when known, never awaited.
        if found.source == FeeBasis.Source.REGISTER:
            found = _Population(None, None, FeeBasis.Source.MANUAL)
        return FeeBasis(
            membership=membership,
            population=found.population,
            population_year=found.year,
            source=found.source,
            amount=fee_for(schedule, None),
        )
    amount = fee_for(schedule, found.population) if found.population is not None else Decimal("0")
    return FeeBasis(
        membership=membership,
        population=found.population,
        population_year=found.year,
        source=found.source,
        amount=amount,
    )


def _schedule_ready(schedule: FeeSchedule | None) -> bool:
    if schedule is None:
        return False
    if schedule.kind == FeeSchedule.Kind.FLAT:
        return schedule.flat_amount is not None
    return any(tier.up_to is None for tier in schedule.tiers.all())


def freeze_fee_bases(memberships, *, schedule: FeeSchedule | None = None) -> list[FeeBasis]:
    """Freeze the basis of each of ``memberships`` that lacks one (a few queries however many).

    ``schedule`` is the memberships' network's schedule when they all belong to one network; otherwise each
    membership's own network's schedule is read. Memberships of networks without a usable schedule are left.
    """
    memberships = list(
        Membership.objects.filter(pk__in=[m.pk for m in memberships], fee_basis__isnull=True).select_related(
            "municipality", "network__fee_schedule"
        )
    )
    by_schedule: dict[int, tuple[FeeSchedule, list[Membership]]] = {}
    for membership in memberships:
        own = schedule if schedule is not None else getattr(membership.network, "fee_schedule", None)
        if own is None:
            continue
        by_schedule.setdefault(own.pk, (own, []))[1].append(membership)
    created: list[FeeBasis] = []
    for own, members in by_schedule.values():
        own = FeeSchedule.objects.prefetch_related("tiers").get(pk=own.pk)
        if not _schedule_ready(own):
            continue
        kolada = _kolada_populations(own, {m.municipality_id for m in members})
        bases = [_new_basis(own, m, kolada) for m in members]
        try:
            with transaction.atomic():
                created.extend(bulk_create_with_history(bases, FeeBasis, default_user=current_actor()))
        except IntegrityError:
            # Some were frozen meanwhile (another request): those are kept as they are.
            for basis in bases:
                try:
                    with transaction.atomic():
                        basis.save()
                except IntegrityError:
                    continue
                created.append(basis)
    return created


def freeze_fee_basis(membership: Membership) -> FeeBasis | None:
    """The membership's fee basis, frozen now if it has none (None while its network has no usable schedule).

    Idempotent: an existing basis is returned unchanged, whatever the population is now.
    """
    existing = FeeBasis.objects.filter(membership_id=membership.pk).first()
    if existing is not None:
        return existing
    freeze_fee_bases([membership])
    return FeeBasis.objects.filter(membership_id=membership.pk).first()


def basis_is_billed(basis: FeeBasis) -> bool:
    return InvoiceLine.objects.filter(membership_id=basis.membership_id, installment__isnull=False).exists()


def may_confirm(user, network: Network) -> bool:
    return can_lead(user, network) or roles.is_finance(user, network.organizer_id)


def confirm_fee_basis(
    basis: FeeBasis, actor, population: int | None = None, population_year: int | None = None
) -> FeeBasis:
    """A lead or finance confirms a member's population (or gives the right one and its year).

    The fee is computed again from the schedule as it is now. Once an installment of the member's fee is
    invoiced the basis no longer changes (a credit note corrects an issued invoice). A corrected figure is
    recorded as entered by hand.
    """
    membership = basis.membership
    network = membership.network
    if not may_confirm(actor, network):
        raise PermissionDenied
    schedule = FeeSchedule.objects.prefetch_related("tiers").get(network=network)
    errors: dict[str, list] = {}
    if population is not None and not (isinstance(population, int) and 0 < population <= MAX_POPULATION):
        errors["population"] = [_("Give the population as a whole number, e.g. 14 999.")]
    if population_year is not None and not (
        isinstance(population_year, int) and POPULATION_YEARS[0] <= population_year <= timezone.localdate().year
    ):
        errors["population_year"] = [_("Give the year of the figure, e.g. 2017.")]
    if population is not None and population_year is None:
        errors["population_year"] = [_("Give the year of the corrected figure.")]
    new_population = population if population is not None else basis.population
    if schedule.kind == FeeSchedule.Kind.TIERED and new_population is None:
        errors["population"] = [_("There is no population to confirm: give it and its year.")]
    if errors:
        raise ValidationError(errors)
    amount = fee_for(schedule, new_population)
    with transaction.atomic(), acting_as(actor):
        basis = FeeBasis.objects.select_for_update().get(pk=basis.pk)
        if basis_is_billed(basis) and (amount != basis.amount or new_population != basis.population):
            raise ValidationError(
                _("The fee is already invoiced on this basis; correct an issued invoice with a credit note.")
            )
        if population is not None:
            basis.population = population
            basis.population_year = population_year
            basis.source = FeeBasis.Source.MANUAL
        elif population_year is not None:
            basis.population_year = population_year
        basis.amount = amount
        basis.confirmed_at = timezone.now()
        basis.confirmed_by = actor
        basis.save()
    return basis
