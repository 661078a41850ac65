"""Fuzz one form view: learn its fields from the page, then post Hypothesis payloads to it."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.fuzz.forms import FORMS
from tests.fuzz.harness import DatabaseState, find_form_fields, run_example
from tests.fuzz.strategies import payloads

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
DATABASE_DIR = Path(__file__).resolve().parents[2] / "build" / "hypothesis"


def selected(names: list[str]) -> list[str]:
    """FUZZ_FORMS="name,name" narrows a run to some forms (e.g. a long run of the public ones)."""
    wanted = {name.strip() for name in os.environ.get("FUZZ_FORMS", "").split(",") if name.strip()}
    return [name for name in names if not wanted or name in wanted]


def fuzz_settings():
    return settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=bool(os.environ.get("CI")),
        # Failing examples are replayed first on the next local run; build/ is not in git.
        database=None if os.environ.get("CI") else DirectoryBasedExampleDatabase(str(DATABASE_DIR)),
        print_blob=True,
    )


def form_url(name: str, world) -> str:
    return reverse(name, kwargs=FORMS[name].kwargs(world))


def fuzz_form(name: str, world) -> None:
    # Sessions in the database only (not cached_db): what an example does to its session is then rolled back
    # with the example's savepoint, and no example pays for the cold session cache of its fresh key prefix.
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db"):
        _fuzz_form(name, world)


def _fuzz_form(name: str, world) -> None:
    case = FORMS[name]
    url = form_url(name, world)
    user = world.users[case.actor]
    client = Client()
    if user is not None:
        client.force_login(user)
    fields, _page = find_form_fields(client, url)
    state = DatabaseState()
    baseline = state.take()
    if os.environ.get("FUZZ_VERBOSE"):
        print(f"\nFUZZ {name} {url} page={_page} fields={[f.name for f in fields]}")

    @fuzz_settings()
    @given(payload=payloads(fields))
    def post_anything(payload):
        statuses[
            run_example(
                client=client,
                url=url,
                payload=payload,
                state=state,
                baseline=baseline,
                writes_on_200=case.writes_on_200,
            )
        ] += 1

    statuses = Counter()
    post_anything()
    if os.environ.get("FUZZ_VERBOSE"):
        print(f"FUZZ-STATS {name} examples={sum(statuses.values())} statuses={dict(sorted(statuses.items()))}")
