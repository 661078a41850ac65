"""Export and erasure on the demo data: a real participant and a real representative, timed."""

import time

import pytest

from core import privacy
from networks.models import MembershipParticipant
from tests.core.privacy_helpers import text_hits
from tests.factories import UserFactory
from tests.portal.conftest import seeded_once  # noqa: F401 - the demo, seeded once per module

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def seeded(seeded_once):  # noqa: F811
    return None


def _timed_erase(email: str):
    person = privacy.find_person(privacy.person_key(email))
    assert person is not None
    started = time.perf_counter()
    extract = privacy.export(person)
    exported = time.perf_counter() - started
    started = time.perf_counter()
    privacy.erase(person, actor=UserFactory(is_superuser=True, is_staff=True))
    erased = time.perf_counter() - started
    return person, extract, exported, erased


def _assert_no_trace(person):
    assert text_hits(*person.emails) == []
    # The demo reuses names: a namesake with another address is another person, and keeps their name.
    assert {field for _table, field, _pk in text_hits(*person.full_names())} <= {"name"}


def test_demo_participant_is_erased_without_trace(seeded):
    participant = MembershipParticipant.objects.exclude(invitations=None).order_by("pk").first()
    person, extract, exported, erased = _timed_erase(participant.email)
    assert "networks.MembershipParticipant" in extract["data"]
    _assert_no_trace(person)
    participant.refresh_from_db()
    assert participant.name == privacy.ERASED_NAME
    print(f"demo participant: export {exported:.2f}s, erase {erased:.2f}s")
    assert exported < 10 and erased < 20


def test_demo_representative_is_erased_without_trace(seeded):
    from accounts.models import User

    user = User.objects.filter(municipality__isnull=False, is_superuser=False).order_by("pk").first()
    person, extract, exported, erased = _timed_erase(user.email)
    assert extract["person"]["user_id"] == user.pk
    _assert_no_trace(person)
    user.refresh_from_db()
    assert not user.is_active
    print(f"demo representative: export {exported:.2f}s, erase {erased:.2f}s")
