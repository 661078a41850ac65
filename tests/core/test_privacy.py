from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from core import privacy, retention
from tests.factories import UserFactory

PERSONAL_NAMES = {"email", "name", "phone", "first_name", "last_name", "buyer_reference", "payer"}
# Our own apps are the ones that live in this repository.
OUR_APPS = {config.label for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR}
# Places and legal persons: their names and addresses are not personal data.
NOT_PERSONAL = {"networks.organizer", "municipalities.county"}


def _our_models():
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS and not model.__name__.startswith("Historical"):
            yield model


def test_privacy_registry_fields_exist():
    for entry in privacy.entries():
        model = entry.get_model()
        names = {field.name for field in model._meta.get_fields()}
        assert set(entry.fields) <= names, entry
        assert set(entry.anonymise) <= names, entry
        assert set(entry.reference_fields) <= names, entry
        assert entry.subject_lookup is None or entry.subject_lookup == "pk" or entry.subject_lookup in names, entry
        for lookup in entry.email_lookups:
            assert lookup.split("__")[0] in names, entry


def test_privacy_registry_covers_models_with_personal_fields():
    """A new model with an e-mail, name or phone field must be listed in its app's privacy.py."""
    registered = {entry.model.lower() for entry in privacy.entries()}
    missing = []
    for model in _our_models():
        if model._meta.label_lower in NOT_PERSONAL:
            continue
        personal = [
            f.name for f in model._meta.get_fields() if isinstance(f, models.EmailField) or f.name in PERSONAL_NAMES
        ]
        if personal and model._meta.label_lower not in registered:
            missing.append((model._meta.label, personal))
    assert missing == []


def test_privacy_registry_covers_models_linked_to_a_user():
    """A model that records who did something (a foreign key to the user) must be listed too."""
    registered = {entry.model.lower() for entry in privacy.entries()}
    user_model = get_user_model()
    missing = [
        model._meta.label
        for model in _our_models()
        if model._meta.label_lower not in registered
        and any(f.is_relation and f.related_model is user_model for f in model._meta.concrete_fields)
    ]
    assert missing == []


def test_privacy_registry_fails_for_an_unregistered_personal_model(monkeypatch):
    """The coverage check itself: dropping a registered model makes it fail."""
    monkeypatch.delitem(privacy._registry, "networks.membershipparticipant")
    with pytest.raises(AssertionError):
        test_privacy_registry_covers_models_with_personal_fields()


def test_privacy_strategies_are_explained():
    for entry in privacy.entries():
        assert entry.purpose and entry.retention, entry
        if entry.erase == privacy.Erase.ANONYMISE:
            assert entry.anonymise, entry
        if entry.erase == privacy.Erase.KEEP:
            assert entry.keep_reason, f"{entry.model}: a kept model must say why"
        if entry.retention_rule:
            retention.get_rule(entry.retention_rule)


def test_privacy_history_tables_are_covered():
    """simple_history copies personal fields: every registered tracked model's history is searched too."""
    covered = {privacy.history_model(entry.get_model()) for entry in privacy.entries()} - {None}
    labels = {model._meta.label for model in covered}
    assert {"accounts.HistoricalUser", "networks.HistoricalMembershipParticipant"} <= labels
    assert "applications.HistoricalProposedParticipant" in labels


@pytest.mark.django_db
def test_privacy_export_for_user_contains_their_data():
    user = UserFactory(email="export@example.se", name="Export Person")
    extract = privacy.export_for_user(user)
    user_rows = extract["accounts.User"]
    assert user_rows[0]["pk"] == user.pk
    assert user_rows[0]["email"] == "export@example.se"
    assert user_rows[0]["name"] == "Export Person"


def test_person_key_is_opaque_and_stable():
    key = privacy.person_key("Anna@Example.se")
    assert key == privacy.person_key("anna@example.se")
    assert "anna" not in key and len(key) == 32
