from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from core import privacy
from tests.factories import UserFactory

PERSONAL_NAMES = {"email", "name", "phone", "first_name", "last_name"}
# Our own apps are the ones that live in this repository.
OUR_APPS = {config.label for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR}


def test_privacy_registry_fields_exist():
    for entry in privacy.entries():
        model = entry.get_model()
        names = {field.name for field in model._meta.get_fields()}
        assert set(entry.fields) <= names, entry


def test_privacy_registry_covers_models_with_personal_fields():
    """A new model with an e-mail, name or phone field must be listed in its app's privacy.py."""
    registered = {entry.model.lower() for entry in privacy.entries()}
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        if model._meta.label_lower in {"networks.organizer", "municipalities.municipality", "municipalities.county"}:
            continue  # places and legal persons: their names and addresses are not personal data
        personal = [
            f.name for f in model._meta.get_fields() if isinstance(f, models.EmailField) or f.name in PERSONAL_NAMES
        ]
        if personal and model._meta.label_lower not in registered:
            missing.append((model._meta.label, personal))
    assert missing == []


@pytest.mark.django_db
def test_privacy_export_for_user_contains_their_data():
    user = UserFactory(email="export@example.se", name="Export Person")
    extract = privacy.export_for_user(user)
    user_rows = extract["accounts.User"]
    assert user_rows == [{"pk": user.pk, **{f: getattr(user, f) for f in user_rows[0] if f != "pk"}}]
    assert user_rows[0]["email"] == "export@example.se"
