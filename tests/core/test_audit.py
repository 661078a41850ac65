import pytest
from django.urls import reverse

from core.audit import acting_as, current_actor
from networks.models import Organizer
from tests.factories import OrganizerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_acting_as_records_actor_in_history():
    user = UserFactory()
    with acting_as(user):
        organizer = OrganizerFactory()
        organizer.name = "Renamed"
        organizer.save()
    assert [h.history_user for h in organizer.history.all()] == [user, user]


def test_acting_as_none_records_system():
    organizer = OrganizerFactory()
    assert organizer.history.get().history_user is None


def test_acting_as_nests_and_restores():
    outer, inner = UserFactory(), UserFactory()
    with acting_as(outer):
        with acting_as(inner):
            assert current_actor() == inner
        assert current_actor() == outer
    assert current_actor() is None


def test_history_records_request_user_from_admin(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    organizer = OrganizerFactory(name="Before", short_name="B", slug="before")
    client.force_login(admin)
    url = reverse("admin:networks_organizer_change", args=[organizer.pk])
    response = client.post(url, {"name": "After", "short_name": "B", "slug": "before", "former_names": ""})
    assert response.status_code == 302, response.content
    organizer.refresh_from_db()
    assert organizer.name == "After"
    assert organizer.history.first().history_user == admin


def test_history_user_recorded_from_eager_task():
    from celery import shared_task

    @shared_task
    def rename(organizer_id, actor_id):
        from accounts.models import User

        with acting_as(User.objects.get(pk=actor_id)):
            Organizer.objects.filter(pk=organizer_id).first().save()

    user = UserFactory()
    organizer = OrganizerFactory()
    rename.apply(args=[organizer.pk, user.pk])
    assert organizer.history.first().history_user == user
