"""The registry of personal data, and the export and erasure of one person's data.

Each app lists, in its own ``privacy.py``, the models and fields that hold
personal data, why, how long they are kept, and what happens to them when a
person is erased. Export, erasure and retention purges (core.retention) read
this registry, so a model that is not listed here is invisible to them: listing
it is part of adding it (tests/core/test_privacy.py fails for a model with an
e-mail, name or phone field, or a link to a user, that is not listed). The
legal basis is the organiser's public task and contract (GDPR art. 6.1 e and
b), not consent.

A person is found by e-mail address: a user account, or the rows about people
without accounts (participants, seminar sign-ups) that carry that address. For
each registered model a person's rows are found four ways:

* own rows: ``subject_lookup`` (the user) or ``email_lookups`` (the address) match.
  The whole row is about the person; the entry's ``erase`` strategy applies.
* links: any other foreign key to the user (``created_by``, ``decided_by`` ...).
  The row is about something else; it stays and points at the anonymised user.
* references: ``reference_fields`` (a buyer reference, an invoice address) equal
  the person's e-mail address or name; the field is anonymised, the row stays.
* mentions: any other text of the model holds the address or full name; the
  words are replaced, the row stays.

django-simple-history copies every tracked model's fields into its historical
table: those tables are searched, exported and anonymised the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import retention

logger = logging.getLogger(__name__)

ERASED_NAME = "Borttagen person"
ERASED_DOMAIN = "invalid.example.se"
ERASED_REASON = "Personal data erased"
LINK_REASON = _(
    "The record is about something else (an application, a meeting, an invoice); it stays and names "
    "the anonymised account."
)


class Erase(StrEnum):
    DELETE = "delete"  # the rows go
    ANONYMISE = "anonymise"  # the rows stay, the ``anonymise`` fields are replaced
    KEEP = "keep"  # the rows stay as they are (a legal obligation); references and mentions are still replaced


@dataclass(frozen=True)
class PersonalData:
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    purpose: str
    retention: str
    # Lookup from the model to the user whose own row it is ("pk" for the user model itself, "user" for a row
    # owned by a user), or None when the rows describe people without accounts (see email_lookups).
    subject_lookup: str | None = None
    kind: str = ""  # heading the entry is grouped under (defaults to the app's name)
    # Lookups compared (case-insensitively) with the person's e-mail address to find their own rows,
    # e.g. ("email",) or ("participant__email",).
    email_lookups: tuple[str, ...] = ()
    # Fields that may name or address the person on a row about something else (an invoice's buyer reference):
    # matched when equal to the person's e-mail address or name, replaced on erasure.
    reference_fields: tuple[str, ...] = ()
    # Links to the user that are not the subject (created_by, decided_by ...); None: every foreign key to the
    # user model other than subject_lookup.
    user_links: tuple[str, ...] | None = None
    erase: Erase = Erase.KEEP
    anonymise: tuple[str, ...] = ()  # fields replaced on the person's own rows when erase is ANONYMISE
    keep_reason: str = ""  # why the rows are kept (the law that requires it)
    retention_rule: str = ""  # key in settings.RETENTION of the purge that applies (core.retention)
    # Called with the queryset of own rows after they were anonymised (e.g. to revoke personal links).
    after_anonymise: Callable | None = field(default=None, compare=False)

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def get_history_model(self) -> type[models.Model] | None:
        return history_model(self.get_model())

    @property
    def kind_label(self) -> str:
        return self.kind or apps.get_app_config(self.model.split(".")[0]).verbose_name

    def links(self) -> tuple[str, ...]:
        if self.user_links is not None:
            return self.user_links
        user_model = get_user_model()
        return tuple(
            f.name
            for f in self.get_model()._meta.concrete_fields
            if f.is_relation and f.related_model is user_model and f.name != self.subject_lookup
        )


_registry: dict[str, PersonalData] = {}
# Called by erase() with (person, own rows per model label: (pks, history condition), result) before any row
# changes: for what the registry cannot express (e.g. generated documents that list the person).
_erase_hooks: list[Callable] = []


def on_erase(function: Callable) -> Callable:
    if function not in _erase_hooks:
        _erase_hooks.append(function)
    return function


def register(*entries: PersonalData) -> None:
    for entry in entries:
        _registry[entry.model.lower()] = entry


def entries() -> list[PersonalData]:
    return sorted(_registry.values(), key=lambda entry: entry.model.lower())


def get_entry(label: str) -> PersonalData | None:
    return _registry.get(label.lower())


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    attr = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attr).model if attr else None


def export_for_user(user) -> dict[str, list[dict]]:
    """Every registered datum on the user's own rows, keyed by model (the short register extract)."""
    result: dict[str, list[dict]] = {}
    for entry in entries():
        if entry.subject_lookup is None:
            continue
        model = entry.get_model()
        rows = model._default_manager.filter(**{entry.subject_lookup: user.pk}).values("pk", *entry.fields)
        result[entry.model] = [{key: _plain(value) for key, value in row.items()} for row in rows]
    return result


def _plain(value):
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --- Finding a person ---------------------------------------------------------------------------------------


@dataclass
class Person:
    """One person: the e-mail addresses, user account and names found for them."""

    emails: set[str]
    user: models.Model | None = None
    names: set[str] = field(default_factory=set)
    primary: str = ""  # the address the person was found by (their key)

    @property
    def email(self) -> str:
        return self.primary or (sorted(self.emails)[0] if self.emails else "")

    @property
    def key(self) -> str:
        return person_key(self.email)

    @property
    def display_name(self) -> str:
        return sorted(self.names)[0] if self.names else ""

    def full_names(self) -> set[str]:
        """Names safe to replace in free text: a first and last name, not a lone first name."""
        return {name for name in self.names if len(name) >= 5 and " " in name.strip()}


def person_key(email: str) -> str:
    """An opaque key for a person's pages, so their address is not in URLs and access logs."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"privacy-person:" + email.lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _email_sources() -> Iterable[tuple[type[models.Model], str, str | None]]:
    """(model, e-mail field, name field or None) for every table where a person's own address is held."""
    for entry in entries():
        model = entry.get_model()
        email_fields = list(entry.email_lookups)
        if entry.model.lower() == get_user_model()._meta.label_lower:
            email_fields.append(get_user_model().get_email_field_name())
        for lookup in email_fields:
            if "__" in lookup:
                continue
            names = {f.name for f in model._meta.concrete_fields}
            name_field = "name" if "name" in names else None
            yield model, lookup, name_field
            historical = history_model(model)
            if historical is not None:
                yield historical, lookup, name_field


SEARCH_MAX = 200


def search(query: str, limit: int = 50) -> list[Person]:
    """People whose e-mail address or name contains ``query`` (at least two characters)."""
    query = query.strip()[:SEARCH_MAX]
    if len(query) < 2:
        return []
    found: dict[str, Person] = {}
    for model, email_field, name_field in _email_sources():
        condition = Q(**{f"{email_field}__icontains": query})
        if name_field:
            condition |= Q(**{f"{name_field}__icontains": query})
        columns = [email_field] + ([name_field] if name_field else [])
        for row in model._default_manager.filter(condition).values_list(*columns).distinct()[: limit * 4]:
            email = (row[0] or "").strip().lower()
            if not email or email.endswith("@" + ERASED_DOMAIN):
                continue
            person = found.setdefault(email, Person(emails={email}))
            if name_field and row[1] and row[1] != ERASED_NAME:
                person.names.add(row[1])
    return sorted(found.values(), key=lambda person: person.email)[:limit]


def find_person(key: str) -> Person | None:
    """The person behind ``key`` (see person_key), with their account, addresses and names."""
    if not re.fullmatch(r"[0-9a-f]{32}", key or ""):
        return None
    for model, email_field, _name_field in _email_sources():
        for email in model._default_manager.values_list(email_field, flat=True).distinct().iterator():
            if email and hmac.compare_digest(person_key(email), key):
                return build_person(email)
    return None


def build_person(email: str) -> Person:
    email = email.strip().lower()
    person = Person(emails={email}, primary=email)
    person.user = _user_by_address(email)
    if person.user is not None:
        person.emails |= _user_addresses(person.user)
    for entry in entries():
        model = entry.get_model()
        if "name" not in {f.name for f in model._meta.concrete_fields}:
            continue
        for candidate in (model, history_model(model)):
            if candidate is None:
                continue
            condition = _own_condition(entry, person, candidate is not model)
            if condition is None:
                continue
            for name in candidate._default_manager.filter(condition).values_list("name", flat=True).distinct():
                if name and name != ERASED_NAME:
                    person.names.add(name.strip())
    return person


def _user_by_address(email: str):
    """The account with ``email``: its address now, another of its addresses, or one it had before."""
    user_model = get_user_model()
    manager = user_model._default_manager
    user = manager.filter(**{f"{user_model.get_email_field_name()}__iexact": email}).first()
    if user is not None:
        return user
    address = get_entry("account.EmailAddress")
    if address is not None:
        user_id = address.get_model().objects.filter(email__iexact=email).values_list("user_id", flat=True).first()
        if user_id is not None:
            return manager.filter(pk=user_id).first()
    historical = history_model(user_model)
    if historical is not None:
        user_id = historical.objects.filter(email__iexact=email).order_by("-history_date").values_list("id", flat=True)
        user_id = user_id.first()
        if user_id is not None:
            return manager.filter(pk=user_id).first()
    return None


def _user_addresses(user) -> set[str]:
    addresses = set()
    for entry in entries():
        if entry.model.lower() == "account.emailaddress":
            addresses |= {
                e.lower() for e in entry.get_model().objects.filter(user=user).values_list("email", flat=True)
            }
    historical = history_model(type(user))
    if historical is not None:
        addresses |= {e.lower() for e in historical.objects.filter(id=user.pk).values_list("email", flat=True)}
    return {address for address in addresses if address and not address.endswith("@" + ERASED_DOMAIN)}


# --- Matching rows --------------------------------------------------------------------------------------------


def _own_condition(entry: PersonalData, person: Person, historical: bool) -> Q | None:
    condition = Q()
    matched = False
    if entry.subject_lookup and person.user is not None:
        lookup = "id" if historical and entry.subject_lookup == "pk" else entry.subject_lookup
        condition |= Q(**{lookup: person.user.pk})
        matched = True
    for lookup in entry.email_lookups:
        for email in person.emails:
            condition |= Q(**{f"{lookup}__iexact": email})
            matched = True
    return condition if matched else None


def _link_condition(entry: PersonalData, person: Person) -> Q | None:
    if person.user is None or not entry.links():
        return None
    condition = Q()
    for link in entry.links():
        condition |= Q(**{link: person.user.pk})
    return condition


def _reference_condition(entry: PersonalData, person: Person) -> Q | None:
    if not entry.reference_fields:
        return None
    values = person.emails | person.names
    condition = Q()
    for name in entry.reference_fields:
        for value in values:
            condition |= Q(**{f"{name}__iexact": value})
    return condition


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not isinstance(f, models.SlugField | models.URLField)
        and not f.choices
        and f.name not in {"password", "history_type"}
    ]


def _mention_terms(person: Person) -> list[str]:
    return sorted(person.emails) + sorted(person.full_names())


def _mention_condition(model: type[models.Model], person: Person, skip: Iterable[str] = ()) -> tuple[Q, list[str]]:
    terms = _mention_terms(person)
    fields = [f.name for f in _text_fields(model) if f.name not in skip]
    condition = Q()
    for name in fields:
        for term in terms:
            condition |= Q(**{f"{name}__icontains": term})
    return condition, fields


@dataclass
class Finding:
    """Rows of one registered model (or its history) about a person."""

    entry: PersonalData
    model: type[models.Model]
    historical: bool
    own: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def verbose_name(self) -> str:
        # A history table is named after its model (the page marks it as history).
        return str(self.entry.get_model()._meta.verbose_name_plural)

    @property
    def count(self) -> int:
        return len(self.own) + len(self.links) + len(self.references) + len(self.mentions)


def _row_values(model, obj, names: Iterable[str], person: Person) -> dict:
    user_model = get_user_model()
    values = {}
    for name in names:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field of the base model missing from its history table
            continue
        if model_field.is_relation and model_field.concrete:
            related_id = getattr(obj, model_field.attname)
            if model_field.related_model is user_model and (person.user is None or related_id != person.user.pk):
                continue  # another user: not this person's data
            values[name] = _plain(related_id)
        elif isinstance(model_field, models.FileField):
            values[name] = getattr(obj, name).name or ""
        else:
            values[name] = _plain(getattr(obj, name))
    return values


def _describe(model, obj, historical: bool) -> dict:
    row = {"pk": obj.pk}
    if historical:
        row.update({"object_pk": obj.id, "history_date": _plain(obj.history_date), "history_type": obj.history_type})
    return row


def collect(person: Person) -> list[Finding]:
    """Every registered datum about ``person`` (their register extract), by model and history table."""
    findings = []
    for entry in entries():
        base = entry.get_model()
        own_pks = []
        for model in (base, history_model(base)):
            if model is None:
                continue
            historical = model is not base
            finding = Finding(entry=entry, model=model, historical=historical)
            manager = model._default_manager
            own = _own_condition(entry, person, historical)
            if historical and own_pks:
                own = (own or Q()) | Q(id__in=own_pks)
            seen = set()
            if own is not None:
                for obj in manager.filter(own).order_by("pk"):
                    row = _describe(model, obj, historical) | _row_values(model, obj, entry.fields, person)
                    finding.own.append(row)
                    seen.add(obj.pk)
                if not historical:
                    own_pks = sorted(seen)
            links = _link_condition(entry, person)
            if links is not None:
                for obj in manager.filter(links).exclude(pk__in=seen).order_by("pk"):
                    matched = [name for name in entry.links() if getattr(obj, f"{name}_id", None) == person.user.pk]
                    finding.links.append(_describe(model, obj, historical) | dict.fromkeys(matched, person.user.pk))
                    seen.add(obj.pk)
            references = _reference_condition(entry, person)
            if references is not None:
                values = {value.lower() for value in person.emails | person.names}
                for obj in manager.filter(references).exclude(pk__in=seen).order_by("pk"):
                    matched = {
                        name: getattr(obj, name)
                        for name in entry.reference_fields
                        if str(getattr(obj, name) or "").lower() in values
                    }
                    finding.references.append(_describe(model, obj, historical) | matched)
                    seen.add(obj.pk)
            mentions, fields = _mention_condition(model, person)
            if fields and _mention_terms(person):
                patterns = _email_patterns(person) + _name_patterns(person)
                for obj in manager.filter(mentions).exclude(pk__in=seen).order_by("pk"):
                    where = [name for name in fields if _mentions(getattr(obj, name), patterns)]
                    if not where:
                        continue
                    # Free text is someone else's writing: where the person is mentioned, not the text itself.
                    finding.mentions.append(_describe(model, obj, historical) | {"mentioned_in": where})
            if finding.count:
                findings.append(finding)
    return findings


def export(person: Person) -> dict:
    """The register extract as JSON-ready data (GDPR art. 15)."""
    data = {}
    for finding in collect(person):
        data[finding.label] = {
            "description": finding.verbose_name,
            "history_table": finding.historical,
            "purpose": str(finding.entry.purpose),
            "retention": str(finding.entry.retention),
            "own_rows": finding.own,
            "linked_rows": finding.links,
            "references": finding.references,
            "mentions": finding.mentions,
        }
    return {
        "generated_at": timezone.now().isoformat(),
        "person": {
            "emails": sorted(person.emails),
            "names": sorted(person.names),
            "user_id": person.user.pk if person.user is not None else None,
        },
        "data": data,
    }


# --- Erasing ------------------------------------------------------------------------------------------------


def erased_email_expression(model: type[models.Model], historical: bool = False):
    """A unique placeholder per row, so unique constraints on e-mail addresses still hold."""
    pk = "id" if historical else "pk"
    name = model._meta.model_name.removeprefix("historical") if historical else model._meta.model_name
    return Concat(Value(f"erased-{name}-"), Cast(pk, CharField()), Value(f"@{ERASED_DOMAIN}"))


def _replacement(model, model_field: models.Field, historical: bool):
    if isinstance(model_field, models.EmailField):
        return erased_email_expression(model, historical)
    if model_field.name == "name":
        return Value(ERASED_NAME)
    if isinstance(model_field, models.JSONField):
        return Value(model_field.get_default(), output_field=model_field)
    if isinstance(model_field, models.CharField | models.TextField | models.FileField):
        return Value("")
    if model_field.null:
        return Value(None, output_field=model_field)
    return Value(model_field.get_default(), output_field=model_field)


def _delete_files(queryset, fields: Iterable[models.Field]) -> None:
    for model_field in fields:
        if not isinstance(model_field, models.FileField):
            continue
        for name in queryset.exclude(**{model_field.name: ""}).values_list(model_field.name, flat=True):
            if name:
                # Only once the erasure is committed: a rolled-back erasure keeps its files.
                transaction.on_commit(lambda storage=model_field.storage, name=name: storage.delete(name))


def anonymise_rows(entry: PersonalData, queryset, *, fields: Iterable[str] | None = None, history: bool = True) -> int:
    """Replace the entry's ``anonymise`` fields (or ``fields``) on ``queryset`` and their history rows.

    The rows stay. Returns the number of rows changed.
    """
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    fields = [model._meta.get_field(name) for name in (entry.anonymise if fields is None else fields)]
    _delete_files(model._default_manager.filter(pk__in=pks), fields)
    changes = {f.name: _replacement(model, f, False) for f in fields}
    model._default_manager.filter(pk__in=pks).update(**changes)
    historical = history_model(model) if history else None
    if historical is not None:
        names = {f.name for f in historical._meta.concrete_fields}
        changes = {
            f.name: _replacement(historical, historical._meta.get_field(f.name), True)
            for f in fields
            if f.name in names
        }
        if changes:
            historical._default_manager.filter(id__in=pks).update(**changes)
    if entry.after_anonymise is not None:
        entry.after_anonymise(model._default_manager.filter(pk__in=pks))
    return len(pks)


def _scrub_value(value, patterns: list[tuple[re.Pattern, str]]):
    if isinstance(value, str):
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_scrub_value(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item, patterns) for key, item in value.items()}
    return value


def _email_patterns(person: Person) -> list[re.Pattern]:
    # Not inside a longer address: "anna@example.se" is not in "hanna@example.se" or "anna@example.se.com".
    return [
        re.compile(r"(?<![\w.+-])" + re.escape(email) + r"(?![\w-]|\.\w)", re.IGNORECASE) for email in person.emails
    ]


def _name_patterns(person: Person) -> list[re.Pattern]:
    # Whole words: "Anna Berg" is not in "Johanna Bergström".
    return [re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE) for name in person.full_names()]


def _mentions(value, patterns: list[re.Pattern]) -> bool:
    if isinstance(value, str):
        return any(pattern.search(value) for pattern in patterns)
    if isinstance(value, list):
        return any(_mentions(item, patterns) for item in value)
    if isinstance(value, dict):
        return any(_mentions(item, patterns) for item in value.values())
    return False


def _scrub(model: type[models.Model], person: Person, token: str, skip_names: set[str]) -> int:
    """Replace the person's address and full name wherever they occur in the model's text."""
    terms = _mention_terms(person)
    if not terms:
        return 0
    condition, fields = _mention_condition(model, person)
    if not fields:
        return 0
    email_placeholder = f"erased-{token}@{ERASED_DOMAIN}"
    email_patterns = [(pattern, email_placeholder) for pattern in _email_patterns(person)]
    name_patterns = [(pattern, ERASED_NAME) for pattern in _name_patterns(person)]
    emails = {email.lower() for email in person.emails}
    changed = 0
    for obj in model._default_manager.filter(condition).iterator():
        updates = {}
        for name in fields:
            model_field = model._meta.get_field(name)
            value = getattr(obj, name)
            if isinstance(model_field, models.EmailField):
                # The whole address or nothing: anna@ is not in hanna@.
                if (value or "").strip().lower() in emails:
                    updates[name] = email_placeholder
                continue
            patterns = email_patterns if name in skip_names else email_patterns + name_patterns
            new = _scrub_value(value, patterns)
            if new == value:
                continue
            if isinstance(new, str) and model_field.max_length:
                new = new[: model_field.max_length]
            updates[name] = new
        if updates:
            model._default_manager.filter(pk=obj.pk).update(**updates)
            changed += 1
    return changed


@dataclass
class ErasureResult:
    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: dict[str, tuple[int, str]] = field(default_factory=dict)
    scrubbed: dict[str, int] = field(default_factory=dict)
    user_id: int | None = None

    def total(self) -> int:
        return (
            sum(self.deleted.values())
            + sum(self.anonymised.values())
            + sum(self.scrubbed.values())
            + sum(count for count, _reason in self.kept.values())
        )


def plan(person: Person) -> list[dict]:
    """What erasing ``person`` would do, per model: delete, anonymise or keep (and why)."""
    result = []
    for finding in collect(person):
        if finding.own and finding.entry.erase != Erase.KEEP:
            action, reason = finding.entry.erase, ""
        elif finding.own or finding.links or finding.references:
            # Kept; references to the person in it are replaced and links point at the anonymised account.
            action, reason = Erase.KEEP, finding.entry.keep_reason or LINK_REASON
        else:
            action, reason = Erase.ANONYMISE, ""  # mentions in free text are replaced
        result.append({"finding": finding, "action": action, "reason": reason})
    return result


@transaction.atomic
def erase(person: Person, actor=None) -> ErasureResult:
    """Erase ``person``: delete or anonymise their rows per the registry, keep what the law requires.

    One transaction. The user account is anonymised (not deleted: invoices, decisions and the audit history
    refer to it), deactivated and given an unusable password; its history records who erased it and when, with
    the anonymised values only.
    """
    from core.audit import acting_as

    result = ErasureResult(user_id=person.user.pk if person.user is not None else None)
    token = secrets.token_hex(6)
    user_label = get_user_model()._meta.label_lower
    with acting_as(actor):
        own = {entry.model: _own_rows(entry, person) for entry in entries()}
        for hook in _erase_hooks:
            hook(person, own, result)
        for entry in entries():
            if entry.model.lower() == user_label:
                continue  # last: everything else is matched through the account first
            _erase_entry(entry, person, result, actor, *own[entry.model])
        user_entry = get_entry(user_label)
        if person.user is not None and user_entry is not None:
            user = person.user
            _erase_entry(user_entry, person, result, actor, *own[user_entry.model])
            user.refresh_from_db()
            user.set_unusable_password()
            user.is_active = False
            user.is_staff = False
            user.is_superuser = False
            # Whom they represented is about them too; the account stays only for what refers to it.
            user.municipality = None
            user.requested_municipality = None
            user.municipality_link_source = ""
            user._change_reason = ERASED_REASON
            user.save()
        # Whatever still mentions the person (free text, JSON snapshots, references elsewhere).
        for entry in entries():
            model = entry.get_model()
            skip = {"name"}  # other people's name fields: a namesake is not this person
            for candidate in (model, history_model(model)):
                if candidate is None:
                    continue
                changed = _scrub(candidate, person, token, skip)
                if changed:
                    result.scrubbed[candidate._meta.label] = result.scrubbed.get(candidate._meta.label, 0) + changed
    logger.info(
        "personal data erased by user %s: deleted %s, anonymised %s, scrubbed %s, kept %s",
        getattr(actor, "pk", None),
        result.deleted,
        result.anonymised,
        result.scrubbed,
        {label: count for label, (count, _reason) in result.kept.items()},
    )
    return result


def _record_erasure(model, pks: list, actor) -> None:
    """A history row per anonymised row: who erased it and when, with the anonymised values only."""
    if history_model(model) is None or not pks or model is get_user_model():
        return
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    manager.bulk_history_create(
        list(model._default_manager.filter(pk__in=pks)),
        update=True,
        default_user=actor,
        default_change_reason=ERASED_REASON,
    )


def _own_rows(entry: PersonalData, person: Person) -> tuple[list, Q | None]:
    """The pks of the person's own rows, and the condition for their history rows (found before any change:
    a lookup through a participant's address no longer matches once the participant is anonymised)."""
    model = entry.get_model()
    historical = history_model(model)
    own = _own_condition(entry, person, False)
    own_pks = list(model._default_manager.filter(own).values_list("pk", flat=True)) if own is not None else []
    history_own = _own_condition(entry, person, True) if historical is not None else None
    if historical is not None:
        history_pks = (
            list(historical._default_manager.filter(history_own).values_list("pk", flat=True))
            if history_own is not None
            else []
        )
        history_own = Q(pk__in=history_pks) | Q(id__in=own_pks) if history_pks or own_pks else None
    return own_pks, history_own


def _erase_entry(
    entry: PersonalData, person: Person, result: ErasureResult, actor, own_pks: list, history_own: Q | None
) -> None:
    model = entry.get_model()
    historical = history_model(model)
    label = model._meta.label
    if entry.erase == Erase.DELETE:
        if own_pks:
            queryset = model._default_manager.filter(pk__in=own_pks)
            _delete_files(queryset, model._meta.concrete_fields)
            queryset.delete()
            result.deleted[label] = len(own_pks)
        if history_own is not None:
            deleted, _ = historical._default_manager.filter(history_own).delete()
            if deleted:
                result.deleted[historical._meta.label] = deleted
    elif entry.erase == Erase.ANONYMISE:
        if own_pks:
            result.anonymised[label] = anonymise_rows(entry, model._default_manager.filter(pk__in=own_pks))
        if history_own is not None:
            # History rows of the person's rows, also those of rows since deleted.
            queryset = historical._default_manager.filter(history_own)
            names = {f.name for f in historical._meta.concrete_fields}
            changes = {
                name: _replacement(historical, historical._meta.get_field(name), True)
                for name in entry.anonymise
                if name in names
            }
            count = queryset.update(**changes) if changes else 0
            if count:
                result.anonymised[historical._meta.label] = count
        _record_erasure(model, own_pks, actor)
    elif own_pks:
        result.kept[label] = (len(own_pks), str(entry.keep_reason))
    links = _link_condition(entry, person)
    if links is not None:
        count = model._default_manager.filter(links).count()
        if count:
            previous, reason = result.kept.get(label, (0, ""))
            result.kept[label] = (previous + count, reason or str(entry.keep_reason))
    references = _reference_condition(entry, person)
    if references is not None:
        values = {value.lower() for value in person.emails | person.names}
        for candidate in (model, historical):
            if candidate is None:
                continue
            count = 0
            for name in entry.reference_fields:
                model_field = candidate._meta.get_field(name)
                matching = Q()
                for value in values:
                    matching |= Q(**{f"{name}__iexact": value})
                replacement = (
                    erased_email_expression(candidate, candidate is historical)
                    if isinstance(model_field, models.EmailField)
                    else Value(ERASED_NAME)
                )
                count += candidate._default_manager.filter(matching).update(**{name: replacement})
            if count:
                result.anonymised[candidate._meta.label] = result.anonymised.get(candidate._meta.label, 0) + count


def _forget_keys(queryset) -> None:
    # The key names the occasion and the recipient's address; a hash keeps it unique (never sent twice).
    for pk, key in queryset.exclude(key__startswith="erased:").values_list("pk", "key"):
        queryset.model.objects.filter(pk=pk).update(key="erased:" + hashlib.sha256(key.encode()).hexdigest())


register(
    PersonalData(
        model="core.SentEmail",
        fields=("recipient", "subject", "sent_at"),
        purpose=_("Proof that a receipt, reminder or invoice e-mail was sent, so it is never sent twice."),
        retention=_("Anonymised when the retention period for sent e-mails has passed."),
        kind=_("E-mail"),
        email_lookups=("recipient",),
        erase=Erase.ANONYMISE,
        anonymise=("recipient", "subject"),
        retention_rule="sent_emails",
        after_anonymise=_forget_keys,
    )
)


@retention.purger("sent_emails")
def purge_sent_emails(cutoff, dry_run: bool) -> int:
    from core.models import SentEmail

    expired = SentEmail.objects.filter(sent_at__lt=cutoff).exclude(recipient__endswith="@" + ERASED_DOMAIN)
    if dry_run:
        return expired.count()
    return anonymise_rows(get_entry("core.SentEmail"), expired)
