"""Keyboard only (WCAG 2.1.1, 2.4.1, 2.4.7): a representative fills in and submits the application form
with Tab, Shift+Tab, typing, Space and Enter: no clicks, no fill(). Where the focus is, is read from
the page (document.activeElement), never set."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from applications.models import Application
from networks.models import NetworkCommitment
from tests.factories import NetworkCommitmentFactory, NetworkFactory, representative

MAX_TABS = 80
FOCUSED = "() => { const e = document.activeElement; return e ? (e.id || e.getAttribute('name') || e.tagName) : null; }"
FOCUS_STYLE = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow,
          visible: r.width > 1 && r.height > 1, tag: e.tagName, cls: e.className};
}"""


def log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def focused(page) -> str | None:
    return page.evaluate(FOCUSED)


def tab_to(page, target: str, *, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the element with id ``target`` has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if focused(page) == target:
            return
    pytest.fail(f"{target} never got the focus with {key} (last: {focused(page)})")


def tab_to_submit(page) -> None:
    is_submit = "() => document.activeElement.name === 'action' && document.activeElement.value === 'submit'"
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(is_submit):
            return
    pytest.fail(f"the submit button never got the focus (last: {focused(page)})")


def assert_focus_visible(page) -> None:
    style = page.evaluate(FOCUS_STYLE)
    assert style["visible"], f"the focused element is not visible: {style}"
    assert style["outline"] != "none" and style["width"] >= 2, f"no visible focus indicator: {style}"


def type_into(page, target: str, text: str, *, replace: bool = False) -> None:
    tab_to(page, target)
    assert_focus_visible(page)
    if replace:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Delete")
    page.keyboard.type(text)


@pytest.fixture
def open_network():
    network = NetworkFactory(participants_min=1, participants_max=2, title="Tangentbordsnätverket")
    NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.OTHER, title="Vi deltar på alla träffar")
    return network


def test_skip_link_moves_the_focus_to_the_content(page, live_server):
    page.goto(reverse("account_login"))
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert focused(page) == "main"
    # The next Tab goes into the content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_representative_applies_with_the_keyboard_only(page, context, live_server, open_network, screenshot):
    rep = representative("0114", name="Tina Tangentbord")
    log_in(context, live_server, rep)
    page.goto(reverse("applications:apply", args=[open_network.slug]))
    commitment = open_network.commitments.get()

    type_into(page, "id_motivation", "Vi vill lära oss av andra kommuner.")
    screenshot(page, "focus-on-motivation")
    # Forward and back again: Shift+Tab returns to the field just left.
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "id_motivation"

    tab_to(page, f"id_c{commitment.pk}-confirmed")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    assert page.evaluate(f"() => document.getElementById('id_c{commitment.pk}-confirmed').checked")

    type_into(page, "id_participants-0-name", "Kim Kontakt")
    type_into(page, "id_participants-0-email", "kim.kontakt@upplandsvasby.example.se")
    type_into(page, "id_participants-0-title", "Controller")
    type_into(page, "id_invoice_orgnr", "212000-0142", replace=True)
    type_into(page, "id_invoice_email", "faktura@upplandsvasby.example.se", replace=True)
    type_into(page, "id_buyer_reference", "KS-2026-1", replace=True)

    tab_to_submit(page)
    assert_focus_visible(page)
    screenshot(page, "focus-on-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    application = Application.objects.get(network=open_network, municipality=rep.municipality)
    assert application.status == Application.Status.SUBMITTED, page.content()[:2000]
    assert page.url.endswith(reverse("applications:detail", args=[application.pk]))
    assert application.motivation == "Vi vill lära oss av andra kommuner."
    assert application.buyer_reference == "KS-2026-1"
    assert [p.name for p in application.participants.all()] == ["Kim Kontakt"]
    assert application.commitments.get().confirmed
