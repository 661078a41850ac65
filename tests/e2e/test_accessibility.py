"""axe-core (WCAG 2.0/2.1 A and AA, serious and critical) on every public page and the main pages of each role.

The pages show the demo (``seed_demo``), seeded once for the module and committed. pytest-django's
``live_server`` would make every test transactional and flush the database after each one, so this
module runs its own live server and flushes once at its end (the session's post_migrate hook in
tests/conftest.py puts the reference data back). Users are logged in by a session made with the
test client, its cookie copied into the browser context: no login form per test. Each role has one
browser context for the module and each test a new page in it.

Roles: "representative" is a representative whose municipality has applied (a draft in the open
network, a submitted application in the one in selection); "member" one whose municipality is a member
of the running network; "lead", "finance", "administrator" and "superuser" are the demo's staff; the
participant's pages are reached anonymously through the signed personal link.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tests.e2e.a11y import assert_accessible, axe_violations

# The tests only read (the demo is committed by the module's fixture); the marker makes pytest-django
# set up the test database and wrap each test in a transaction of its own, rolled back.
pytestmark = pytest.mark.django_db

# (role, page): the role's session is used for the page; "anonymous" has none.
PAGES = [
    # Public pages.
    ("anonymous", "home"),
    ("anonymous", "catalogue"),
    ("anonymous", "invitation"),
    ("anonymous", "login"),
    ("anonymous", "signup"),
    ("anonymous", "password_reset"),
    ("anonymous", "accessibility_statement"),
    ("anonymous", "personal_data"),
    ("anonymous", "not_found"),
    # A municipality representative.
    ("representative", "my_applications"),
    ("representative", "apply"),
    ("representative", "application_detail"),
    ("representative", "my_municipality"),
    ("representative", "profile"),
    ("member", "memberships"),
    ("member", "membership_detail"),
    ("member", "efficiency"),
    ("member", "municipality_invoices"),
    ("member", "member_homework"),
    ("member", "my_meetings"),
    # A network lead.
    ("lead", "my_networks"),
    ("lead", "network_overview"),
    ("lead", "network_edit"),
    ("lead", "applications_list"),
    ("lead", "review"),
    ("lead", "selection_workbench"),
    ("lead", "timetable"),
    ("lead", "meeting_edit"),
    ("lead", "attendance"),
    ("lead", "members"),
    ("lead", "documents"),
    ("lead", "organisers"),
    ("lead", "selection_rules"),
    ("lead", "selection_report"),
    ("lead", "final_report"),
    ("lead", "follow_up"),
    ("lead", "member_follow_up"),
    ("lead", "evaluations"),
    ("lead", "homework"),
    ("lead", "fee_schedule"),
    ("lead", "contacts"),
    ("lead", "calendar_feeds"),
    ("lead", "network_create"),
    ("lead", "meeting_create"),
    # An administrator.
    ("administrator", "audit_history"),
    ("administrator", "representatives"),
    # The system administrator (superuser).
    ("superuser", "privacy_administration"),
    # Finance.
    ("finance", "fees_due"),
    ("finance", "batch_list"),
    ("finance", "batch_detail"),
    ("finance", "invoice_list"),
    ("finance", "invoice_detail"),
    ("finance", "payments"),
    # A participant through the personal link.
    ("anonymous", "participant_home"),
    ("anonymous", "participant_homework"),
]


@dataclass
class DemoSite:
    url: str
    browser: object
    urls: dict[str, tuple[str, int]] = field(default_factory=dict)  # page -> (path, expected status)
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key
    contexts: dict[str, object] = field(default_factory=dict)  # role -> browser context

    def new_page(self, role: str):
        """A new page in the role's browser context (one per role: its renderer keeps axe compiled)."""
        if role not in self.contexts:
            context = self.browser.new_context(
                base_url=self.url,
                locale="sv-SE",
                timezone_id="Europe/Stockholm",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(15_000)
            if role != "anonymous":
                cookie = {"name": settings.SESSION_COOKIE_NAME, "value": self.sessions[role], "url": self.url}
                context.add_cookies([cookie])
            self.contexts[role] = context
        return self.contexts[role].new_page()

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


def session_key(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def demo_urls() -> tuple[dict[str, tuple[str, int]], dict[str, object]]:
    """The pages' addresses in the seeded demo, and the user of each role."""
    from django.utils import timezone

    from accounts.models import User
    from applications.models import Application
    from billing.models import Invoice, InvoiceBatch
    from meetings.links import personal_token
    from meetings.models import Meeting
    from networks.models import Membership, MembershipParticipant, Network

    open_network = Network.objects.get(status=Network.Status.OPEN, slug__in=_demo_slugs())
    selection = Network.objects.get(status=Network.Status.SELECTION, slug__in=_demo_slugs())
    running = Network.objects.get(status=Network.Status.RUNNING, slug__in=_demo_slugs())
    finished = Network.objects.filter(status=Network.Status.FINISHED, slug__in=_demo_slugs()).first()

    # A representative whose municipality has a submitted application (in selection) and a draft (open).
    draft = Application.objects.filter(network=open_network, status=Application.Status.DRAFT).first()
    representative = User.objects.filter(municipality=draft.municipality, is_active=True).first()
    submitted = Application.objects.filter(network=selection, municipality=draft.municipality).first()
    membership = Membership.objects.filter(network=running, status=Membership.Status.ACTIVE).first()
    member = User.objects.filter(municipality=membership.municipality, is_active=True).first()
    reviewed = Application.objects.filter(network=selection, status=Application.Status.SUBMITTED).first()
    now = timezone.now()
    past_meeting = Meeting.objects.filter(network=running, starts_at__lt=now).order_by("-starts_at").first()
    batch = InvoiceBatch.objects.order_by("pk").first()
    invoice = Invoice.objects.order_by("pk").first()
    participant = MembershipParticipant.objects.filter(membership=membership).first()

    urls = {
        "home": reverse("portal:home"),
        "catalogue": reverse("portal:catalogue"),
        "invitation": reverse("portal:invitation", args=[open_network.slug]),
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "password_reset": reverse("account_reset_password"),
        "accessibility_statement": reverse("portal:accessibility"),
        "personal_data": reverse("privacy:information"),
        "my_applications": reverse("applications:mine"),
        "apply": reverse("applications:apply", args=[open_network.slug]),
        "application_detail": reverse("applications:detail", args=[submitted.pk]),
        "my_municipality": reverse("municipalities:mine"),
        "profile": reverse("accounts:profile"),
        "memberships": reverse("members:list"),
        "membership_detail": reverse("members:detail", args=[membership.pk]),
        "my_networks": reverse("leads:network_list"),
        "network_overview": reverse("leads:network_overview", args=[running.slug]),
        "network_edit": reverse("leads:network_edit", args=[open_network.slug]),
        "applications_list": reverse("reviews:list", args=[selection.slug]),
        "review": reverse("reviews:detail", args=[selection.slug, reviewed.pk]),
        "selection_workbench": reverse("selection:workbench", args=[selection.slug]),
        "timetable": reverse("meetings:timetable", args=[running.slug]),
        "meeting_edit": reverse("meetings:meeting_edit", args=[running.slug, past_meeting.pk]),
        "attendance": reverse("meetings:attendance", args=[running.slug, past_meeting.pk]),
        "members": reverse("leads:members", args=[running.slug]),
        "documents": reverse("reports:documents", args=[finished.slug]),
        "fees_due": reverse("fees:due"),
        "batch_list": reverse("batches:list"),
        "batch_detail": reverse("batches:detail", args=[batch.pk]),
        "invoice_list": reverse("invoices:list"),
        "invoice_detail": reverse("invoices:detail", args=[invoice.pk]),
        "payments": reverse("payments:overview"),
        "participant_home": reverse("participant:home", args=[personal_token(participant)]),
        "participant_homework": reverse("homework:participant_list", args=[personal_token(participant)]),
        "organisers": reverse("networks:organizer_list"),
        "efficiency": reverse("municipalities:efficiency", args=[membership.municipality.code]),
        "municipality_invoices": reverse("invoices:municipality_list"),
        "member_homework": reverse("homework:member_list", args=[membership.pk]),
        "my_meetings": reverse("outreach:my_meetings"),
        "selection_rules": reverse("selection:rules", args=[selection.slug]),
        "selection_report": reverse("selection:report", args=[selection.slug]),
        "final_report": reverse("reports:final_report", args=[finished.slug]),
        "follow_up": reverse("followup:network", args=[running.slug]),
        "member_follow_up": reverse("followup:member", args=[running.slug, membership.pk]),
        "evaluations": reverse("evaluations:network", args=[running.slug]),
        "homework": reverse("homework:lead_overview", args=[running.slug]),
        "fee_schedule": reverse("fees:schedule", args=[running.slug]),
        "contacts": reverse("reports:contacts", args=[running.slug]),
        "calendar_feeds": reverse("calendar:network_feeds", args=[running.slug]),
        "network_create": reverse("leads:network_create"),
        "meeting_create": reverse("meetings:meeting_create", args=[running.slug]),
        "audit_history": reverse("audit:list"),
        "privacy_administration": reverse("privacy:administration"),
        "representatives": reverse("accounts:representatives"),
    }
    pages = {name: (path, 200) for name, path in urls.items()}
    pages["not_found"] = ("/sidan-finns-inte/", 404)
    users = {
        "representative": representative,
        "member": member,
        "lead": User.objects.get(email="projektledare@example.se"),
        "finance": User.objects.get(email="ekonomi@example.se"),
        "administrator": User.objects.get(email="administrator@example.se"),
        "superuser": User.objects.get(email="system@example.se"),
    }
    return pages, users


def _demo_slugs() -> list[str]:
    from portal.demo_networks import demo_slugs

    return demo_slugs()


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, browser):
    from pytest_django.live_server_helper import LiveServer

    from tests import demo_database

    with django_db_blocker.unblock(), contextlib.ExitStack() as stack:
        if demo_database.supported():
            # A copy of the demo seeded once per process, dropped at the end (tests/demo_database.py).
            stack.enter_context(demo_database.demo_database())
        else:
            stack.callback(call_command, "flush", interactive=False, verbosity=0)
            with override_settings(DEBUG=True):
                call_command("seed_demo", stdout=io.StringIO())
        pages, users = demo_urls()
        server = LiveServer("localhost")
        site = DemoSite(url=server.url, browser=browser, urls=pages)
        try:
            site.sessions = {role: session_key(user) for role, user in users.items()}
            yield site
        finally:
            site.close()
            server.stop()


@pytest.mark.parametrize(("role", "name"), PAGES, ids=[f"{role}-{name}" for role, name in PAGES])
def test_page_has_no_serious_axe_violations(demo_site, role, name):
    path, status = demo_site.urls[name]
    page = demo_site.new_page(role)
    try:
        response = page.goto(path)
        assert response.status == status, f"{name}: {path} answered {response.status}"
        assert urlsplit(page.url).path == urlsplit(path).path, f"{name}: {path} went to {page.url}"
        assert_accessible(page, f"{name} ({path})")
    finally:
        page.close()


# Pages with wide tables, which scroll sideways on a phone: static/js/scroll-regions.js makes each scrolling
# table a focusable region named by its caption (WCAG 2.1.1, axe's scrollable-region-focusable).
NARROW_PAGES = [
    ("lead", "selection_workbench"),
    ("lead", "selection_report"),
    ("lead", "review"),
    ("lead", "member_follow_up"),
    ("lead", "evaluations"),
    ("finance", "invoice_detail"),
    ("finance", "fees_due"),
    ("finance", "batch_detail"),
]


@pytest.mark.parametrize(("role", "name"), NARROW_PAGES, ids=[f"{role}-{name}" for role, name in NARROW_PAGES])
def test_page_on_a_phone_has_no_serious_axe_violations(demo_site, role, name):
    path, status = demo_site.urls[name]
    page = demo_site.new_page(role)
    try:
        page.set_viewport_size({"width": 375, "height": 800})
        response = page.goto(path)
        assert response.status == status, f"{name}: {path} answered {response.status}"
        assert_accessible(page, f"{name} at 375 px ({path})")
    finally:
        page.close()


def test_axe_reports_serious_violations(browser):
    """The check itself: a page with a missing alternative text and grey-on-white text fails it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<!DOCTYPE html><html lang="sv"><head><title>Prov</title></head><body><main><h1>Prov</h1>'
            '<p><font color="#aaaaaa">Ljusgrå text på vitt</font></p><img src="data:image/png;base64,AA=="></main>'
            "</body></html>"
        )
        found = {violation["id"] for violation in axe_violations(page)}
        assert {"color-contrast", "image-alt"} <= found
        with pytest.raises(AssertionError, match="color-contrast"):
            assert_accessible(page, "prov")
    finally:
        context.close()
