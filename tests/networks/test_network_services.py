"""networks.services: create, update, parts and the status flow, against the database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import StaffRole
from networks import services
from networks.forms import StockholmDateTimeField
from networks.models import Network
from tests.factories import NetworkFactory, OrganizerFactory, UserFactory, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
Status = Network.Status
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def org():
    return OrganizerFactory()


@pytest.fixture
def lead(org):
    return staff(Role.NETWORK_LEAD, organizer=org)


def test_network_create_is_a_draft_with_suggested_slug_and_actor(org, lead):
    co = OrganizerFactory()
    network = services.network_create(
        actor=lead, organizer=org, title="En effektivare administration", co_organizers=[co], status=Status.OPEN
    )
    assert network.status == Status.DRAFT
    assert network.slug == "en-effektivare-administration"
    assert list(network.co_organizers.all()) == [co]
    assert network.history.first().history_user == lead


def test_network_create_refuses_other_organizer_and_finance(org):
    with pytest.raises(PermissionDenied):
        services.network_create(actor=staff(Role.NETWORK_LEAD), organizer=org, title="X")
    with pytest.raises(PermissionDenied):
        services.network_create(actor=staff(Role.FINANCE, organizer=org), organizer=org, title="X")
    assert not Network.objects.exists()


def test_network_create_validates(org, lead):
    with pytest.raises(ValidationError):
        services.network_create(actor=lead, organizer=org, title="X", capacity=0)
    with pytest.raises(ValidationError):
        services.network_create(actor=lead, organizer=org, title="X", participants_min=5, participants_max=2)
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.network_create(
            actor=lead, organizer=org, title="X", applications_open_at=now, application_deadline=now
        )
    assert not Network.objects.exists()


def test_network_suggest_slug_swedish_letters_and_unique():
    assert services.network_suggest_slug(title="Öppna jämförelser för små kommuner") == (
        "oppna-jamforelser-for-sma-kommuner"
    )
    NetworkFactory(slug="styrning")
    NetworkFactory(slug="styrning-2")
    assert services.network_suggest_slug(title="Styrning") == "styrning-3"
    assert services.network_suggest_slug(title="🎉 !!") == "natverk"
    assert services.network_suggest_slug(title="Nytt") == "nytt-2"
    assert len(services.network_suggest_slug(title="lång " * 100)) <= 80


def test_network_update_by_lead_and_superuser(org, lead):
    network = NetworkFactory(organizer=org)
    services.network_update(actor=lead, network=network, title="Nytt namn", status=Status.ARCHIVED)
    network.refresh_from_db()
    assert network.title == "Nytt namn" and network.status == Status.OPEN
    services.network_update(actor=UserFactory(is_superuser=True), network=network, capacity=12)
    network.refresh_from_db()
    assert network.capacity == 12


def test_network_update_refuses_others(org):
    network = NetworkFactory(organizer=org)
    for actor in (staff(Role.NETWORK_LEAD), staff(Role.FINANCE, organizer=org), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.network_update(actor=actor, network=network, title="Kapad")
    network.refresh_from_db()
    assert network.title != "Kapad"


def test_network_update_cannot_move_to_an_organizer_the_actor_does_not_lead(org, lead):
    network = NetworkFactory(organizer=org)
    with pytest.raises(PermissionDenied):
        services.network_update(actor=lead, network=network, organizer=OrganizerFactory())


def test_status_flow_all_the_way(org, lead):
    network = NetworkFactory(organizer=org, status=Status.DRAFT)
    network = services.network_open_applications(actor=lead, network=network)
    assert network.status == Status.OPEN
    network = services.network_close_applications(actor=lead, network=network)
    assert network.status == Status.SELECTION
    for status in (Status.RUNNING, Status.FINISHED, Status.ARCHIVED):
        network = services.network_set_status(actor=lead, network=network, status=status)
        assert network.status == status
    assert network.history.first().history_user == lead


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (Status.DRAFT, Status.SELECTION),
        (Status.DRAFT, Status.RUNNING),
        (Status.OPEN, Status.DRAFT),
        (Status.OPEN, Status.RUNNING),
        (Status.RUNNING, Status.OPEN),
        (Status.FINISHED, Status.RUNNING),
        (Status.ARCHIVED, Status.OPEN),
        (Status.ARCHIVED, Status.DRAFT),
    ],
)
def test_status_flow_refuses_other_transitions(org, lead, current, wanted):
    network = NetworkFactory(organizer=org, status=current)
    with pytest.raises(services.NetworkStatusError):
        services.network_set_status(actor=lead, network=network, status=wanted)
    network.refresh_from_db()
    assert network.status == current


def test_same_status_is_a_no_op(org, lead):
    network = NetworkFactory(organizer=org)
    before = network.history.count()
    services.network_open_applications(actor=lead, network=network)
    assert network.history.count() == before


def test_open_needs_a_future_deadline(org, lead):
    network = NetworkFactory(organizer=org, status=Status.DRAFT, application_deadline=None)
    with pytest.raises(services.NetworkStatusError):
        services.network_open_applications(actor=lead, network=network)
    network.application_deadline = timezone.now() - timedelta(hours=1)
    network.applications_open_at = None
    network.save()
    with pytest.raises(services.NetworkStatusError):
        services.network_open_applications(actor=lead, network=network)


def test_selection_back_to_open_after_extending_the_deadline(org, lead):
    past = timezone.now() - timedelta(days=1)
    network = NetworkFactory(
        organizer=org,
        status=Status.SELECTION,
        applications_open_at=past - timedelta(days=30),
        application_deadline=past,
    )
    with pytest.raises(services.NetworkStatusError):
        services.network_open_applications(actor=lead, network=network)
    services.network_update(actor=lead, network=network, application_deadline=timezone.now() + timedelta(days=7))
    network = services.network_open_applications(actor=lead, network=network)
    assert network.status == Status.OPEN and network.accepts_applications()


def test_status_change_refuses_others(org):
    network = NetworkFactory(organizer=org, status=Status.DRAFT)
    for actor in (staff(Role.NETWORK_LEAD), staff(Role.FINANCE, organizer=org), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.network_open_applications(actor=actor, network=network)


def test_co_organizer_lead_may_change_status(org):
    network = NetworkFactory(organizer=org, status=Status.DRAFT)
    other = OrganizerFactory()
    network.co_organizers.add(other)
    services.network_open_applications(actor=staff(Role.ADMINISTRATOR, organizer=other), network=network)
    network.refresh_from_db()
    assert network.status == Status.OPEN


def test_date_alone_means_2359_stockholm():
    field = StockholmDateTimeField(required=False)
    value = field.clean(["2017-04-28", ""])
    assert value == datetime(2017, 4, 28, 23, 59, tzinfo=STOCKHOLM)
    assert value.astimezone(ZoneInfo("UTC")).hour == 21  # summer time: UTC+2
    assert field.clean(["2017-01-10", "08:30"]) == datetime(2017, 1, 10, 8, 30, tzinfo=STOCKHOLM)
    assert field.clean(["", ""]) is None


@pytest.mark.parametrize("value", [["", "12:00"], ["2017-02-30", ""], ["2017-04-28", "24:00"], ["x\x00", ""]])
def test_date_time_field_bad_input(value):
    with pytest.raises(ValidationError):
        StockholmDateTimeField(required=False).clean(value)
