"""The accessibility statement (/tillganglighet/): public, with the sections DIGG asks for."""

import pytest
from django.urls import reverse

from portal.accessibility import DEFAULT_CONTACT_EMAIL, DIGG_REPORT_URL
from tests.factories import OrganizerFactory

pytestmark = pytest.mark.django_db

SECTIONS = (
    'id="how-accessible"',
    'id="alternatives"',
    'id="report"',
    'id="enforcement"',
    'id="technical"',
    'id="not-accessible"',
    'id="non-compliance"',
    'id="disproportionate-burden"',
    'id="out-of-scope"',
    'id="testing"',
)


def test_anonymous_reads_the_statement(client):
    OrganizerFactory(name="Sveriges Kommuner och Regioner")
    response = client.get(reverse("portal:accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    for section in SECTIONS:
        assert section in html, section
    assert "Sveriges Kommuner och Regioner" in html  # who stands behind the service
    assert "(2018:1937)" in html
    assert "WCAG" in html and "2.1" in html
    assert "PDF/UA" in html  # known shortcomings are named
    assert f'href="mailto:{DEFAULT_CONTACT_EMAIL}"' in html
    assert f'href="{DIGG_REPORT_URL}"' in html
    assert 'datetime="2026-' in html  # the dates of the assessment and the latest update


def test_the_contact_address_comes_from_the_settings(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "webb@kommunnatverk.example.se"
    html = client.get(reverse("portal:accessibility")).content.decode()
    assert 'href="mailto:webb@kommunnatverk.example.se"' in html
    assert DEFAULT_CONTACT_EMAIL not in html


def test_footer_links_to_the_statement(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:accessibility")}"' in html


def test_only_get(client):
    assert client.post(reverse("portal:accessibility")).status_code == 405
