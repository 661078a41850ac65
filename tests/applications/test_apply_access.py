"""Who may reach which application page: every view, every kind of user."""

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from applications.models import Application
from tests.applications.test_apply_flow import apply_url, eager_tasks, form_data, make_network  # noqa: F401 (a fixture)
from tests.factories import ApplicationFactory, UserFactory, representative, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
LEAD = StaffRole.Role.NETWORK_LEAD


@pytest.fixture
def application():
    network = make_network()
    application = ApplicationFactory(network=network, created_by=representative("0114"))
    application.versions.create(
        number=1, submitted_at="2021-04-01T10:00Z", submitted_by=application.created_by, data={"fields": {}}
    )
    return application


def read_urls(application):
    return [
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:version_diff", args=[application.pk]),
    ]


def test_anonymous_is_sent_to_login_everywhere(client, application):
    urls = [
        apply_url(application.network),
        reverse("applications:mine"),
        reverse("applications:withdraw", args=[application.pk]),
        reverse("applications:attachment", args=[application.pk, "token"]),
        *read_urls(application),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
    assert client.post(apply_url(application.network), {}).status_code == 302


def test_own_representative_reaches_every_page(client, application):
    client.force_login(representative("0114"))
    for url in [apply_url(application.network), reverse("applications:mine"), *read_urls(application)]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("applications:withdraw", args=[application.pk])).status_code == 200


def test_other_municipality_gets_404_by_every_url(client, application):
    client.force_login(representative("0180"))
    for url in [
        *read_urls(application),
        reverse("applications:withdraw", args=[application.pk]),
        reverse("applications:attachment", args=[application.pk, "token"]),
        f"{reverse('applications:detail', args=[application.pk])}?version=1",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("applications:withdraw", args=[application.pk])).status_code == 404
    # Their apply page is their own municipality's, never the other's.
    response = client.get(apply_url(application.network))
    assert response.status_code == 200 and response.context["application"] is None
    assert application.motivation not in response.content.decode()
    # Posting another municipality's application id does not touch it.
    client.post(apply_url(application.network), form_data(application.network, application, motivation="Kapat"))
    application.refresh_from_db()
    assert application.motivation != "Kapat"
    assert Application.objects.get(municipality__code="0180").motivation == "Kapat"  # their own, new one


def test_other_municipality_cannot_see_it_in_their_list(client, application):
    client.force_login(representative("0180"))
    assert list(client.get(reverse("applications:mine")).context["applications"]) == []


def test_lead_of_the_organiser_reads_but_cannot_apply_or_withdraw(client, application):
    client.force_login(staff(LEAD, organizer=application.network.organizer))
    for url in read_urls(application):
        assert client.get(url).status_code == 200, url
    assert client.get(apply_url(application.network)).status_code == 403
    assert client.post(apply_url(application.network), form_data(application.network)).status_code == 403
    assert client.post(reverse("applications:withdraw", args=[application.pk])).status_code == 403
    assert client.get(reverse("applications:mine")).status_code == 403


def test_lead_sees_submitted_versions_only(client):
    network = make_network()
    draft = ApplicationFactory(network=network)
    client.force_login(staff(LEAD, organizer=network.organizer))
    response = client.get(reverse("applications:detail", args=[draft.pk]))
    assert response.status_code == 200 and response.context["data"] is None
    assert draft.motivation not in response.content.decode()


def test_lead_of_another_organiser_gets_404(client, application):
    client.force_login(staff(LEAD))
    for url in [*read_urls(application), reverse("applications:attachment", args=[application.pk, "t"])]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [StaffRole.Role.FINANCE, StaffRole.Role.ADMINISTRATOR])
def test_other_staff_roles_of_another_organiser_get_404(client, application, role):
    client.force_login(staff(role))
    assert client.get(read_urls(application)[0]).status_code == 404


def test_user_without_role_gets_403(client, application):
    client.force_login(UserFactory())
    for url in [
        apply_url(application.network),
        reverse("applications:mine"),
        reverse("applications:withdraw", args=[application.pk]),
        reverse("applications:attachment", args=[application.pk, "token"]),
        *read_urls(application),
    ]:
        assert client.get(url).status_code == 403, url


def test_apply_to_unpublished_network_is_404(client):
    network = make_network(status="draft")
    client.force_login(representative("0114"))
    assert client.get(apply_url(network)).status_code == 404


def test_withdraw_requires_post(client, application):
    client.force_login(representative("0114"))
    assert client.put(reverse("applications:withdraw", args=[application.pk])).status_code == 405
