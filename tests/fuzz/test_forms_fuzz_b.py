"""Hostile and random data posted to the second half of the form views (see tests/fuzz/forms.py).

Never a 500, never a partial write. FUZZ_EXAMPLES examples per form (25 by default; `make fuzz` runs 1,000).
The forms are split over two files so that two test processes share the work (each file seeds the demo once).
"""

import pytest

from tests.fuzz.forms import FORMS
from tests.fuzz.fuzzing import fuzz_form, selected

NAMES = sorted(FORMS)
PART = NAMES[len(NAMES) // 2 :]

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db]


@pytest.mark.parametrize("name", selected(PART))
def test_form_survives_hostile_posts(name, fuzz_world):
    fuzz_form(name, fuzz_world)
