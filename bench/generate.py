"""Realistic data at scale for the page benchmarks (not a test, not for production).

Scale 1: the 290 real municipalities and regions of the register, 20 networks, 1,000 applications, 300 meetings,
3,000 invoices; scale 10: ten times as many of each (2,610 fictional municipalities, codes 3000 and up, are added
to the real ones). What grows with scale is the number of networks, municipalities, memberships, invoices and
batches; each network keeps a realistic size (about 50 applicants, 15 meetings, at most 100 applicants), so
pages that list a network's rows stay the same size and pages that list an organiser's or everyone's rows grow.

    .venv/bin/python bench/generate.py --scale 1 --database-url postgres://postgres@127.0.0.1:5432/natverk_bench1
    .venv/bin/python bench/generate.py --scale 10 --database-url … --fresh   # drop, create, migrate, reference data

Without ``--fresh`` the database must be migrated with the reference data loaded; data generated before is kept
(a second run does nothing). Writes what it made and how long it took to build/bench/generate_<scale>.json.

The users the benchmarks log in as (password ``BENCH_PASSWORD``): ``lead@bench.example`` (network lead of the
first organiser), ``finance@bench.example`` (its finance), ``rep@bench.example`` (representative of a
municipality without an application to the open network ``OPEN_SLUG``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

BENCH_PASSWORD = "bench-correct-horse-battery"
LEAD_EMAIL = "lead@bench.example"
FINANCE_EMAIL = "finance@bench.example"
REP_EMAIL = "rep@bench.example"
BIG_SLUG = "bench-urval"  # the network in selection with the most applicants (workbench, application list)
OPEN_SLUG = "bench-oppen"  # an open network (invitation, application form)
ORGANIZERS = [
    ("Sveriges Kommuner och Regioner", "SKR", "skr-bench", "2120000142"),
    ("Rådet för främjande av kommunala analyser", "RKA", "rka-bench", "8020108508"),
    ("Kommunförbundet Stockholms Län", "KSL", "ksl-bench", "8220018516"),
    ("Region Västra Götaland", "VGR", "vgr-bench", "2321000131"),
]
TOPICS = [
    "Effektivare kommun",
    "Bättre resultat i skolan",
    "Hållbar äldreomsorg",
    "Styrning och ledning",
    "Digital förvaltning",
    "Kostnadseffektiv socialtjänst",
    "Attraktiv arbetsgivare",
    "Klimatomställning",
    "Trygghet och brottsförebyggande",
    "Integration och arbete",
]
PARAGRAPH = (
    "Nätverket samlar kommuner som vill lära av varandra genom jämförelser i Kolada, gemensamma analyser "
    "och besök hos varandra. Varje kommun deltar med en styrgrupp och en projektledare och arbetar mellan "
    "träffarna med en egen utvecklingsfråga. "
)


def database_settings(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "dbname": parts.path.lstrip("/"),
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
    }


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (only names starting with natverk_bench, for safety)."""
    import psycopg

    settings = database_settings(url)
    name = settings.pop("dbname")
    if not name.startswith("natverk_bench"):
        raise SystemExit(f"--fresh only recreates databases named natverk_bench…, not {name!r}")
    with psycopg.connect(dbname="postgres", autocommit=True, **settings) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(url: str, *args: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Generator:
    def __init__(self, scale: int, seed: int = 20261123):
        self.scale = scale
        self.rnd = random.Random(seed)
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        from django.db import transaction

        with transaction.atomic():
            self.municipalities()
            self.organizers()
            self.users()
            self.networks()
            self.applications()
            self.meetings()
            self.invoices()
        self.selection_run()
        return self.counts

    # --- municipalities ------------------------------------------------------------------------------------

    def municipalities(self) -> None:
        from municipalities.models import County, Municipality

        real = list(Municipality.objects.order_by("code"))
        if len(real) < 290:
            raise SystemExit("Load the register first: manage.py load_reference_data")
        counties = list(County.objects.order_by("code"))
        taken = {m.code for m in real}
        kommuner = sum(1 for m in real if m.kind == Municipality.Kind.MUNICIPALITY)
        wanted = 290 * self.scale - kommuner
        extra = []
        code = 3000
        while len(extra) < wanted:
            if str(code) not in taken:
                county = counties[len(extra) % len(counties)]
                population = int(self.rnd.lognormvariate(10, 1)) + 2500
                extra.append(
                    Municipality(
                        code=str(code),
                        name=f"Påhittad kommun {code}",
                        kind=Municipality.Kind.MUNICIPALITY,
                        county=county,
                        population=population,
                        population_year=2024,
                        organisation_number=f"212000{code:04d}"[:10],
                        invoice_address=f"Påhittad kommun {code}\nBox 1\n100 00 Kommunen",
                        is_active=True,
                    )
                )
            code += 1
        Municipality.objects.bulk_create(extra, batch_size=1000)
        self.all_municipalities = list(
            Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY, is_active=True).order_by("code")
        )
        self.counts["municipalities"] = Municipality.objects.count()

    # --- organisers and users -------------------------------------------------------------------------------

    def organizers(self) -> None:
        from billing.models import OrganizerBilling
        from networks.models import Organizer

        made = []
        for index, (name, short, slug, orgnr) in enumerate(ORGANIZERS):
            made.append(
                Organizer(
                    name=name,
                    short_name=short,
                    slug=slug,
                    organisation_number=orgnr,
                    vat_number=f"SE{orgnr}01",
                    street_address=f"Hornsgatan {20 + index}",
                    postal_code="118 82",
                    city="Stockholm",
                    email=f"info@{slug}.example",
                    bankgiro="5050-1055",
                    f_skatt=True,
                    invoice_number_prefix=short,
                )
            )
        self.orgs = Organizer.objects.bulk_create(made)
        OrganizerBilling.objects.bulk_create(
            [OrganizerBilling(organizer=org, next_number=1, vat_accounts={"25": "2611"}) for org in self.orgs]
        )
        self.counts["organizers"] = len(self.orgs)

    def users(self) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from accounts.models import StaffRole, User

        password = make_password(BENCH_PASSWORD)
        staff = []
        roles = []
        for index, org in enumerate(self.orgs):
            lead = User(email=LEAD_EMAIL if index == 0 else f"lead{index}@bench.example", name=f"Lead {org.short_name}")
            finance = User(
                email=FINANCE_EMAIL if index == 0 else f"finance{index}@bench.example",
                name=f"Ekonom {org.short_name}",
            )
            for user in (lead, finance):
                user.password = password
                staff.append(user)
            roles.append((lead, org, StaffRole.Role.NETWORK_LEAD))
            roles.append((finance, org, StaffRole.Role.FINANCE))
        # A representative of every municipality (they start the applications).
        self.rep_municipality = self.all_municipalities[-1]  # never applies to the open network
        reps = [
            User(
                email=REP_EMAIL if m == self.rep_municipality else f"rep{m.code}@bench.example",
                name=f"Representant {m.name}",
                municipality=m,
                municipality_link_source=User.LinkSource.GRANTED,
                password=password,
            )
            for m in self.all_municipalities
        ]
        users = User.objects.bulk_create(staff + reps, batch_size=1000)
        StaffRole.objects.bulk_create([StaffRole(user=u, organizer=o, role=r) for u, o, r in roles])
        self.leads = {org.pk: users[2 * i] for i, org in enumerate(self.orgs)}
        self.finance = {org.pk: users[2 * i + 1] for i, org in enumerate(self.orgs)}
        self.rep_of = {m.pk: u for m, u in zip(self.all_municipalities, users[len(staff) :], strict=True)}
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=1000
        )
        self.counts["users"] = len(users)

    # --- networks -------------------------------------------------------------------------------------------

    def networks(self) -> None:
        from billing.models import FeeSchedule, FeeTier, Installment
        from networks.models import Network, NetworkCommitment, ReviewCriterion

        now = datetime.now().astimezone()
        count = 20 * self.scale
        statuses = (
            [Network.Status.OPEN] * 5
            + [Network.Status.SELECTION] * 2
            + [Network.Status.RUNNING] * 9
            + [Network.Status.FINISHED] * 4
        )
        made = []
        for index in range(count):
            status = statuses[index % len(statuses)]
            org = self.orgs[index % len(self.orgs)]
            if index == 0:
                status, slug = Network.Status.OPEN, OPEN_SLUG
            elif index == 4:
                status, slug = Network.Status.SELECTION, BIG_SLUG
            else:
                slug = f"natverk-{index:04d}"
            topic = TOPICS[index % len(TOPICS)]
            year = 2018 + index % 8
            if status == Network.Status.OPEN:
                opens, deadline = now - timedelta(days=20), now + timedelta(days=10 + index % 40)
            else:
                opens, deadline = now - timedelta(days=400 + index), now - timedelta(days=300 + index)
            made.append(
                Network(
                    title=f"{topic} {year}" + ("" if index < len(TOPICS) else f" – omgång {index // len(TOPICS) + 1}"),
                    slug=slug,
                    organizer=org,
                    status=status,
                    summary=f"Ett nätverk för kommuner om {topic.lower()}: jämförelser, analys och erfarenhetsutbyte.",
                    background=PARAGRAPH * 3,
                    purpose=PARAGRAPH * 2,
                    working_forms="- Nätverksträffar\n- Hemuppgifter\n- Besök hos varandra\n\n" + PARAGRAPH,
                    selection_process=PARAGRAPH,
                    application_requirements="Beslut i kommunledningen om deltagande och en problembeskrivning.",
                    contact_text="Kontakta projektledaren.",
                    period_start=date(year, 9, 1),
                    period_end=date(year + 1, 12, 31),
                    period_text=f"Hösten {year} till våren {year + 1}",
                    place="Stockholm",
                    capacity=40,
                    applications_open_at=opens,
                    application_deadline=deadline,
                    participants_min=2,
                    participants_max=6,
                )
            )
        self.networks_list = Network.objects.bulk_create(made, batch_size=500)
        self.big = next(n for n in self.networks_list if n.slug == BIG_SLUG)
        NetworkCommitment.objects.bulk_create(
            [
                NetworkCommitment(network=n, kind=kind, title=title)
                for n in self.networks_list
                for kind, title in (
                    (NetworkCommitment.Kind.DECISION, "Kommunledningsbeslut om deltagande före start"),
                    (NetworkCommitment.Kind.TIME, "Avsatt tid för projektledaren"),
                )
            ]
        )
        criteria = ReviewCriterion.objects.bulk_create(
            [
                ReviewCriterion(network=n, title=title, order=order)
                for n in self.networks_list
                for order, title in enumerate(("Motivering", "Förankring", "Problembeskrivning"), start=1)
            ]
        )
        self.criteria: dict[int, list] = {}
        for criterion in criteria:
            self.criteria.setdefault(criterion.network_id, []).append(criterion)
        schedules = FeeSchedule.objects.bulk_create(
            [
                FeeSchedule(
                    network=n,
                    kind=FeeSchedule.Kind.TIERED,
                    population_year=2024,
                    line_text=f"Deltagaravgift {n.title}",
                )
                for n in self.networks_list
            ]
        )
        FeeTier.objects.bulk_create(
            [
                FeeTier(schedule=s, up_to=up_to, amount=Decimal(amount))
                for s in schedules
                for up_to, amount in ((15000, 15000), (50000, 25000), (None, 35000))
            ]
        )
        installments = Installment.objects.bulk_create(
            [
                Installment(
                    schedule=s,
                    order=order,
                    share=Decimal("16.67") if order < 6 else Decimal("16.65"),
                    invoice_on=date(2024 + (order - 1) // 2, 3 if order % 2 else 9, 15),
                )
                for s in schedules
                for order in range(1, 7)
            ]
        )
        self.installments: dict[int, list] = {}
        network_of_schedule = {s.pk: s.network_id for s in schedules}
        for installment in installments:
            self.installments.setdefault(network_of_schedule[installment.schedule_id], []).append(installment)
        self.counts["networks"] = len(self.networks_list)

    # --- applications and memberships ----------------------------------------------------------------------

    def applications(self) -> None:
        from applications.models import Application, Review
        from networks.models import Membership, Network

        total = 1000 * self.scale
        others = [n for n in self.networks_list if n.pk != self.big.pk]
        per_network = {self.big.pk: 100}
        remaining = total - 100
        for index, network in enumerate(others):
            per_network[network.pk] = remaining // len(others) + (1 if index < remaining % len(others) else 0)
        open_network = next(n for n in self.networks_list if n.slug == OPEN_SLUG)
        now = datetime.now().astimezone()
        apps = []
        for network in self.networks_list:
            pool = [m for m in self.all_municipalities if m.pk != self.rep_municipality.pk or network != open_network]
            chosen = self.rnd.sample(pool, per_network[network.pk])
            decided = network.status in (Network.Status.RUNNING, Network.Status.FINISHED)
            for rank, municipality in enumerate(chosen):
                rep = self.rep_of[municipality.pk]
                draft = network.status == Network.Status.OPEN and rank % 3 == 0
                decision = ""
                if decided:
                    decision = (
                        Application.Decision.ACCEPTED if rank < network.capacity else Application.Decision.REJECTED
                    )
                apps.append(
                    Application(
                        network=network,
                        municipality=municipality,
                        status=Application.Status.DRAFT if draft else Application.Status.SUBMITTED,
                        created_by=rep,
                        motivation=PARAGRAPH,
                        problem_area="Styrning",
                        current_state=PARAGRAPH,
                        problem=PARAGRAPH,
                        goal="Lägre kostnad per brukare med bibehållen kvalitet.",
                        invoice_orgnr=municipality.organisation_number,
                        invoice_address=municipality.invoice_address or f"{municipality.name}\nBox 1",
                        buyer_reference="Ekonomi",
                        version=0 if draft else 1,
                        submitted_at=None if draft else network.application_deadline - timedelta(days=3),
                        submitted_by=None if draft else rep,
                        decision=decision,
                        decided_by=self.leads[network.organizer_id] if decision else None,
                        decided_at=network.application_deadline + timedelta(days=14) if decision else None,
                        published_decision=decision,
                        decision_published_at=network.application_deadline + timedelta(days=20) if decision else None,
                    )
                )
        apps = Application.objects.bulk_create(apps, batch_size=1000)
        # Each submitted application of a network past its deadline is scored by the organiser's lead.
        reviews = []
        for app in apps:
            if app.status != Application.Status.SUBMITTED or app.network.application_deadline > now:
                continue
            lead = self.leads[app.network.organizer_id]
            for criterion in self.criteria[app.network_id]:
                reviews.append(
                    Review(application=app, criterion=criterion, reviewer=lead, score=self.rnd.randint(1, 5))
                )
        Review.objects.bulk_create(reviews, batch_size=2000)
        memberships = [
            Membership(
                network=app.network,
                municipality=app.municipality,
                application=app,
                status=Membership.Status.ACTIVE,
                source=Membership.Source.DECISION,
                started_on=app.network.period_start,
                invoice_orgnr=app.invoice_orgnr,
                invoice_address=app.invoice_address,
                buyer_reference=app.buyer_reference,
            )
            for app in apps
            if app.decision == Application.Decision.ACCEPTED
        ]
        self.memberships = Membership.objects.bulk_create(memberships, batch_size=1000)
        self.counts["applications"] = len(apps)
        self.counts["reviews"] = len(reviews)
        self.counts["memberships"] = len(self.memberships)

    # --- meetings -------------------------------------------------------------------------------------------

    def meetings(self) -> None:
        from zoneinfo import ZoneInfo

        from meetings.models import Meeting

        stockholm = ZoneInfo("Europe/Stockholm")
        kinds = [Meeting.Kind.NETWORK, Meeting.Kind.PROJECT_LEADERS, Meeting.Kind.SEMINAR, Meeting.Kind.WORKSHOP]
        made = []
        for network in self.networks_list:
            start = network.period_start
            for number in range(15):
                day = start + timedelta(days=30 * number + 2)
                exact = number < 10
                starts = datetime(day.year, day.month, day.day, 9, 30, tzinfo=stockholm) if exact else None
                made.append(
                    Meeting(
                        network=network,
                        kind=kinds[number % len(kinds)],
                        title=f"Nätverksträff {number + 1}",
                        description=PARAGRAPH,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=6) if exact else None,
                        month=None if exact else day.replace(day=1),
                        sort_date=day if exact else day.replace(day=1),
                        mode=Meeting.Mode.PHYSICAL if number % 3 else Meeting.Mode.DIGITAL,
                        address="Hornsgatan 20, Stockholm" if number % 3 else "",
                        link="" if number % 3 else "https://meet.example.se/natverk",
                        audience=["steering_group", "project_leader"],
                        capacity=80,
                    )
                )
        Meeting.objects.bulk_create(made, batch_size=1000)
        self.counts["meetings"] = len(made)

    # --- invoices and batches -------------------------------------------------------------------------------

    def invoices(self) -> None:
        from billing.models import Invoice, InvoiceBatch, InvoiceLine
        from billing.money import line_amount, luhn_digit

        target = 3000 * self.scale
        pairs = []  # (membership, installment) in installment order, network by network
        for order in range(6):
            for membership in self.memberships:
                pairs.append((membership, self.installments[membership.network_id][order]))
        pairs = pairs[:target]
        if len(pairs) < target:
            raise SystemExit(f"only {len(pairs)} invoices possible, {target} wanted: too few memberships")
        batches: dict[tuple[int, int], InvoiceBatch] = {}
        for membership, installment in pairs:
            key = (membership.network_id, installment.pk)
            if key not in batches:
                network = membership.network
                batches[key] = InvoiceBatch(
                    organizer_id=network.organizer_id,
                    title=f"{network.title}, delbetalning {installment.order} av 6",
                    status=InvoiceBatch.Status.SENT,
                    due_on=installment.invoice_on,
                    network=network,
                    created_by=self.finance[network.organizer_id],
                    approved_by=self.finance[network.organizer_id],
                    approved_at=datetime.combine(installment.invoice_on, datetime.min.time()).astimezone(),
                )
        InvoiceBatch.objects.bulk_create(list(batches.values()), batch_size=1000)
        sequence = {org.pk: 0 for org in self.orgs}
        org_by_pk = {org.pk: org for org in self.orgs}
        invoices = []
        amounts = []
        for membership, installment in pairs:
            network = membership.network
            org = org_by_pk[network.organizer_id]
            sequence[org.pk] += 1
            seq = sequence[org.pk]
            municipality = membership.municipality
            population = municipality.population or 20000
            fee = Decimal(15000 if population <= 15000 else 25000 if population <= 50000 else 35000)
            unit_price = (fee * installment.share / 100).quantize(Decimal("0.01"))
            excl = line_amount(Decimal("1"), unit_price)
            vat = (excl * Decimal("0.25")).quantize(Decimal("0.01"))
            issue = installment.invoice_on
            paid = issue < date(2026, 1, 1) and seq % 7 != 0
            payload = f"{seq:08d}"
            invoices.append(
                Invoice(
                    organizer=org,
                    network=network,
                    membership=membership,
                    batch=batches[(network.pk, installment.pk)],
                    status=Invoice.Status.PAID if paid else Invoice.Status.SENT,
                    sequence=seq,
                    number=f"{org.invoice_number_prefix}{seq}",
                    issue_date=issue,
                    due_date=issue + timedelta(days=30),
                    ocr=payload + luhn_digit(payload),
                    seller_name=org.name,
                    seller_orgnr=org.organisation_number,
                    seller_vat_number=org.vat_number,
                    seller_street=org.street_address,
                    seller_postal_code=org.postal_code,
                    seller_city=org.city,
                    seller_bankgiro=org.bankgiro,
                    seller_f_skatt=True,
                    buyer_name=municipality.name,
                    buyer_orgnr=membership.invoice_orgnr or "2120000019",
                    buyer_address=membership.invoice_address,
                    buyer_reference=membership.buyer_reference,
                    population=population,
                    population_year=2024,
                    total_excl_vat=excl,
                    total_vat=vat,
                    total_incl_vat=excl + vat,
                    issued_at=datetime.combine(issue, datetime.min.time()).astimezone(),
                    issued_by=self.finance[org.pk],
                    sent_at=datetime.combine(issue, datetime.min.time()).astimezone(),
                    paid_at=issue + timedelta(days=25) if paid else None,
                )
            )
            amounts.append((unit_price, excl, installment, membership))
        invoices = Invoice.objects.bulk_create(invoices, batch_size=1000)
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    order=1,
                    description=f"Deltagaravgift {membership.network.title}, delbetalning {installment.order} av 6",
                    unit_price=unit_price,
                    amount=excl,
                    membership=membership,
                    installment=installment,
                )
                for invoice, (unit_price, excl, installment, membership) in zip(invoices, amounts, strict=True)
            ],
            batch_size=1000,
        )
        from billing.models import OrganizerBilling

        for org_pk, last in sequence.items():
            OrganizerBilling.objects.filter(organizer_id=org_pk).update(next_number=last + 1)
        self.counts["invoice_batches"] = len(batches)
        self.counts["invoices"] = len(invoices)

    # --- the selection proposal of the big network ----------------------------------------------------------

    def selection_run(self) -> None:
        from applications import decisions

        decisions.selection_run(network=self.big, actor=self.leads[self.big.organizer_id])
        self.counts["selection_runs"] = 1


def generate(scale: int) -> dict:
    from networks.models import Organizer

    if Organizer.objects.filter(slug=ORGANIZERS[0][2]).exists():
        print("benchmark data already there: nothing to do")
        return {}
    started = time.perf_counter()
    counts = Generator(scale).run()
    seconds = time.perf_counter() - started
    return {"scale": scale, "seconds": round(seconds, 2), "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, choices=[1, 10], default=1)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--fresh", action="store_true", help="drop and create the database, migrate, load the register")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url postgres://… is needed (the page benchmarks run on PostgreSQL)")
    timings = {}
    if args.fresh:
        started = time.perf_counter()
        recreate_database(args.database_url)
        manage(args.database_url, "migrate", "--noinput", "-v", "0")
        timings["migrate_seconds"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        manage(args.database_url, "load_reference_data")
        timings["reference_data_seconds"] = round(time.perf_counter() - started, 2)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    result = generate(args.scale)
    if not result:
        return
    result.update(timings)
    print(
        f"scale {args.scale}: generated in {result['seconds']:.1f} s: "
        + ", ".join(f"{v} {k}" for k, v in result["counts"].items())
    )
    out = BASE_DIR / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"generate_{args.scale}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
