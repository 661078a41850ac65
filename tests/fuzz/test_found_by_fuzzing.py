"""What the form fuzzing found, pinned down as plain tests."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import StaffRole
from applications.models import ApplicationCommitment
from networks.models import NetworkCommitment
from tests.factories import ApplicationFactory, NetworkCommitmentFactory, staff
from tests.fuzz.harness import page_forms

pytestmark = [pytest.mark.django_db]


def test_removing_a_commitment_that_applications_refer_to_is_refused_not_a_500(client):
    """leads:network_edit raised ProtectedError (a 500) when a commitment that an application answered was
    ticked for removal; now the form says why and nothing is saved."""
    commitment = NetworkCommitmentFactory()
    network = commitment.network
    ApplicationCommitment.objects.create(application=ApplicationFactory(network=network), commitment=commitment)
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer))
    url = reverse("leads:network_edit", args=[network.slug])
    (form,) = [f for f in page_forms(client.get(url).content.decode(), url) if f.action == url]
    data = {name: (f.defaults if f.multiple else f.defaults[:1]) for name, f in form.fields.items() if f.defaults}
    data["title"] = ["Nytt namn"]
    prefix = next(name for name, f in form.fields.items() if f.defaults == [str(commitment.pk)]).removesuffix("-id")
    data[f"{prefix}-DELETE"] = ["on"]

    response = client.post(url, data)

    assert response.status_code == 200
    refused = gettext(
        "A part of the invitation that applications or memberships refer to cannot be removed. Change its text instead."
    )
    assert refused in str(response.context["form"].non_field_errors())
    assert NetworkCommitment.objects.filter(pk=commitment.pk).exists()
    network.refresh_from_db()
    assert network.title != "Nytt namn"
