"""Network model rules and who counts as a network's lead."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import StaffRole
from networks.models import Network
from networks.permissions import can_lead, networks_led_by, public_networks
from tests.factories import NetworkFactory, OrganizerFactory, UserFactory, municipality, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role


def test_network_accepts_applications_only_when_open_and_within_dates():
    now = timezone.now()
    network = NetworkFactory(applications_open_at=now - timedelta(days=1), application_deadline=now + timedelta(days=1))
    assert network.accepts_applications(now)
    assert not network.accepts_applications(now + timedelta(days=2))
    assert not network.accepts_applications(now - timedelta(days=2))
    network.status = Network.Status.DRAFT
    assert not network.accepts_applications(now)


def test_network_eligibility_by_kind():
    network = NetworkFactory(eligibility=Network.Eligibility.MUNICIPALITIES)
    assert network.accepts_municipality(municipality("0114"))
    assert not network.accepts_municipality(municipality("0001"))
    network.eligibility = Network.Eligibility.BOTH
    assert network.accepts_municipality(municipality("0001"))


def test_networks_led_by_covers_invoicing_and_co_organisers_only():
    skr, rka, ksl = OrganizerFactory(), OrganizerFactory(), OrganizerFactory()
    own = NetworkFactory(organizer=skr)
    co = NetworkFactory(organizer=ksl)
    co.co_organizers.add(rka)
    other = NetworkFactory(organizer=ksl)
    lead = staff(Role.NETWORK_LEAD, organizer=skr)
    co_lead = staff(Role.NETWORK_LEAD, organizer=rka)
    assert set(networks_led_by(lead)) == {own}
    assert set(networks_led_by(co_lead)) == {co}
    assert can_lead(co_lead, co) and not can_lead(co_lead, other)


def test_finance_and_representatives_lead_nothing():
    organizer = OrganizerFactory()
    network = NetworkFactory(organizer=organizer)
    finance = staff(Role.FINANCE, organizer=organizer)
    assert list(networks_led_by(finance)) == []
    assert not can_lead(finance, network)
    assert not can_lead(UserFactory(), network)


def test_superuser_leads_every_network():
    network = NetworkFactory()
    assert can_lead(UserFactory(is_superuser=True), network)


def test_public_networks_exclude_drafts_and_archived():
    shown = NetworkFactory(status=Network.Status.OPEN)
    NetworkFactory(status=Network.Status.DRAFT)
    NetworkFactory(status=Network.Status.ARCHIVED)
    assert list(public_networks()) == [shown]
