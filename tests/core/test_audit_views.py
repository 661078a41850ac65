"""The audit history pages: who may see them, what they show, filters, hostile input, a constant number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from applications.models import Application
from billing.models import InvoiceBatch
from core.audit import acting_as
from networks.models import Network
from portal import audit_views
from tests.factories import (
    ApplicationFactory,
    FeeScheduleFactory,
    InvoiceFactory,
    NetworkFactory,
    OrganizerFactory,
    UserFactory,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")
Role = StaffRole.Role


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages in English, so that the assertions do not depend on the translations."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate("en")


@pytest.fixture
def o1():
    return OrganizerFactory(name="Organiser One")


@pytest.fixture
def o2():
    return OrganizerFactory(name="Organiser Two")


@pytest.fixture
def admin1(o1):
    return staff(Role.ADMINISTRATOR, o1, name="Astrid Admin", email="astrid@example.se")


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True, name="Sam Super", email="sam@example.se")


@pytest.fixture
def world(o1, o2, admin1):
    """Changes at two organisers: a network of each, renamed; an application decided; a fee schedule; an
    invoice; a batch."""
    other = UserFactory(name="Olle Other", email="olle@example.se")
    with acting_as(admin1):
        n1 = NetworkFactory(organizer=o1, title="Kvalitet i skolan")
        n1.title = "Kvalitet i förskolan"
        n1.capacity = 12
        n1.save()
        application = ApplicationFactory(network=n1)
        application.decision = Application.Decision.ACCEPTED
        application.decision_reason = "Uppfyller kraven"
        application.save()
        FeeScheduleFactory(network=n1)
    with acting_as(other):
        n2 = NetworkFactory(organizer=o2, title="Hemlig nätverk")
        n2.title = "Hemligt nätverk"
        n2.save()
    invoice = InvoiceFactory(membership__network__organizer=o1)
    batch = InvoiceBatch.objects.create(
        organizer=o1, title="Höstens fakturor", due_on=dt.date(2026, 12, 31), created_by=admin1
    )
    return {"n1": n1, "n2": n2, "application": application, "invoice": invoice, "batch": batch, "other": other}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Who may see it ----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, world):
    for url in (LIST, reverse("audit:object", args=["network", world["n1"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", [Role.NETWORK_LEAD, Role.FINANCE])
def test_leads_and_finance_are_refused(client, world, o1, role):
    client.force_login(staff(role, o1))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("audit:object", args=["network", world["n1"].pk])).status_code == 403


def test_a_representative_is_refused(client, world):
    client.force_login(representative())
    assert client.get(LIST).status_code == 403


def test_an_organisers_administrator_sees_that_organisers_changes_only(client, world, admin1):
    client.force_login(admin1)
    response = client.get(LIST)
    assert response.status_code == 200
    text = text_of(response)
    assert "Kvalitet i förskolan" in text
    assert "Höstens fakturor" in text
    assert "Hemligt nätverk" not in text and "Hemlig nätverk" not in text
    assert "Olle Other" not in text
    kinds = {entry.kind.key for entry in response.context["entries"]}
    assert {"network", "application", "fee-schedule", "invoice", "invoice-batch"} <= kinds
    # User accounts and the register are the system administrator's.
    assert "user" not in kinds and "municipality" not in kinds
    choices = dict(response.context["form"].fields["kind"].choices)
    assert "user" not in choices and "network" in choices


def test_an_organisers_administrator_cannot_open_another_organisers_object(client, world, admin1):
    client.force_login(admin1)
    assert client.get(reverse("audit:object", args=["network", world["n2"].pk])).status_code == 404
    assert client.get(reverse("audit:object", args=["network", world["n1"].pk])).status_code == 200
    assert client.get(reverse("audit:object", args=["user", admin1.pk])).status_code == 404
    # Filtering for the other organiser's object shows nothing either.
    response = client.get(LIST, {"kind": "network", "object": world["n2"].pk})
    assert response.status_code == 200 and response.context["entries"] == []


def test_a_superuser_sees_everything(client, world, superuser):
    client.force_login(superuser)
    response = client.get(LIST)
    text = text_of(response)
    assert "Kvalitet i förskolan" in text and "Hemligt nätverk" in text
    assert client.get(reverse("audit:object", args=["network", world["n2"].pk])).status_code == 200
    assert client.get(reverse("audit:object", args=["user", world["other"].pk])).status_code == 200


def test_the_navigation_shows_history_to_administrators_only(client, world, admin1, o1):
    client.force_login(admin1)
    assert f'href="{LIST}"' in client.get(reverse("portal:home")).content.decode()
    client.force_login(staff(Role.NETWORK_LEAD, o1))
    assert f'href="{LIST}"' not in client.get(reverse("portal:home")).content.decode()


# --- What it shows ------------------------------------------------------------------------------------------------


def entries_for(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response, response.context["entries"]


def test_a_change_shows_who_when_and_the_changed_fields_with_labels(client, world, admin1):
    client.force_login(admin1)
    response, entries = entries_for(client, kind="network", object=world["n1"].pk)
    changed = [entry for entry in entries if entry.record.history_type == "~"]
    assert len(changed) == 1
    entry = changed[0]
    assert entry.who == "Astrid Admin (astrid@example.se)"
    labels = {change.label: (change.old_text, change.new_text) for change in entry.changes}
    assert labels["Title"] == ("Kvalitet i skolan", "Kvalitet i förskolan")
    assert labels["Places"] == ("10", "12")
    text = text_of(response)
    assert "Kvalitet i skolan" in text and "Kvalitet i förskolan" in text and "Changed" in text
    # The time is Swedish time.
    local = timezone.localtime(entry.record.history_date, audit_views.STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S")
    assert local in response.content.decode()


def test_a_creation_shows_the_values_it_was_created_with(client, world, admin1):
    client.force_login(admin1)
    _response, entries = entries_for(client, kind="network", object=world["n1"].pk, action="+")
    assert len(entries) == 1
    values = {change.label: change.new_text for change in entries[0].changes}
    assert values["Title"] == "Kvalitet i skolan"
    assert "ID" not in values and "Id" not in values
    assert values["Invoicing organiser"] == "Organiser One"  # a foreign key shown by name
    assert values["Status"] == "Open for applications"  # a choice shown by its label


def test_a_decision_shows_readably(client, world, admin1):
    client.force_login(admin1)
    _response, entries = entries_for(client, kind="application", action="~")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.label == f"Upplands Väsby – {world['n1'].title}"
    values = {change.label: (change.old_text, change.new_text) for change in entry.changes}
    assert values["Decision"] == ("–", "Accepted")
    assert values["Reason for the decision"] == ("–", "Uppfyller kraven")


def test_changes_without_a_user_are_by_the_system(client, world, superuser):
    client.force_login(superuser)
    _response, entries = entries_for(client, kind="invoice")
    assert entries and all(entry.who == "system" for entry in entries)


def test_a_deletion_is_listed(client, world, superuser):
    network = NetworkFactory(organizer=world["n1"].organizer, title="Kortlivat nätverk")
    pk = network.pk
    network.delete()
    client.force_login(superuser)
    _response, entries = entries_for(client, kind="network", object=pk)
    assert [entry.record.history_type for entry in entries] == ["-", "+"]
    assert entries[0].changes == []
    assert entries[0].label == "Kortlivat nätverk"
    response = client.get(reverse("audit:object", args=["network", pk]))
    assert response.status_code == 200
    assert "Kortlivat nätverk" in text_of(response)


def test_the_object_page_lists_every_change_of_the_object_newest_first(client, world, admin1):
    client.force_login(admin1)
    response = client.get(reverse("audit:object", args=["network", world["n1"].pk]))
    entries = response.context["entries"]
    assert [entry.record.history_type for entry in entries] == ["~", "+"]
    assert {entry.object_id for entry in entries} == {world["n1"].pk}
    assert "Kvalitet i förskolan" in text_of(response)


# --- Filters -----------------------------------------------------------------------------------------------------


def test_filter_by_kind(client, world, superuser):
    client.force_login(superuser)
    _response, entries = entries_for(client, kind="invoice-batch")
    assert [entry.label for entry in entries] == ["Höstens fakturor"]


def test_filter_by_user_and_system(client, world, superuser):
    client.force_login(superuser)
    _response, entries = entries_for(client, user="olle@")
    assert entries and {entry.who for entry in entries} == {"Olle Other (olle@example.se)"}
    _response, entries = entries_for(client, user="Astrid")
    assert entries and {entry.who for entry in entries} == {"Astrid Admin (astrid@example.se)"}
    _response, entries = entries_for(client, user="system")
    assert entries and {entry.who for entry in entries} == {"system"}


def test_filter_by_dates_in_swedish_time(client, world, superuser):
    client.force_login(superuser)
    Network.history.filter(id=world["n2"].pk).update(
        history_date=dt.datetime(2020, 3, 1, 23, 30, tzinfo=dt.UTC)  # 2 March 00:30 in Stockholm
    )
    _response, entries = entries_for(client, kind="network", date_from="2020-03-02", date_to="2020-03-02")
    assert {entry.object_id for entry in entries} == {world["n2"].pk}
    _response, entries = entries_for(client, kind="network", date_from="2020-03-01", date_to="2020-03-01")
    assert entries == []
    response, entries = entries_for(client, date_from="2020-03-03", date_to="2020-03-01")
    assert response.context["form"].errors["date_to"]


def test_object_without_kind_is_an_error_not_a_crash(client, world, superuser):
    client.force_login(superuser)
    response, entries = entries_for(client, object=world["n1"].pk)
    assert response.context["form"].errors["object"]
    assert entries  # the other filters (none) still apply


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-5"},
        {"page": "99999999999999999999999999"},
        {"page": "1e9"},
        {"kind": "'; DROP TABLE networks_network; --"},
        {"kind": "network", "object": "1 OR 1=1"},
        {"kind": "network", "object": "99999999999999999999999999"},
        {"kind": "network", "object": "-1"},
        {"user": "' OR '1'='1"},
        {"user": "%_\\"},
        {"user": "x" * 5000},
        {"action": "DELETE"},
        {"date_from": "2020-13-45"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"date_from": "1999-12-31", "date_to": "3000-01-01"},
        {"date_to": "'; SELECT pg_sleep(10); --"},
        {"kind": ["network", "invoice"]},
    ],
)
def test_hostile_query_strings_never_crash(client, world, superuser, params):
    client.force_login(superuser)
    response = client.get(LIST, params)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["network/99999999999999999999999/", "no-such-kind/1/", "network/abc/"])
def test_hostile_object_addresses_are_not_found(client, world, superuser, path):
    client.force_login(superuser)
    assert client.get(LIST + path).status_code == 404


def test_a_page_beyond_the_end_is_empty_and_says_so(client, world, superuser):
    client.force_login(superuser)
    response = client.get(LIST, {"page": "999999"})
    assert response.status_code == 200
    assert response.context["page"] == audit_views.MAX_PAGE
    assert response.context["entries"] == []


# --- Pagination and queries ------------------------------------------------------------------------------------


def make_changes(organizer, user, count):
    with acting_as(user):
        for n in range(count):
            network = NetworkFactory(organizer=organizer, title=f"Nätverk {n}")
            network.capacity = 20
            network.save()
            application = ApplicationFactory(network=network)
            application.decision = Application.Decision.WAITLIST
            application.waitlist_rank = 1
            application.save()


def test_pages_of_fifty_newest_first(client, o1, admin1):
    make_changes(o1, admin1, 30)  # 60 network records
    client.force_login(admin1)
    first = client.get(LIST, {"kind": "network"})
    entries = first.context["entries"]
    assert len(entries) == 50
    dates = [entry.record.history_date for entry in entries]
    assert dates == sorted(dates, reverse=True)
    assert first.context["next_page"] == 2 and first.context["previous_page"] is None
    assert "kind=network&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"kind": "network", "page": 2})
    assert len(second.context["entries"]) == 10
    assert second.context["next_page"] is None
    seen = {entry.record.history_id for entry in entries} | {
        entry.record.history_id for entry in second.context["entries"]
    }
    assert len(seen) == 60


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_history(client, o1, admin1, superuser):
    """A page costs a fixed number of queries plus one per kind of object on it (and per kind of related
    object named), however long the history is."""
    make_changes(o1, admin1, 3)
    client.force_login(admin1)
    network_pk = Network.objects.first().pk
    small = count_queries(client, LIST)
    small_networks = count_queries(client, LIST, {"kind": "network"})
    small_object = count_queries(client, reverse("audit:object", args=["network", network_pk]))
    make_changes(o1, admin1, 40)  # 160 records more, past a page
    large = count_queries(client, LIST)
    large_networks = count_queries(client, LIST, {"kind": "network"})
    large_object = count_queries(client, reverse("audit:object", args=["network", network_pk]))
    assert large_networks == small_networks
    assert large_object == small_object
    # Fewer kinds on the first page now (only networks and applications), so no more queries than before.
    assert large <= small <= 20
    client.force_login(superuser)
    assert count_queries(client, LIST) <= 25


@pytest.mark.parametrize("kind", audit_views.KINDS, ids=lambda kind: kind.key)
def test_every_kinds_label_and_scope_compile_and_run(kind, o1):
    scope = audit_views.Scope(audit_views.KINDS, frozenset({o1.pk}))
    records = scope.queryset(kind) if kind.organizer_path else kind.history_model.objects.all()
    expression = kind.label_expression()
    if expression is not None:
        records = records.annotate(audit_label=expression)
    list(records[:1])
    assert kind.verbose_name
    assert audit_views._diffable_fields(kind)


def test_every_model_with_history_is_a_kind():
    from django.apps import apps

    with_history = {
        model._meta.label
        for model in apps.get_models()
        if hasattr(model, "history")
        and not model._meta.label.startswith("simple_history")
        and not model.__name__.startswith("Historical")
    }
    assert with_history == {kind.model_label for kind in audit_views.KINDS}
