"""The authorization matrix: every URL of the project, requested by every kind of user.

The URL patterns come from the resolver (``tests/authz/matrix.py``), so a new view cannot escape:
``test_every_url_pattern_has_an_expectation`` fails until its URL name has a row in
``tests/authz/expectations.py``. Each URL is filled with objects of municipality A / network X /
organiser O1 (``tests/authz/world.py``, built once per module) and requested with GET by each actor;
one test per actor collects every mismatch into one message. Further tests: lists show only the
actor's own rows, objects of another organiser under X's address are 404, a POST by the wrong actor
changes nothing, the admin site is for ``is_staff`` users, and the staff MFA requirement.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.authz.expectations import ACTORS, EXPECTED, SCOPED_LISTS, SIGNED_LINK_URLS
from tests.authz.kwargs import url_kwargs
from tests.authz.matrix import outcome, url_for, url_patterns
from tests.authz.world import PDF_BYTES, build_world

pytestmark = pytest.mark.django_db


class _StandInDocument:
    pages = [None]

    def write_pdf(self, *args, **kwargs):
        return PDF_BYTES


def _stand_in_layout(self, *args, **kwargs):
    return _StandInDocument()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction that is rolled back at its end.

    Each test runs in a savepoint of it (pytest-django's atomic), so what a test changes is undone.
    Private files go to a temporary directory and PDFs are not laid out. Staff MFA is off: it is off in the
    test suite anyway (MFA_REQUIRED_FOR_STAFF defaults to ``not DEBUG`` and DEBUG is on there), and forced
    off here so that the matrix does not depend on the environment.
    """
    from django.apps import apps
    from django.core.files.storage import FileSystemStorage
    from django.db import transaction
    from django.db.models import FileField

    from core.storage import private_storage

    patch = pytest.MonkeyPatch()
    # Access is decided before a PDF is laid out: a stand-in for WeasyPrint's layout saves most of the time.
    patch.setattr("weasyprint.HTML.render", _stand_in_layout)
    storage = FileSystemStorage(location=tmp_path_factory.mktemp("private"), base_url=None)
    for model in apps.get_models():
        for model_field in model._meta.fields:
            if (
                isinstance(model_field, FileField)
                and getattr(model_field, "_storage_callable", None) is private_storage
            ):
                patch.setattr(model_field, "storage", storage)
    with django_db_blocker.unblock(), override_settings(MFA_REQUIRED_FOR_STAFF=False):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            patch.undo()


def client_for(world, actor: str) -> Client:
    # A view that crashes is a 500 among the mismatches, not the end of the actor's round.
    client = Client(raise_request_exception=False)
    user = world.users.get(actor)
    if user is not None:
        client.force_login(user)
    return client


def token_for(world, actor: str) -> str:
    """The personal link an actor holds: A's participant the real one, B's their own, others a tampered one."""
    if actor == "participant":
        return world.participant_token
    if actor == "participant_b":
        return world.other_participant_token
    return world.participant_token + "x"


def url_of(world, name: str, actor: str = "anonymous", **overrides) -> str:
    pattern = next(p for p in url_patterns() if p.name == name)
    kwargs = url_kwargs(name, pattern.keywords, world, token=token_for(world, actor))
    kwargs.update(overrides)
    return url_for(pattern, kwargs)


# --- Completeness ------------------------------------------------------------------------------------


def test_every_url_pattern_has_an_expectation():
    patterns = url_patterns()
    names = [p.name for p in patterns]
    unnamed = [p.route for p in patterns if not p.name]
    missing = sorted(f"{p.name}  ({p.route} -> {p.view})" for p in patterns if p.name not in EXPECTED)
    stale = sorted(set(EXPECTED) - set(names))
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    assert not missing, (
        "URL patterns without a row in tests/authz/expectations.py (say who may open them):\n  " + "\n  ".join(missing)
    )
    assert not stale, f"Rows in tests/authz/expectations.py for URL names that no longer exist: {stale}"
    assert len(patterns) > 150, "the resolver walk found suspiciously few URL patterns"


def test_the_matrix_skips_only_the_admin_and_the_language_switch():
    from django.urls import get_resolver

    from tests.authz.matrix import _walk

    everything = {p.route.lstrip("^").split("/")[0] for p in _walk(get_resolver())}
    covered = {p.route.lstrip("^").split("/")[0] for p in url_patterns()}
    assert everything - covered == {"admin", "i18n"}


def test_every_actor_has_an_expectation_on_every_page():
    for name, table in EXPECTED.items():
        wanted = set(ACTORS) if name in SIGNED_LINK_URLS else set(ACTORS) - {"participant", "participant_b"}
        assert set(table) == wanted, name


# --- The matrix --------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(world, actor):
    client = client_for(world, actor)
    mismatches = []
    for pattern in url_patterns():
        expected = EXPECTED.get(pattern.name, {}).get(actor)
        if expected is None:  # an unlisted URL (the completeness test says so) or a link actor elsewhere
            continue
        kwargs = url_kwargs(pattern.name, pattern.keywords, world, token=token_for(world, actor))
        url = url_for(pattern, kwargs)
        got = outcome(client.get(url))
        if got != expected:
            mismatches.append(f"{pattern.name:45} GET {url}: expected {expected}, got {got}")
    assert not mismatches, f"{actor}: {len(mismatches)} mismatches\n" + "\n".join(mismatches)


@pytest.mark.parametrize("name", sorted(SCOPED_LISTS))
def test_lists_show_only_the_actors_own_rows(world, name):
    owner, outsider, marker = SCOPED_LISTS[name]
    url = url_of(world, name)
    mine = client_for(world, owner).get(url)
    theirs = client_for(world, outsider).get(url)
    assert mine.status_code == theirs.status_code == 200
    assert marker in mine.content.decode(), f"{name}: the owner's list lacks {marker!r} (the check would be void)"
    assert marker not in theirs.content.decode(), f"{name}: {outsider} sees {marker!r} of {owner}"


# --- Another organiser's / municipality's object under one's own address -------------------------------

IDOR_CASES = [
    # (actor, url name, keyword overrides as world object names)
    ("lead_x", "leads:member_detail", {"pk": "membership_b"}),
    ("lead_x", "reviews:detail", {"pk": "application_b"}),
    ("lead_x", "meetings:meeting_edit", {"pk": "meeting_y"}),
    ("lead_x", "meetings:attendance", {"pk": "meeting_y"}),
    ("lead_x", "seminars:registrations", {"pk": "meeting_y"}),
    ("lead_x", "followup:member", {"pk": "membership_b"}),
    ("lead_x", "reports:attendance_pdf", {"pk": "meeting_y"}),
    ("lead_x", "outreach:message", {"pk": "meeting_y"}),
    ("lead_x", "leads:network_overview", {"slug": "Y"}),
    ("rep_a", "applications:detail", {"pk": "application_b"}),
    ("rep_a", "members:detail", {"pk": "membership_b"}),
    ("rep_a", "homework:member_list", {"membership_pk": "membership_b"}),
    ("lead_x", "followup:member", {"slug": "Y", "pk": "membership_b"}),
    ("admin_o1", "leads:network_overview", {"slug": "Y"}),
    ("admin_o1", "followup:member", {"slug": "Y", "pk": "membership_b"}),
    ("admin_o1", "audit:object", {"kind": "=network", "pk": "Y"}),
]


@pytest.mark.parametrize(("actor", "name", "overrides"), IDOR_CASES, ids=[f"{a}-{n}" for a, n, _o in IDOR_CASES])
def test_another_organisers_object_is_not_found(world, actor, name, overrides):
    values = {
        keyword: source[1:]
        if source.startswith("=")
        else getattr(world.objects[source], "slug" if keyword == "slug" else "pk")
        for keyword, source in overrides.items()
    }
    response = client_for(world, actor).get(url_of(world, name, actor, **values))
    assert response.status_code == 404


# --- Public files and forms leave the members' things out -----------------------------------------------


def test_the_public_ics_of_a_meeting_leaves_out_the_link_to_the_digital_meeting(world):
    from meetings.models import Meeting

    link = "https://meet.example.se/hemligt-mote"
    Meeting.objects.filter(pk=world.meeting.pk).update(mode=Meeting.Mode.HYBRID, link=link)
    public = Client().get(url_of(world, "calendar:meeting"))
    assert public.status_code == 200 and b"BEGIN:VEVENT" in public.content
    assert b"hemligt-mote" not in public.content.replace(b"\r\n ", b"")
    # The network's secret feed (for those the leads give it to) keeps it.
    feed = Client().get(url_of(world, "calendar:feed"))
    assert feed.status_code == 200 and b"hemligt-mote" in feed.content.replace(b"\r\n ", b"")


def test_only_a_public_seminar_takes_sign_ups(world):
    # X's network meeting (for steering groups and project leaders) is no seminar open to the public.
    response = Client().get(url_of(world, "seminars:register", uid=world.meeting.uid))
    assert response.status_code == 404


# --- A POST by the wrong actor changes nothing ------------------------------------------------------------


def _snapshot(world):
    from applications.models import Application, Review, WaitlistOffer
    from billing.models import Invoice, InvoiceBatch, Payment
    from meetings.models import FollowUpNote, HomeworkSubmission, Invitation
    from municipalities.models import EfficiencyModel, RegisterImport
    from networks.models import Membership, MembershipParticipant, Network

    return {
        "networks": list(Network.objects.order_by("pk").values_list("pk", "status")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "status", "left_on")),
        "participants": list(MembershipParticipant.objects.order_by("pk").values_list("pk", "name", "link_version")),
        "applications": list(Application.objects.order_by("pk").values_list("pk", "status", "decision")),
        "reviews": Review.objects.count(),
        "offers": list(WaitlistOffer.objects.order_by("pk").values_list("pk", "status")),
        "invitations": list(Invitation.objects.order_by("pk").values_list("pk", "response")),
        "notes": list(FollowUpNote.objects.order_by("pk").values_list("pk", flat=True)),
        "submissions": list(HomeworkSubmission.objects.order_by("pk").values_list("pk", "received_at")),
        "models": list(EfficiencyModel.objects.order_by("pk").values_list("pk", flat=True)),
        "imports": list(RegisterImport.objects.order_by("pk").values_list("pk", "status")),
        "invoices": list(Invoice.objects.order_by("pk").values_list("pk", "status", "batch_id")),
        "batches": list(InvoiceBatch.objects.order_by("pk").values_list("pk", "status")),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "invoice_id")),
    }


POST_CASES = [
    # (actor, url name, form data, expected status)
    ("anonymous", "leads:network_status", {"status": "closed"}, "login"),
    ("rep_a", "leads:network_status", {"status": "closed"}, "403"),
    ("lead_y", "leads:network_status", {"status": "closed"}, "404"),
    ("lead_y", "leads:member_leave", {"reason": "x", "left_on": "2026-01-01"}, "404"),
    ("finance_o1", "leads:member_leave", {"reason": "x", "left_on": "2026-01-01"}, "403"),
    ("lead_y", "reviews:score", {}, "404"),
    ("lead_y", "selection:decide", {"decision": "rejected", "reason": "x"}, "404"),
    ("lead_y", "selection:offer_withdraw", {}, "404"),
    ("lead_y", "followup:note_delete", {}, "404"),
    ("lead_y", "followup:revoke_links", {}, "404"),
    ("lead_y", "homework:lead_receive", {}, "404"),
    ("lead_y", "efficiency_models:delete", {}, "404"),
    ("lead_x", "municipalities:import_apply", {}, "403"),
    ("rep_b", "members:participants", {}, "404"),
    ("rep_b", "applications:withdraw", {}, "404"),
    ("lead_x", "applications:withdraw", {}, "403"),
    ("participant_b", "participant:respond", {"response": "no"}, "404"),
    ("anonymous", "participant:respond", {"response": "no"}, "404"),
    ("finance_o2", "batches:discard", {}, "404"),
    ("lead_x", "batches:discard", {}, "403"),
    ("finance_o2", "invoices:credit", {"reason": "x"}, "404"),
    ("finance_o2", "payments:assign", {"invoice": "1"}, "404"),
    ("rep_a", "payments:assign", {"invoice": "1"}, "403"),
]


@pytest.mark.parametrize(
    ("actor", "name", "data", "expected"), POST_CASES, ids=[f"{a}-{n}" for a, n, _d, _e in POST_CASES]
)
def test_a_post_by_the_wrong_actor_changes_nothing(world, actor, name, data, expected):
    if name == "payments:assign":
        data = {"invoice": str(world.invoice_issued.pk)}
    before = _snapshot(world)
    response = client_for(world, actor).post(url_of(world, name, actor), data)
    assert outcome(response) == expected
    assert _snapshot(world) == before


# --- The admin site ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["admin:index", "admin:networks_network_changelist", "admin:accounts_user_changelist"])
def test_the_admin_site_is_for_superusers(world, name):
    url = reverse(name)
    login = reverse("admin:login")
    for actor in ("anonymous", "rep_a", "lead_x", "finance_o1", "admin_o1"):
        response = client_for(world, actor).get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), (actor, name)
    assert client_for(world, "superuser").get(url).status_code == 200


# --- Two-factor authentication for staff --------------------------------------------------------------------


def test_staff_without_mfa_are_sent_to_set_it_up_when_it_is_required(world, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    setup = reverse("mfa_activate_totp")
    for actor in ("lead_x", "finance_o1", "admin_o1", "superuser"):
        response = client_for(world, actor).get(url_of(world, "leads:network_list"))
        assert response.status_code == 302 and response["Location"] == setup, actor
    # Representatives are not staff: no MFA required.
    assert client_for(world, "rep_a").get(url_of(world, "members:list")).status_code == 200
