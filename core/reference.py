"""Reference data: the facts the app cannot run without (register, beat schedule).

Each app that owns reference data has ``reference_data.py`` with a ``load()``
function that is idempotent and returns a short summary. ``load_all()`` runs
them in INSTALLED_APPS order (lower layers first). The management command
``load_reference_data`` calls it, and so does the test session after the test
database is created and after every flush.
"""

from __future__ import annotations

import importlib

from django.apps import apps


def loaders():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.reference_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.reference_data":
                raise
            continue
        yield config.label, module.load


def load_all() -> dict[str, str]:
    return {label: load() for label, load in loaders()}
