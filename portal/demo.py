"""Demo data for the embedded installation (``python manage.py seed_demo``).

Uses the seed documents' facts with placeholder contacts (@example.se). Every
function is idempotent: running the command again updates, never duplicates.
The seed networks (two cohorts each, with applications, reviews and
memberships) are in ``portal.demo_networks`` (seeding) and ``portal.demo_texts`` (the invitations).
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import StaffRole, User
from core.audit import acting_as
from municipalities.demo_values import seed_demo_kpi_values
from municipalities.models import EfficiencyModel, EfficiencyModelKpi, Kpi, Municipality, MunicipalityDomain
from municipalities.services import efficiency_model_save
from networks.models import Organizer
from portal.demo_networks import seed_networks, shared_password_hash
from portal.demo_upsert import upsert

Role = StaffRole.Role

ORGANIZERS = [
    {
        "slug": "skr",
        "name": "Sveriges Kommuner och Regioner",
        "short_name": "SKR",
        # SKL became SKR in 2019: same legal person, organisation number and invoice series.
        "former_names": "Sveriges Kommuner och Landsting (SKL)",
        "organisation_number": "2220000315",
        "vat_number": "SE222000031501",
        "street_address": "Hornsgatan 20",
        "postal_code": "118 82",
        "city": "Stockholm",
        "website": "https://skr.se",
        "email": "ekonomi@example.se",
        "bankgiro": "5050-1055",  # a made-up bankgiro for the demo
        "f_skatt": True,
        "invoice_number_prefix": "SKR",
    },
    {
        "slug": "rka",
        "name": "Rådet för främjande av kommunala analyser",
        "short_name": "RKA",
        "website": "https://www.rka.nu",
        "invoice_number_prefix": "RKA",
    },
    {
        "slug": "ksl",
        "name": "Kommunförbundet Stockholms Län",
        "short_name": "KSL",
        "city": "Stockholm",
        "invoice_number_prefix": "KSL",
    },
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    title: str
    roles: tuple[tuple[str, str], ...] = ()  # (organizer slug, role)
    municipality_code: str | None = None
    superuser: bool = False
    description: str = ""


DEMO_USERS = [
    DemoUser(
        "projektledare@example.se",
        "Petra Projektledare",
        "Projektledare",
        roles=(("skr", Role.NETWORK_LEAD),),
        description="Projektledare (arrangör) på SKR",
    ),
    DemoUser(
        "projektledare.ksl@example.se",
        "Kalle Kommunförbund",
        "Projektledare",
        roles=(("ksl", Role.NETWORK_LEAD),),
        description="Projektledare (arrangör) på KSL – ser bara KSL:s data",
    ),
    DemoUser(
        "granskare@example.se",
        "Greta Granskare",
        "Utredare",
        roles=(("skr", Role.NETWORK_LEAD), ("rka", Role.NETWORK_LEAD)),
        description="Andra bedömare (arrangör) på SKR och RKA",
    ),
    DemoUser(
        "ekonomi@example.se",
        "Eva Ekonomi",
        "Ekonom",
        roles=(("skr", Role.FINANCE),),
        description="Ekonomi på SKR",
    ),
    DemoUser(
        "administrator@example.se",
        "Adam Administratör",
        "Administratör",
        roles=(("skr", Role.ADMINISTRATOR), ("rka", Role.ADMINISTRATOR)),
        description="Administratör på SKR och RKA",
    ),
    DemoUser(
        "system@example.se",
        "Sara Systemadministratör",
        "Systemförvaltare",
        superuser=True,
        description="Systemadministratör (ser allt, Django-admin)",
    ),
    DemoUser(
        "anna.andersson@upplandsvasby.example.se",
        "Anna Andersson",
        "Kommunstrateg",
        municipality_code="0114",
        description="Kommunrepresentant för Upplands Väsby",
    ),
]

# Demo e-mail domains (<kommun>.example.se): a verified address on one links the user.
DEMO_DOMAINS = {"0114": "upplandsvasby.example.se", "0582": "soderkoping.example.se", "2580": "lulea.example.se"}


@transaction.atomic
def seed_organizers() -> dict[str, Organizer]:
    organizers = {}
    for data in ORGANIZERS:
        values = dict(data)
        slug = values.pop("slug")
        organizers[slug] = upsert(Organizer, values, slug=slug)
    return organizers


@transaction.atomic
def seed_domains() -> None:
    for code, domain in DEMO_DOMAINS.items():
        municipality = Municipality.objects.get(code=code)
        MunicipalityDomain.objects.update_or_create(
            domain=domain, defaults={"municipality": municipality, "is_demo": True}
        )


@transaction.atomic
def seed_users(*, password_hash: str, organizers: dict[str, Organizer]) -> list[tuple[DemoUser, User]]:
    seeded = []
    for spec in DEMO_USERS:
        values = {"name": spec.name, "title": spec.title, "is_superuser": spec.superuser, "password": password_hash}
        # Django's admin site is for system and organiser administrators only.
        values["is_staff"] = spec.superuser or any(role == Role.ADMINISTRATOR for _slug, role in spec.roles)
        if spec.municipality_code:
            values["municipality_id"] = Municipality.objects.get(code=spec.municipality_code).pk
            values["municipality_link_source"] = User.LinkSource.DOMAIN
        user = upsert(User, values, email=spec.email)
        EmailAddress.objects.update_or_create(user=user, email=spec.email, defaults={"verified": True, "primary": True})
        for slug, role in spec.roles:
            StaffRole.objects.get_or_create(user=user, organizer=organizers[slug], role=role)
        seeded.append((spec, user))
    return seeded


def seed_all(*, password: str) -> list[tuple[DemoUser, User]]:
    with acting_as(None):
        organizers = seed_organizers()
        seed_domains()
        password_hash = shared_password_hash(password, [spec.email for spec in DEMO_USERS])
        seeded = seed_users(password_hash=password_hash, organizers=organizers)
        networks = seed_networks(password_hash=password_hash, organizers=organizers)
        seed_demo_kpi_values()
        seed_efficiency_models(organizers=organizers, networks=networks)
        return seeded


# Two areas of "Effektivare kommun" (seed 002), resultat per kostnad: the cost is per unit,
# so the volume is already in it (see municipalities/efficiency_models.py).
DEMO_EFFICIENCY_MODELS = [
    {
        "name": "Grundskola: resultat per kostnad",
        "description": "Elevernas resultat i åk 9 (betygskriterier och meritvärde) mot kostnaden per elev.",
        "quality": ["N15419", "N15505"],
        "resource": "N15008",
    },
    {
        "name": "Äldreomsorg: brukarbedömning per kostnad",
        "description": "Brukarnas helhetsbedömning av hemtjänst och särskilt boende mot kostnaden per invånare 80+.",
        "quality": ["U21468", "U23471"],
        "resource": "N20048",
    },
]


@transaction.atomic
def seed_efficiency_models(*, organizers: dict[str, Organizer], networks) -> list[EfficiencyModel]:
    """SKR's demo models, the need-of-support basis of the networks that require a problem description."""
    models = []
    kpis = Kpi.objects.in_bulk(
        [kpi_id for spec in DEMO_EFFICIENCY_MODELS for kpi_id in [*spec["quality"], spec["resource"]]]
    )
    for spec in DEMO_EFFICIENCY_MODELS:
        model = upsert(
            EfficiencyModel, {"description": spec["description"]}, organizer=organizers["skr"], name=spec["name"]
        )
        wanted = {(kpi_id, EfficiencyModelKpi.Role.QUALITY.value) for kpi_id in spec["quality"]}
        wanted.add((spec["resource"], EfficiencyModelKpi.Role.RESOURCE.value))
        if set(model.components.values_list("kpi_id", "role")) != wanted:  # a second run changes nothing
            efficiency_model_save(
                actor=None,
                model=model,
                quality=[kpis[kpi_id] for kpi_id in spec["quality"]],
                volume=[],
                resource=kpis[spec["resource"]],
            )
        models.append(model)
    for network in networks:
        if network.requires_problem_description:
            network.efficiency_models.set(models)
    return models
