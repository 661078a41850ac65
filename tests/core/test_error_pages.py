import pytest
from django.test import RequestFactory

from core import views

pytestmark = pytest.mark.django_db


def test_404_page_is_swedish(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_403_page_is_swedish(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/arrangorer/")
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.content.decode()


def test_500_page_is_swedish_and_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_400_page_is_swedish(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    response = views.bad_request(request)
    assert response.status_code == 400
    assert "Felaktig begäran" in response.content.decode()
