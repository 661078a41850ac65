"""Cached pages (core.pagecache): every write retires them, nobody gets another's page, tokens stay right."""

import re
import threading

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from applications.models import Application
from core import pagecache
from networks.models import Network
from tests.factories import ApplicationFactory, NetworkFactory, OrganizerFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db
HIT = "X-Page-Cache"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def catalogue():
    return reverse("portal:catalogue")


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "networks_network" ("title") VALUES (%s)', "networks_network"),
        ('  update "applications_application" SET "status" = %s', "applications_application"),
        ('DELETE FROM "billing_invoice" WHERE "id" = %s', "billing_invoice"),
        ('TRUNCATE "a", "b" RESTART IDENTITY', "a"),
        ("TRUNCATE TABLE core_thing", "core_thing"),
        ('UPDATE "public"."networks_network" SET x = 1', "networks_network"),
        ('SELECT "id" FROM "networks_network"', None),
        ('SELECT 1 FROM "x" WHERE "update" = 1', None),
        ("SAVEPOINT s1", None),
        (b"INSERT INTO x", None),
    ],
)
def test_written_table_reads_the_table_of_writing_statements_only(sql, table):
    assert pagecache.written_table(sql) == table


def test_every_kind_of_write_through_django_changes_the_data_version():
    organizer = OrganizerFactory()

    def moves(action) -> bool:
        before = pagecache.data_version()
        action()
        return pagecache.data_version() != before

    network = NetworkFactory(organizer=organizer)
    assert moves(lambda: NetworkFactory(organizer=organizer))
    assert moves(lambda: Network.objects.filter(pk=network.pk).update(title="Nytt namn"))
    assert moves(lambda: Network.objects.bulk_create([Network(title="B", slug="b-bulk", organizer=organizer)]))
    assert moves(lambda: Network.objects.filter(slug="b-bulk").delete())

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE networks_network SET title = %s WHERE id = %s", ["Rått", network.pk])

    assert moves(raw_sql)
    assert not moves(lambda: list(Network.objects.all()))
    assert not moves(lambda: Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now()))


def test_inside_a_transaction_only_the_connection_itself_sees_the_new_version():
    """The test runs in a transaction: its writes change the local version, not the shared generation."""
    generation = pagecache.generation()
    before = pagecache.data_version()
    NetworkFactory()
    assert pagecache.data_version() != before
    assert pagecache.generation() == generation


def test_a_rolled_back_savepoint_takes_its_local_version_with_it():
    NetworkFactory()
    outer = pagecache.data_version()
    try:
        with transaction.atomic():
            NetworkFactory()
            inner = pagecache.data_version()
            raise RuntimeError
    except RuntimeError:
        pass
    after = pagecache.data_version()
    assert len({outer, inner, after}) == 3  # never a version that an earlier state had


@pytest.mark.django_db(transaction=True)
def test_autocommitted_writes_and_committed_transactions_move_the_shared_generation():
    organizer = OrganizerFactory()
    before = pagecache.generation()
    NetworkFactory(organizer=organizer)
    assert pagecache.generation() > before
    with transaction.atomic():
        NetworkFactory(organizer=organizer)
        NetworkFactory(organizer=organizer)
        inside = pagecache.generation()
        assert pagecache.data_version() != str(inside)
        # One hook per transaction, however many statements write.
        hooks = [c for _s, c, _r in connection.run_on_commit if isinstance(c, pagecache._CommitHook)]
        assert len(hooks) == 1
    assert pagecache.generation() == inside + 1
    assert pagecache.data_version() == str(inside + 1)
    with transaction.atomic():
        NetworkFactory(organizer=organizer)
        transaction.set_rollback(True)
    assert pagecache.generation() == inside + 1  # nothing was committed
    assert pagecache.data_version() == str(inside + 1)


@pytest.mark.django_db(transaction=True)
def test_a_write_in_another_thread_retires_the_pages_this_one_cached():
    network = NetworkFactory(title="Före")
    client = Client()
    client.get(catalogue())
    assert client.get(catalogue())[HIT] == "hit"

    def rename():
        Network.objects.filter(pk=network.pk).update(title="Efter")
        connection.close()

    worker = threading.Thread(target=rename)
    worker.start()
    worker.join()
    response = client.get(catalogue())
    assert HIT not in response
    assert "Efter" in response.content.decode()


def test_a_public_page_is_shared_by_anonymous_visitors_and_retired_by_a_change():
    network = NetworkFactory(title="Styrning i kommunen")
    first = Client().get(catalogue())
    assert HIT not in first
    second = Client().get(catalogue())
    assert second[HIT] == "hit"
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    Network.objects.filter(pk=network.pk).update(title="Styrning och ledning")
    third = Client().get(catalogue())
    assert HIT not in third
    assert "Styrning och ledning" in third.content.decode()


def test_a_signed_in_visitor_never_gets_a_page_rendered_for_someone_else():
    organizer = OrganizerFactory()
    network = NetworkFactory(organizer=organizer, status=Network.Status.SELECTION)
    ApplicationFactory(network=network, municipality=municipality("0114"), status=Application.Status.SUBMITTED)
    anna = staff(organizer=organizer, email="anna@example.se", name="Anna Ek")
    bo = staff(organizer=organizer, email="bo@example.se", name="Bo Lind")
    url = reverse("selection:workbench", kwargs={"slug": network.slug})
    anna_client, bo_client = Client(), Client()
    anna_client.force_login(anna)
    bo_client.force_login(bo)
    assert HIT not in anna_client.get(url)
    assert anna_client.get(url)[HIT] == "hit"
    bo_page = bo_client.get(url)
    assert HIT not in bo_page  # Bo's own rendering, not Anna's
    assert "bo@example.se" in bo_page.content.decode()  # the menu's "My account (e-mail)"
    assert "anna@example.se" not in bo_page.content.decode()
    # The public catalogue, signed in: the visitor's own page (their name in the menu), not the anonymous one.
    Client().get(catalogue())
    signed_in = anna_client.get(catalogue())
    assert HIT not in signed_in
    # Another login is another session, with pages of its own.
    again = Client()
    again.force_login(anna)
    assert HIT not in again.get(url)


def kept_workbench():
    """A lead, signed in, whose selection workbench is kept in the page cache: (lead, client, url)."""
    organizer = OrganizerFactory()
    network = NetworkFactory(organizer=organizer, status=Network.Status.SELECTION)
    lead = staff(organizer=organizer)
    client = Client()
    client.force_login(lead)
    url = reverse("selection:workbench", kwargs={"slug": network.slug})
    client.get(url)
    assert client.get(url)[HIT] == "hit"
    return lead, client, url


def test_a_lead_who_loses_the_role_is_refused_even_where_the_page_was_cached():
    lead, client, url = kept_workbench()
    StaffRole.objects.filter(user=lead).delete()
    assert client.get(url).status_code in (403, 404)


def test_a_deactivated_account_is_refused_even_where_the_page_was_cached():
    lead, client, url = kept_workbench()
    type(lead).objects.filter(pk=lead.pk).update(is_active=False)
    response = client.get(url)
    assert response.status_code == 302
    assert HIT not in response


def test_a_representative_never_gets_a_leads_page_kept_or_served():
    organizer = OrganizerFactory()
    network = NetworkFactory(organizer=organizer, status=Network.Status.SELECTION)
    lead, rep = staff(organizer=organizer), representative("0114")
    url = reverse("selection:workbench", kwargs={"slug": network.slug})
    lead_client, rep_client = Client(), Client()
    lead_client.force_login(lead)
    rep_client.force_login(rep)
    lead_client.get(url)
    assert lead_client.get(url)[HIT] == "hit"
    for _ in range(2):
        response = rep_client.get(url)
        assert response.status_code == 403
        assert HIT not in response
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert HIT not in anonymous


def test_starting_the_app_retires_the_pages_of_the_code_before():
    before = pagecache.generation()
    pagecache.install()
    assert pagecache.generation() == before + 1


def test_a_cached_form_carries_the_visitors_own_csrf_token_and_posts():
    network = NetworkFactory(title="Effektivare kommun")
    rep = representative("0114")
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    url = reverse("applications:apply", kwargs={"slug": network.slug})
    first = client.get(url)
    assert HIT not in first
    second = client.get(url)
    assert second[HIT] == "hit"
    tokens = TOKEN.findall(second.content.decode())
    assert tokens and all(len(token) == 64 for token in tokens)
    assert b"\x00" not in second.content
    response = client.post(url, {"csrfmiddlewaretoken": tokens[0], "action": "save"})
    assert response.status_code != 403  # the form's answer (errors or a redirect), not a CSRF refusal


def test_a_page_with_a_message_waiting_is_rendered_and_shows_it():
    organizer = OrganizerFactory()
    lead = staff(organizer=organizer, role=StaffRole.Role.NETWORK_LEAD)
    network = NetworkFactory(organizer=organizer)
    client = Client()
    client.force_login(lead)
    url = reverse("meetings:timetable", kwargs={"slug": network.slug})
    client.get(url)
    assert client.get(url)[HIT] == "hit"
    data = {"kind": "network", "title": "Startträff", "when": "2030-09", "audience": ["project_leader"]}
    data["mode"] = "physical"
    response = client.post(url, data, follow=True)
    assert response.redirect_chain
    assert HIT not in response
    page = response.content.decode()
    assert re.search(r'<div class="alert alert-success">[^<]*Startträff', page)
    # The message is shown once; the next view is a fresh render again, then kept.
    assert HIT not in client.get(url)
    assert client.get(url)[HIT] == "hit"


def test_only_get_200_html_is_kept(settings):
    client = Client()
    missing = "/natverk/finns-inte/"
    assert client.get(missing).status_code == 404
    assert HIT not in client.get(missing)
    lead = staff()
    client.force_login(lead)
    url = reverse("batches:list")
    assert client.get(url).status_code != 200
    assert HIT not in client.get(url)
    network = NetworkFactory()
    timetable = reverse("meetings:timetable", kwargs={"slug": network.slug})
    assert client.post(timetable, {"title": ""}).status_code != 500
    assert HIT not in client.post(timetable, {"title": ""})


def test_page_cache_seconds_zero_turns_it_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    NetworkFactory()
    Client().get(catalogue())
    assert HIT not in Client().get(catalogue())


def test_a_cached_page_costs_no_query():
    organizer = OrganizerFactory()
    network = NetworkFactory(organizer=organizer, status=Network.Status.SELECTION)
    for code in ("0114", "1440", "0764", "1984"):
        ApplicationFactory(network=network, municipality=municipality(code), status=Application.Status.SUBMITTED)
    client = Client()
    client.force_login(staff(organizer=organizer))
    url = reverse("selection:workbench", kwargs={"slug": network.slug})
    with CaptureQueriesContext(connection) as rendered:
        client.get(url)
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url)[HIT] == "hit"
    assert len(rendered.captured_queries) > 5
    # Neither the user nor the roles: the session (in the cache) and the page are all it takes.
    assert cached.captured_queries == []


def test_with_the_cache_down_pages_are_rendered_and_writes_go_on(settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "core.redis_cache.ReusingRedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    network = NetworkFactory(title="Utan cache")
    Network.objects.filter(pk=network.pk).update(title="Fortfarande utan cache")
    response = Client().get(catalogue())
    assert response.status_code == 200
    assert "Fortfarande utan cache" in response.content.decode()
    assert HIT not in response
    assert "page cache" in caplog.text
