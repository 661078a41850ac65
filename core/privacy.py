"""The registry of personal data.

Each app lists, in its own ``privacy.py``, the models and fields that hold
personal data, why, and how long they are kept. Export, erasure and retention
purges read this registry, so a model that is not listed here is invisible to
them: listing it is part of adding it. The legal basis is the organiser's
public task and contract (GDPR art. 6.1 e and b), not consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class PersonalData:
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    purpose: str
    retention: str
    # Lookup from the model to the user it describes ("pk" for the user model
    # itself, "user" for a row owned by a user), or None when the rows describe
    # people without accounts (participants reached by personal links).
    subject_lookup: str | None = None

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)


_registry: dict[str, PersonalData] = {}


def register(*entries: PersonalData) -> None:
    for entry in entries:
        _registry[entry.model.lower()] = entry


def entries() -> list[PersonalData]:
    return sorted(_registry.values(), key=lambda entry: entry.model.lower())


def export_for_user(user) -> dict[str, list[dict]]:
    """Every registered personal datum about ``user``, keyed by model (a register extract)."""
    result: dict[str, list[dict]] = {}
    for entry in entries():
        if entry.subject_lookup is None:
            continue
        model = entry.get_model()
        rows = model._default_manager.filter(**{entry.subject_lookup: user.pk}).values("pk", *entry.fields)
        result[entry.model] = [{key: _plain(value) for key, value in row.items()} for row in rows]
    return result


def _plain(value):
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


register(
    PersonalData(
        model="core.SentEmail",
        fields=("recipient",),
        purpose="Proof that a receipt, reminder or invoice e-mail was sent, so it is never sent twice.",
        retention="As long as the occasion it records (application, meeting, invoice) is kept.",
    )
)
