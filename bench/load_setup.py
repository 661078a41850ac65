"""The load test's database: the register, one organiser, one open network and a representative per kommun.

Used by bench/load_applications.py; the database is dropped and created again on every run.

The network is the demo's "Effektivare kommun" (seed 002) as it would be open for applications: its texts,
five commitments (a decision, time, a steering group, a contact person, a working group), participant roles,
review criteria, fee schedule and efficiency models, with five years of key figures for every kommun (the
volume a Kolada sync gives the need-of-support profile on the apply page). Every representative shares one
password hash: hashing is slow on purpose, and the server still checks each password at login.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "last-test-kommun-2026"
NETWORK_SLUG = "effektivare-kommun"
EMAIL_DOMAIN = "last.example.se"


@dataclass(frozen=True)
class Representative:
    code: str
    municipality: str
    email: str
    user_id: int


@dataclass(frozen=True)
class Scenario:
    network_slug: str
    password: str
    representatives: list[Representative]


def recreate_database(database_url: str) -> None:
    """Drop (forcing other sessions off) and create the database ``database_url`` names."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(database_url: str, *args: str) -> None:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def migrate_and_load_register(database_url: str) -> None:
    manage(database_url, "migrate", "--noinput", "-v", "0")
    manage(database_url, "load_reference_data", "-v", "0")


def populate(count: int | None = None) -> Scenario:
    """In the configured (Django set up) database: the network and ``count`` representatives (all kommuner)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from municipalities.demo_values import seed_demo_kpi_values
    from municipalities.models import Municipality
    from networks.models import Network, Organizer
    from portal.demo import seed_efficiency_models
    from portal.demo_billing import seed_fee_schedule
    from portal.demo_networks import ascii_fold, seed_rules
    from portal.demo_texts import NETWORK_002, text_context

    today = timezone.localdate()
    dates = NETWORK_002.historical.moved(deadline=today + timedelta(days=21))
    with transaction.atomic():
        organizer = Organizer.objects.create(name="Sveriges Kommuner och Regioner", short_name="SKR", slug="skr")
        context = text_context(dates, organizer.name)
        network = Network.objects.create(
            **{field: text.format(**context) for field, text in NETWORK_002.texts.items()},
            **NETWORK_002.facts,
            title=NETWORK_002.title,
            slug=NETWORK_SLUG,
            organizer=organizer,
            status=Network.Status.OPEN,
            period_start=dates.start,
            period_end=dates.end,
            period_text=NETWORK_002.period_text.format(**context).capitalize(),
            applications_open_at=timezone.now() - timedelta(days=14),
            application_deadline=timezone.now() + timedelta(days=21),
        )
        seed_rules(network, NETWORK_002, context)
        seed_fee_schedule(network, NETWORK_002, dates.start)
    seed_demo_kpi_values()
    seed_efficiency_models(organizers={"skr": organizer}, networks=[network])

    municipalities = list(Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY).order_by("code"))
    if count is not None:
        municipalities = municipalities[:count]
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"{ascii_fold(m.name).replace(' ', '-')}.{m.code}@{EMAIL_DOMAIN}",
                name=f"Representant {m.name}",
                title="Utvecklingsstrateg",
                municipality=m,
                municipality_link_source=User.LinkSource.GRANTED,
                password=password_hash,
            )
            for m in municipalities
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time 290 municipalities apply
    return Scenario(
        network_slug=network.slug,
        password=PASSWORD,
        representatives=[
            Representative(code=m.code, municipality=m.name, email=u.email, user_id=u.pk)
            for m, u in zip(municipalities, users, strict=True)
        ],
    )


def session_cookies(scenario: Scenario) -> dict[int, str]:
    """A signed-in session per representative, written straight into the session table (user id -> key).

    The server must run with the same SECRET_KEY as this process (the session hash depends on it).
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    backend = "allauth.account.auth_backends.AuthenticationBackend"
    users = User.objects.in_bulk([r.user_id for r in scenario.representatives])
    keys = {}
    for user_id, user in users.items():
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[user_id] = session.session_key
    return keys


def counts(network_slug: str) -> dict[str, int]:
    """What the database holds after the run: applications by status, versions, participants."""
    from django.db.models import Count

    from applications.models import Application, ApplicationVersion, ProposedParticipant

    applications = Application.objects.filter(network__slug=network_slug)
    by_status = dict(applications.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "applications": applications.count(),
        "submitted": by_status.get(Application.Status.SUBMITTED, 0),
        "submitted_version_1": applications.filter(status=Application.Status.SUBMITTED, version=1).count(),
        "versions": ApplicationVersion.objects.filter(application__in=applications).count(),
        "participants": ProposedParticipant.objects.filter(application__in=applications).count(),
    }
