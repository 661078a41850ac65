"""Fee schedules (issue 7): tiers and their boundary, flat fees, installments and their rounding, validation of
a schedule, and each member's fee basis frozen when the membership starts (and confirmed when it is the
register's figure of unknown date)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import StaffRole
from billing import fees
from billing.models import FeeBasis, FeeSchedule, Installment, InvoiceLine
from municipalities.models import Kpi, KpiValue, Municipality
from tests.factories import (
    BillingOrganizerFactory,
    InvoiceFactory,
    MembershipFactory,
    NetworkFactory,
    fee_schedule,
    municipality,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
D = Decimal


@pytest.fixture
def org():
    return BillingOrganizerFactory(name="Rådet för kommunal analys", short_name="RKA")


@pytest.fixture
def network(org):
    return NetworkFactory(organizer=org, slug="effektivare-kommun", title="Effektivare kommun", status="running")


@pytest.fixture
def lead(org):
    return staff(Role.NETWORK_LEAD, organizer=org)


def kolada(code: str, population: int, year: int = 2016) -> Municipality:
    """N01951 (Kolada's population) of ``year`` for the municipality."""
    kpi, _created = Kpi.objects.get_or_create(id="N01951", defaults={"title": "Invånare totalt, antal"})
    place = municipality(code)
    KpiValue.objects.update_or_create(
        kpi=kpi, municipality=place, year=year, gender="T", defaults={"value": float(population), "is_demo": False}
    )
    return place


def valid_data(**overrides) -> dict:
    data = {
        "kind": "tiered",
        "flat_amount": None,
        "population_year": 2016,
        "vat_rate": "25",
        "vat_category": "S",
        "vat_exemption_reason": "",
        "payment_terms_days": 30,
        "bill_meeting_costs": False,
        "line_text": "",
    }
    return {**data, **overrides}


TIERS = [{"up_to": 15000, "amount": D("15000")}, {"up_to": None, "amount": D("25000")}]
HALVES = [
    {"share": D("50"), "invoice_on": date(2017, 12, 15), "label": ""},
    {"share": D("50"), "invoice_on": date(2018, 4, 15), "label": ""},
]


# --- Tiers and flat fees --------------------------------------------------------------------------


@pytest.mark.parametrize(("population", "fee"), [(14999, "15000"), (15000, "15000"), (15001, "25000")])
def test_seed_000_tiers_put_exactly_15_000_in_the_lower_tier(network, population, fee):
    schedule = fee_schedule(network)
    assert fees.fee_for(schedule, population) == D(fee)


@pytest.mark.parametrize(("population", "fee"), [(14999, "15000"), (15000, "25000"), (15001, "25000")])
def test_lead_may_put_15_000_in_the_upper_tier_with_the_limit_14_999(network, population, fee):
    schedule = fee_schedule(network, tiers=((14999, 15000), (None, 25000)))
    assert fees.fee_for(schedule, population) == D(fee)


@pytest.mark.parametrize("population", [14999, 15000, 15001])
def test_tiers_through_the_frozen_basis_of_members(network, population):
    fee_schedule(network)
    kolada("0114", population)
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    basis = FeeBasis.objects.get(membership=membership)
    assert basis.population == population
    assert basis.amount == (D("15000") if population <= 15000 else D("25000"))


def test_flat_fee_ignores_population(network):
    schedule = fee_schedule(network, flat=15000)
    assert fees.fee_for(schedule, None) == D("15000")
    assert fees.fee_for(schedule, 900_000) == D("15000")


def test_describe_tiers_and_the_boundary_sentence(network):
    schedule = fee_schedule(network)
    with translation.override("en"):
        assert fees.describe_tiers(schedule) == (
            "up to and including 15\u00a0000 inhabitants: 15\u00a0000\u00a0kr; "
            "more than 15\u00a0000 inhabitants: 25\u00a0000\u00a0kr"
        )
        assert fees.boundary_sentences(schedule) == [
            "A municipality with exactly 15\u00a0000 inhabitants pays 15\u00a0000\u00a0kr; "
            "one with 15\u00a0001 inhabitants pays 25\u00a0000\u00a0kr."
        ]


def test_describe_three_tiers(network):
    schedule = fee_schedule(network, tiers=((15000, 15000), (50000, 20000), (None, 25000)))
    with translation.override("en"):
        text = fees.describe_tiers(schedule)
    assert "15\u00a0001 to 50\u00a0000 inhabitants: 20\u00a0000\u00a0kr" in text
    assert text.endswith("more than 50\u00a0000 inhabitants: 25\u00a0000\u00a0kr")


# --- Installments ---------------------------------------------------------------------------------


def test_installments_in_thirds_put_the_remainder_on_the_last(network):
    schedule = fee_schedule(
        network,
        installments=((D("33.33"), date(2021, 3, 1)), (D("33.33"), date(2021, 9, 1)), (D("33.34"), date(2022, 3, 1))),
    )
    parts = [amount for _installment, amount in fees.installment_amounts(schedule, D("25000"))]
    assert parts == [D("8332.50"), D("8332.50"), D("8335.00")]
    assert sum(parts) == D("25000")
    odd = [amount for _installment, amount in fees.installment_amounts(schedule, D("10000.01"))]
    assert sum(odd) == D("10000.01")
    assert odd[:2] == [D("3333.00"), D("3333.00")]


def test_installments_in_halves(network):
    schedule = fee_schedule(network, installments=((50, date(2017, 12, 15)), (50, date(2018, 4, 15))))
    assert [amount for _i, amount in fees.installment_amounts(schedule, D("25000"))] == [D("12500"), D("12500")]
    assert [amount for _i, amount in fees.installment_amounts(schedule, D("15000.01"))] == [
        D("7500.01"),
        D("7500.00"),
    ]


# --- Saving a schedule ------------------------------------------------------------------------------


def test_save_tiered_schedule_with_installments(network, lead):
    schedule = fees.save_fee_schedule(network, lead, valid_data(), tiers=TIERS, installments=HALVES)
    assert schedule.kind == FeeSchedule.Kind.TIERED
    assert [(t.up_to, t.amount) for t in fees._tiers(schedule)] == [(15000, D("15000")), (None, D("25000"))]
    assert [(i.order, i.share, i.invoice_on) for i in schedule.installments.all()] == [
        (1, D("50"), date(2017, 12, 15)),
        (2, D("50"), date(2018, 4, 15)),
    ]
    # Saving again replaces tiers and keeps one schedule.
    whole = [{"share": D("100"), "invoice_on": date(2017, 12, 15), "label": "Hela avgiften"}]
    fees.save_fee_schedule(network, lead, valid_data(kind="flat", flat_amount=D("15000")), installments=whole)
    schedule.refresh_from_db()
    assert FeeSchedule.objects.filter(network=network).count() == 1
    assert schedule.kind == "flat" and schedule.flat_amount == D("15000")
    assert not schedule.tiers.exists()
    assert list(schedule.installments.values_list("share", "label")) == [(D("100"), "Hela avgiften")]


def _errors(network, lead, data=None, tiers=TIERS, installments=HALVES) -> dict:
    with pytest.raises(ValidationError) as caught:
        fees.save_fee_schedule(network, lead, data or valid_data(), tiers=tiers, installments=installments)
    return caught.value.message_dict


def test_shares_must_sum_to_exactly_100(network, lead):
    rows = [{**HALVES[0], "share": D("50")}, {**HALVES[1], "share": D("49.99")}]
    assert "installments" in _errors(network, lead, installments=rows)
    rows = [{**HALVES[0], "share": D("60")}, {**HALVES[1], "share": D("50")}]
    assert "installments" in _errors(network, lead, installments=rows)
    assert "installments" in _errors(network, lead, installments=[])
    assert not FeeSchedule.objects.filter(network=network).exists()


def test_installment_dates_and_shares_within_reason(network, lead):
    bad_date = [{**HALVES[0], "invoice_on": date(1900, 1, 1)}, HALVES[1]]
    assert "installments" in _errors(network, lead, installments=bad_date)
    backwards = [HALVES[1], HALVES[0]]
    assert "installments" in _errors(network, lead, installments=backwards)
    negative = [{**HALVES[0], "share": D("-50")}, {**HALVES[1], "share": D("150")}]
    assert "installments" in _errors(network, lead, installments=negative)
    hostile = [{**HALVES[0], "share": "50; DROP TABLE billing_installment"}, HALVES[1]]
    assert "installments" in _errors(network, lead, installments=hostile)
    too_many = [{"share": D("5"), "invoice_on": date(2018, 1, 1), "label": ""}] * 20
    assert "installments" in _errors(network, lead, installments=too_many)


def test_tiers_must_increase_and_end_without_a_limit(network, lead):
    assert "tiers" in _errors(network, lead, tiers=[{"up_to": 15000, "amount": D("15000")}])
    assert "tiers" in _errors(
        network,
        lead,
        tiers=[{"up_to": 15000, "amount": D("1")}, {"up_to": 15000, "amount": D("2")}, {"up_to": None, "amount": 3}],
    )
    assert "tiers" in _errors(network, lead, tiers=[{"up_to": None, "amount": D("1")}, {"up_to": 5, "amount": 2}])
    assert "tiers" in _errors(network, lead, tiers=[])
    assert "tiers" in _errors(network, lead, tiers=[{"up_to": None, "amount": None}])


def test_flat_needs_an_amount_and_amounts_are_sane(network, lead):
    assert "flat_amount" in _errors(network, lead, valid_data(kind="flat", flat_amount=None))
    assert "flat_amount" in _errors(network, lead, valid_data(kind="flat", flat_amount=D("-1")))
    assert "flat_amount" in _errors(network, lead, valid_data(kind="flat", flat_amount=D("1e20")))
    assert "flat_amount" in _errors(network, lead, valid_data(kind="flat", flat_amount="<script>alert(1)</script>"))
    assert "flat_amount" in _errors(network, lead, valid_data(kind="flat", flat_amount=D("100.001")))
    assert "kind" in _errors(network, lead, valid_data(kind="'; DROP TABLE x; --"))


def test_vat_rules(network, lead):
    assert "vat_exemption_reason" in _errors(network, lead, valid_data(vat_category="E"))
    assert "vat_rate" in _errors(network, lead, valid_data(vat_rate="10"))
    assert "vat_exemption_reason" in _errors(
        network, lead, valid_data(vat_category="E", vat_exemption_reason="x" * 100_000)
    )
    schedule = fees.save_fee_schedule(
        network,
        lead,
        valid_data(vat_category="E", vat_rate="25", vat_exemption_reason="Undantag enligt 3 kap. ML"),
        tiers=TIERS,
        installments=HALVES,
    )
    assert (schedule.vat_category, schedule.vat_rate) == ("E", D("0"))
    schedule = fees.save_fee_schedule(network, lead, valid_data(vat_rate="12"), tiers=TIERS, installments=HALVES)
    assert (schedule.vat_category, schedule.vat_rate, schedule.vat_exemption_reason) == ("S", D("12"), "")


def test_huge_and_hostile_texts(network, lead):
    assert "line_text" in _errors(network, lead, valid_data(line_text="x" * 100_000))
    long_label = [{**HALVES[0], "label": "x" * 100_000}, HALVES[1]]
    assert "installments" in _errors(network, lead, installments=long_label)
    schedule = fees.save_fee_schedule(
        network, lead, valid_data(line_text="<script>alert(1)</script>"), tiers=TIERS, installments=HALVES
    )
    assert schedule.line_text == "<script>alert(1)</script>"  # stored as text, escaped when shown


def test_only_the_networks_leads_may_save(network, org):
    other_lead = staff(Role.NETWORK_LEAD)
    finance = staff(Role.FINANCE, organizer=org)
    for user in (other_lead, finance, representative("0114")):
        with pytest.raises(PermissionDenied):
            fees.save_fee_schedule(network, user, valid_data(), tiers=TIERS, installments=HALVES)


def test_an_invoiced_installment_keeps_its_share_and_date(network, lead):
    schedule = fees.save_fee_schedule(network, lead, valid_data(), tiers=TIERS, installments=HALVES)
    membership = MembershipFactory(network=network)
    first = schedule.installments.get(order=1)
    invoice = InvoiceFactory(membership=membership, lines=[])
    InvoiceLine.objects.create(
        invoice=invoice, description="x", unit_price=D("1"), amount=D("1"), membership=membership, installment=first
    )
    moved = [{**HALVES[0], "invoice_on": date(2017, 12, 20)}, HALVES[1]]
    assert "installments" in _errors(network, lead, installments=moved)
    assert "installments" in _errors(
        network, lead, installments=[{"share": D("100"), "invoice_on": date(2018, 4, 15), "label": ""}]
    )
    relabelled = [{**HALVES[0], "label": "Höst 2017"}, {**HALVES[1], "share": D("50")}]
    fees.save_fee_schedule(network, lead, valid_data(), tiers=TIERS, installments=relabelled)
    first.refresh_from_db()
    assert first.label == "Höst 2017"
    assert Installment.objects.filter(schedule=schedule).count() == 2


# --- Fee bases ------------------------------------------------------------------------------------


def test_basis_frozen_once_when_the_membership_starts(network):
    fee_schedule(network, population_year=2016)
    kolada("0114", 14999, year=2016)
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    basis = membership.fee_basis
    assert (basis.population, basis.population_year, basis.source) == (14999, 2016, FeeBasis.Source.KOLADA)
    assert basis.amount == D("15000") and not basis.needs_confirmation
    # A later population (a new Kolada value, the register changed) does not move it.
    kolada("0114", 40000, year=2016)
    Municipality.objects.filter(code="0114").update(population=40000)
    assert fees.freeze_fee_basis(membership).pk == basis.pk
    basis.refresh_from_db()
    assert (basis.population, basis.amount) == (14999, D("15000"))
    assert FeeBasis.objects.filter(membership=membership).count() == 1


def test_the_year_of_the_schedule_decides(network):
    fee_schedule(network, population_year=2016)
    kolada("0114", 14000, year=2016)
    kolada("0114", 16000, year=2017)
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    assert (membership.fee_basis.population, membership.fee_basis.population_year) == (14000, 2016)


def test_register_figure_needs_confirmation_then_can_be_corrected(network, lead, org):
    fee_schedule(network, population_year=2016)
    Municipality.objects.filter(code="0114").update(population=15001, population_year=None, population_source="shipped")
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    basis = membership.fee_basis
    assert basis.source == FeeBasis.Source.REGISTER and basis.needs_confirmation
    assert basis.amount == D("25000")
    with pytest.raises(PermissionDenied):
        fees.confirm_fee_basis(basis, representative("0114"))
    with pytest.raises(PermissionDenied):
        fees.confirm_fee_basis(basis, staff(Role.FINANCE))  # another organiser's finance
    with pytest.raises(ValidationError):
        fees.confirm_fee_basis(basis, lead, population=14000)  # a corrected figure needs its year
    with pytest.raises(ValidationError):
        fees.confirm_fee_basis(basis, lead, population=-5, population_year=2016)
    confirmed = fees.confirm_fee_basis(basis, lead, population=14000, population_year=2016)
    assert (confirmed.population, confirmed.population_year, confirmed.source) == (14000, 2016, "manual")
    assert confirmed.amount == D("15000") and confirmed.confirmed_by == lead and not confirmed.needs_confirmation


def test_finance_may_confirm_the_figure_as_it_is(network, org):
    fee_schedule(network)
    Municipality.objects.filter(code="0114").update(population=9000, population_year=None, population_source="shipped")
    basis = MembershipFactory(network=network, municipality=municipality("0114")).fee_basis
    confirmed = fees.confirm_fee_basis(basis, staff(Role.FINANCE, organizer=org))
    assert confirmed.confirmed_at is not None and confirmed.population == 9000 and confirmed.source == "register"
    assert not confirmed.needs_confirmation


def test_flat_fee_never_waits_for_a_population(network):
    fee_schedule(network, flat=15000)
    Municipality.objects.filter(code="0114").update(population=9000, population_year=None, population_source="shipped")
    basis = MembershipFactory(network=network, municipality=municipality("0114")).fee_basis
    assert basis.amount == D("15000") and not basis.needs_confirmation and basis.population is None


def test_members_before_the_schedule_are_frozen_when_it_is_saved(network, lead):
    kolada("0114", 20000)
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    assert not FeeBasis.objects.filter(membership=membership).exists()
    fees.save_fee_schedule(network, lead, valid_data(), tiers=TIERS, installments=HALVES)
    assert FeeBasis.objects.get(membership=membership).amount == D("25000")
    # A corrected schedule applies to fees not yet invoiced; the population stays frozen.
    kolada("0114", 10000)
    fees.save_fee_schedule(
        network, lead, valid_data(), tiers=[{"up_to": 30000, "amount": D("18000")}, TIERS[1]], installments=HALVES
    )
    basis = FeeBasis.objects.get(membership=membership)
    assert (basis.population, basis.amount) == (20000, D("18000"))
