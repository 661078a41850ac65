"""Fixtures of the form fuzzing: the demo once per module, plus the objects it lacks."""

import pytest

from tests.portal.conftest import seeded_once  # noqa: F401 - the demo, seeded once per module


@pytest.fixture(scope="module")
def fuzz_world(seeded_once, django_db_blocker):  # noqa: F811
    from tests.fuzz.world import build_world

    with django_db_blocker.unblock():
        return build_world()
