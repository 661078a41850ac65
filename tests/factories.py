"""Shared factories. The register (counties, municipalities) is reference data
loaded for the whole test session, so tests look municipalities up by code
rather than creating them."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import StaffRole, User
from applications.models import Application
from municipalities.models import Municipality
from networks.models import Network, NetworkCommitment, Organizer, ReviewCriterion

PASSWORD = "correct-horse-battery-staple"


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    name = factory.Faker("name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # Users are verified unless a test says verified=False (allauth blocks login otherwise).
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
        if create:
            self.save()


class OrganizerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organizer

    name = factory.Sequence(lambda n: f"Organiser {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    organizer = factory.SubFactory(OrganizerFactory)
    role = StaffRole.Role.NETWORK_LEAD


def staff(role=StaffRole.Role.NETWORK_LEAD, organizer=None, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    StaffRoleFactory(user=user, organizer=organizer or OrganizerFactory(), role=role)
    return user


def representative(code: str = "0114", **user_kwargs) -> User:
    return UserFactory(municipality=municipality(code), municipality_link_source=User.LinkSource.GRANTED, **user_kwargs)


class NetworkFactory(factory.django.DjangoModelFactory):
    """An open network of ``organizer`` whose deadline is two weeks away."""

    class Meta:
        model = Network

    title = factory.Sequence(lambda n: f"Nätverk {n}")
    slug = factory.Sequence(lambda n: f"natverk-{n}")
    organizer = factory.SubFactory(OrganizerFactory)
    status = Network.Status.OPEN
    summary = "Ett nätverk för kommuner."
    capacity = 10
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    application_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class NetworkCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkCommitment

    network = factory.SubFactory(NetworkFactory)
    kind = NetworkCommitment.Kind.DECISION
    title = "Kommunledningsbeslut om deltagande före start"


class ReviewCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Kriterium {n}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application of municipality 0114 (Upplands Väsby) unless told otherwise."""

    class Meta:
        model = Application

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.LazyFunction(lambda: municipality("0114"))
    created_by = factory.SubFactory(UserFactory)
    motivation = "Vi vill utveckla vår styrning."


# --- Memberships (appended: later factories go below) ---------------------------------------

from networks.models import Membership, MembershipParticipant  # noqa: E402


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active membership of municipality 0114 (Upplands Väsby) unless told otherwise."""

    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.LazyFunction(lambda: municipality("0114"))
    status = Membership.Status.ACTIVE
    source = Membership.Source.DECISION
    started_on = factory.LazyFunction(timezone.localdate)


class MembershipParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipParticipant

    membership = factory.SubFactory(MembershipFactory)
    name = factory.Faker("name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"deltagare{n}@example.se")
    title = "Controller"


# --- Meetings (appended: later factories go below) -------------------------------------------

from datetime import date  # noqa: E402

from meetings.models import Meeting  # noqa: E402


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned, preliminary network meeting (June 2018) for steering groups and project leaders."""

    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    kind = Meeting.Kind.NETWORK
    title = factory.Sequence(lambda n: f"Nätverksträff {n}")
    month = date(2018, 6, 1)
    audience = factory.LazyFunction(lambda: ["steering_group", "project_leader"])


# --- Billing: invoices (appended: later factories go below) ----------------------------------

from decimal import Decimal  # noqa: E402

from billing.models import Invoice, InvoiceLine  # noqa: E402
from billing.money import line_amount, luhn_digit, totals  # noqa: E402


def _orgnr(n: int) -> str:
    payload = f"2029{n % 100000:05d}"  # third digit ≥ 2: an organisation, not a person
    return payload + luhn_digit(payload)


class BillingOrganizerFactory(OrganizerFactory):
    """An organiser that can invoice: organisation and VAT number, bankgiro, F-skatt and a number prefix."""

    organisation_number = factory.Sequence(_orgnr)
    vat_number = factory.LazyAttribute(lambda o: f"SE{o.organisation_number}01")
    street_address = "Hornsgatan 20"
    postal_code = "118 82"
    city = "Stockholm"
    email = "fakturor@example.se"
    bankgiro = "5050-1055"
    f_skatt = True
    invoice_number_prefix = factory.Sequence(lambda n: f"F{n}")


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A consistent draft invoice of a member (0114 Upplands Väsby) of a billing organiser's network, with the
    seller's and buyer's data copied and one line of 25 000 kr at 25 % VAT (``lines=[...]`` of dicts for others,
    ``lines=[]`` for none); the totals match the lines."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    membership = factory.SubFactory(MembershipFactory, network__organizer=factory.SubFactory(BillingOrganizerFactory))
    network = factory.LazyAttribute(lambda o: o.membership.network)
    organizer = factory.LazyAttribute(lambda o: o.membership.network.organizer)
    status = Invoice.Status.DRAFT
    seller_name = factory.LazyAttribute(lambda o: o.organizer.name)
    seller_orgnr = factory.LazyAttribute(lambda o: o.organizer.organisation_number)
    seller_vat_number = factory.LazyAttribute(lambda o: o.organizer.vat_number)
    seller_street = factory.LazyAttribute(lambda o: o.organizer.street_address)
    seller_postal_code = factory.LazyAttribute(lambda o: o.organizer.postal_code)
    seller_city = factory.LazyAttribute(lambda o: o.organizer.city)
    seller_bankgiro = factory.LazyAttribute(lambda o: o.organizer.bankgiro)
    seller_f_skatt = factory.LazyAttribute(lambda o: o.organizer.f_skatt)
    buyer_name = factory.LazyAttribute(lambda o: o.membership.municipality.name)
    buyer_orgnr = factory.LazyAttribute(lambda o: o.membership.municipality.organisation_number or "2120000019")
    buyer_address = factory.LazyAttribute(lambda o: f"{o.membership.municipality.name}\nBox 1\n194 80 Kommunen")
    buyer_reference = "123456"
    buyer_peppol_id = factory.LazyAttribute(lambda o: f"0007:{o.buyer_orgnr}")
    population = 15432
    population_year = 2016

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Saved as a draft first, so that its lines can be added (an issued invoice's lines are fixed).
        status = kwargs.pop("status", Invoice.Status.DRAFT)
        invoice = super()._create(model_class, *args, status=Invoice.Status.DRAFT, **kwargs)
        invoice._factory_status = status
        return invoice

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if not create:
            return
        rows = [{}] if extracted is None else extracted
        made = [InvoiceLineFactory(invoice=self, order=order, **row) for order, row in enumerate(rows, start=1)]
        summed = totals(made)
        self.total_excl_vat, self.total_vat, self.total_incl_vat = summed.excl_vat, summed.vat, summed.incl_vat
        self.status = getattr(self, "_factory_status", self.status)
        self.save()


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory, lines=[])
    description = "Deltagaravgift nätverket, delbetalning 1 av 2"
    quantity = Decimal("1")
    unit_price = Decimal("25000.00")
    vat_rate = Decimal("25")
    amount = factory.LazyAttribute(lambda o: line_amount(o.quantity, o.unit_price))


# --- Billing: fee schedules (appended: later factories go below) -----------------------------

from billing.models import FeeSchedule, FeeTier, Installment  # noqa: E402


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    """A flat fee of 15 000 kr excl. VAT at 25 %, without installments (add them with InstallmentFactory or
    ``fee_schedule``)."""

    class Meta:
        model = FeeSchedule

    network = factory.SubFactory(NetworkFactory)
    kind = FeeSchedule.Kind.FLAT
    flat_amount = Decimal("15000")


class FeeTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeTier

    schedule = factory.SubFactory(FeeScheduleFactory, kind=FeeSchedule.Kind.TIERED, flat_amount=None)
    up_to = None
    amount = Decimal("25000")


class InstallmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Installment

    schedule = factory.SubFactory(FeeScheduleFactory)
    order = factory.Sequence(lambda n: n + 1)
    share = Decimal("100")
    invoice_on = date(2017, 12, 15)


def fee_schedule(network, *, tiers=None, flat=None, installments=((100, date(2017, 12, 15)),), **kwargs):
    """Seed 000's schedule by default: tiers (15 000 → 15 000 kr, no limit → 25 000 kr); ``flat=`` for a flat
    fee; ``installments`` as (share, date) pairs."""
    if flat is not None:
        schedule = FeeScheduleFactory(network=network, kind=FeeSchedule.Kind.FLAT, flat_amount=Decimal(flat), **kwargs)
    else:
        schedule = FeeScheduleFactory(network=network, kind=FeeSchedule.Kind.TIERED, flat_amount=None, **kwargs)
        for up_to, amount in tiers or ((15000, 15000), (None, 25000)):
            FeeTierFactory(schedule=schedule, up_to=up_to, amount=Decimal(amount))
    for order, (share, invoice_on) in enumerate(installments, start=1):
        InstallmentFactory(schedule=schedule, order=order, share=Decimal(share), invoice_on=invoice_on)
    return schedule
