"""The selection's records in the admin: administrators read their own organisers' runs, offers and memberships."""

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from applications import decisions
from applications.models import SelectionRun, WaitlistOffer
from networks.models import Membership
from tests.applications.test_decisions import selection_network
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    lead = staff()
    network, _applications = selection_network(lead)
    decisions.selection_run(network=network, actor=lead)
    decisions.decisions_from_proposal(network=network, actor=lead)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decisions_publish(network=network, actor=lead)
        member = Membership.objects.filter(network=network).first()
        from applications.waitlist import member_leave

        member_leave(membership=member, actor=lead, reason="Test")
    return network


@pytest.mark.parametrize("model", ["selectionrun", "waitlistoffer"])
def test_administrators_read_their_organisers_records_only(client, published, model):
    admin_x = staff(StaffRole.Role.ADMINISTRATOR, organizer=published.organizer, is_staff=True)
    admin_y = staff(StaffRole.Role.ADMINISTRATOR, is_staff=True)
    record = (SelectionRun if model == "selectionrun" else WaitlistOffer).objects.get(network=published)
    changelist = reverse(f"admin:applications_{model}_changelist")
    change = reverse(f"admin:applications_{model}_change", args=[record.pk])
    client.force_login(admin_x)
    assert list(client.get(changelist).context["cl"].queryset) == [record]
    page = client.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(change, {}).status_code == 403
    client.force_login(admin_y)
    assert list(client.get(changelist).context["cl"].queryset) == []
    assert client.get(change).status_code in (302, 403, 404)


def test_memberships_in_the_admin_with_participants_and_history(client, published):
    member = Membership.objects.filter(network=published, status="left").first()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:networks_membership_change", args=[member.pk]))
    assert page.status_code == 200 and len(page.context["inline_admin_formsets"]) == 2
    assert client.get(reverse("admin:networks_membership_history", args=[member.pk])).status_code == 200
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=published.organizer, is_staff=True))
    assert client.get(reverse("admin:networks_membership_changelist")).status_code in (302, 403)
