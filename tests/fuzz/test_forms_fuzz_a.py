"""Hostile and random data posted to the first half of the form views (see tests/fuzz/forms.py).

Never a 500, never a partial write. FUZZ_EXAMPLES examples per form (25 by default; `make fuzz` runs 1,000).
The forms are split over two files so that two test processes share the work (each file seeds the demo once).
"""

import pytest

from tests.fuzz.forms import FORMS
from tests.fuzz.fuzzing import fuzz_form, selected

NAMES = sorted(FORMS)
PART = NAMES[: len(NAMES) // 2]

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db]


@pytest.mark.parametrize("name", selected(PART))
def test_form_survives_hostile_posts(name, fuzz_world):
    fuzz_form(name, fuzz_world)


def test_every_post_form_on_the_pages_posts_to_a_fuzzed_view(fuzz_world):
    """The run-time side of the table's completeness (the static side is in test_form_table.py): the forms on
    every page without URL arguments and on the pages of the fuzzed views, seen by each actor, post to
    views in the table."""
    from django.test import Client
    from django.urls import Resolver404, resolve

    from tests.fuzz.forms import NOT_FUZZED
    from tests.fuzz.fuzzing import form_url
    from tests.fuzz.harness import page_forms
    from tests.fuzz.test_form_table import url_patterns

    plain = sorted(
        "/" + route
        for route, _name, _callback in url_patterns()
        if "<" not in route and not any(ch in route for ch in "^$()[]?*+\\") and not route.startswith("i18n/")
    )
    pages_by_actor: dict[str, set[str]] = {actor: set(plain) for actor in fuzz_world.users}
    for name, case in FORMS.items():
        url = form_url(name, fuzz_world)
        while url.count("/") > 1:
            pages_by_actor[case.actor].add(url)
            url = url.rstrip("/").rsplit("/", 1)[0] + "/"
    unknown, seen = set(), set()
    for actor, pages in pages_by_actor.items():
        client = Client()
        if fuzz_world.users[actor] is not None:
            client.force_login(fuzz_world.users[actor])
        for page in sorted(pages):
            response = client.get(page)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            for form in page_forms(response.content.decode(), page):
                try:
                    view_name = resolve(form.action).view_name
                except Resolver404:
                    unknown.add((actor, page, form.action))
                    continue
                seen.add(view_name)
                if view_name not in FORMS and view_name not in NOT_FUZZED and not view_name.startswith("admin:"):
                    unknown.add((actor, page, view_name))
    assert unknown == set()
    assert len(seen) > 40
