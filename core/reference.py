"""Reference data: the facts the app cannot run without (register, beat schedule).

Each app that owns reference data has ``reference_data.py`` with a ``load()``
function that is idempotent and returns a short summary. ``load_all()`` runs
them in INSTALLED_APPS order (lower layers first). The management command
``load_reference_data`` calls it, and so does the test session after the test
database is created and after every flush.
"""

from __future__ import annotations

from core.discovery import app_modules


def loaders():
    for config, module in app_modules("reference_data"):
        yield config.label, module.load


def load_all() -> dict[str, str]:
    return {label: load() for label, load in loaders()}
