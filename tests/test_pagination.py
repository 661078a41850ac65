"""List pages that can grow without bound show at most 50 rows a page, with accessible page links that keep the
filters (templates/_pagination.html)."""

import re

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from applications.models import Application
from billing.models import Invoice, InvoiceBatch
from municipalities.models import Municipality
from networks.models import Membership, Network
from tests.factories import (
    ApplicationFactory,
    BillingOrganizerFactory,
    InvoiceFactory,
    MembershipFactory,
    NetworkFactory,
    OrganizerFactory,
    UserFactory,
    staff,
)

pytestmark = pytest.mark.django_db
PAGE_SIZE = 50


def kommuner(count: int) -> list[Municipality]:
    return list(Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY).order_by("code")[:count])


def page_links(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="[^"]+">\s*<ul class="pagination.*?</nav>', html, re.S)
    assert nav, "no page navigation"
    return re.findall(r'href="([^"]+)"', nav.group(0))


def test_catalogue_shows_50_networks_a_page(client):
    organizer = OrganizerFactory()
    NetworkFactory.create_batch(PAGE_SIZE + 3, organizer=organizer)
    first = reverse("portal:catalogue")
    response = client.get(first)
    assert response.status_code == 200
    assert len(response.context["networks"]) == PAGE_SIZE
    html = response.content.decode()
    assert 'aria-current="page"' in html
    assert page_links(html) == ["?page=2"]
    second = client.get(first + "?page=2")
    assert len(second.context["networks"]) == 3
    assert page_links(second.content.decode()) == ["?page=1"]


def test_catalogue_bad_page_number_is_the_first_or_last_page(client):
    NetworkFactory.create_batch(3)
    for page in ("x", "0", "999", "-1"):
        response = client.get(reverse("portal:catalogue") + f"?page={page}")
        assert response.status_code == 200
        assert len(response.context["networks"]) == 3


def test_lead_application_list_pages_keep_the_filters(client):
    organizer = OrganizerFactory()
    lead = staff(organizer=organizer)
    network = NetworkFactory(organizer=organizer, capacity=200)
    for municipality in kommuner(PAGE_SIZE + 5):
        ApplicationFactory(network=network, municipality=municipality, status=Application.Status.SUBMITTED)
    client.force_login(lead)
    url = reverse("reviews:list", args=[network.slug])
    response = client.get(url + "?status=submitted&order=county")
    assert response.status_code == 200
    assert len(response.context["rows"]) == PAGE_SIZE
    html = response.content.decode()
    assert "55 applications" in html or "55 ansökningar" in html  # the count is of the whole list
    (link,) = page_links(html)
    assert "status=submitted" in link and "order=county" in link and "page=2" in link
    second = client.get(url + link.replace("&amp;", "&"))
    assert len(second.context["rows"]) == 5
    # The exports have every row of the filter, whatever the page.
    assert "page=" not in second.context["query"]


def test_lead_network_list_and_members_are_paginated(client):
    organizer = OrganizerFactory()
    lead = staff(organizer=organizer)
    NetworkFactory.create_batch(PAGE_SIZE + 1, organizer=organizer)
    network = Network.objects.filter(organizer=organizer).first()
    for municipality in kommuner(PAGE_SIZE + 2):
        MembershipFactory(network=network, municipality=municipality)
    client.force_login(lead)
    response = client.get(reverse("leads:network_list"))
    assert len(response.context["networks"]) == PAGE_SIZE
    assert page_links(response.content.decode()) == ["?page=2"]
    members = client.get(reverse("leads:members", args=[network.slug]))
    assert len(members.context["members"]) == PAGE_SIZE
    assert members.context["active"] == PAGE_SIZE + 2  # counted over every member
    last = client.get(reverse("leads:members", args=[network.slug]) + "?page=2")
    assert len(last.context["members"]) == 2


def test_finance_batch_list_and_batch_are_paginated(client):
    organizer = BillingOrganizerFactory()
    finance = staff(StaffRole.Role.FINANCE, organizer=organizer)
    network = NetworkFactory(organizer=organizer, capacity=200)
    batch = InvoiceBatch.objects.create(
        organizer=organizer, title="Underlag", due_on="2026-01-31", network=network, created_by=finance
    )
    for municipality in kommuner(PAGE_SIZE + 4):
        membership = MembershipFactory(network=network, municipality=municipality, status=Membership.Status.ACTIVE)
        InvoiceFactory(membership=membership, batch=batch, status=Invoice.Status.DRAFT)
    InvoiceBatch.objects.bulk_create(
        [
            InvoiceBatch(organizer=organizer, title=f"Underlag {n}", due_on="2026-01-31", created_by=finance)
            for n in range(PAGE_SIZE)
        ]
    )
    client.force_login(finance)
    response = client.get(reverse("batches:list"))
    assert len(response.context["batches"]) == PAGE_SIZE
    assert page_links(response.content.decode()) == ["?page=2"]
    detail = client.get(reverse("batches:detail", args=[batch.pk]))
    assert len(detail.context["invoices"]) == PAGE_SIZE
    assert detail.context["summary"]["overall"]["count"] == PAGE_SIZE + 4
    second = client.get(reverse("batches:detail", args=[batch.pk]) + "?page=2")
    assert len(second.context["invoices"]) == 4


def test_representatives_are_paginated(client):
    lead = staff(StaffRole.Role.NETWORK_LEAD)
    for municipality in kommuner(PAGE_SIZE + 1):
        UserFactory(municipality=municipality, municipality_link_source="granted")
    client.force_login(lead)
    response = client.get(reverse("accounts:representatives"))
    assert response.status_code == 200
    assert len(response.context["linked"]) == PAGE_SIZE
    assert page_links(response.content.decode()) == ["?page=2"]


def test_bare_view_for_the_benchmarks_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ping/")
    assert response.status_code == 200
    assert response.content == b"ok"
