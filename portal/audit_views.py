"""The audit history, browsable by administrators: who changed what, and when.

Every model with legal weight keeps its history with django-simple-history (core.audit). These pages
put the history tables side by side:

- ``history_list``: the latest changes across every kind of object (networks, applications and their
  decisions, fee schedules, invoices, batches …), filtered by kind, object, user, kind of change and
  date, newest first, 50 to a page.
- ``object_history``: every change of one object.

Each row says when (Europe/Stockholm), who (the acting user, or "system"), what (the kind and the
object, created / changed / deleted) and what changed: the fields that differ from the object's
previous record (``diff_against``), with their labels and readable values.

Who sees what: a superuser everything; an organiser's administrator the objects of their organisers
(the organiser itself, its networks and everything under them, its invoices, batches and payments).
User accounts and the municipality register are for superusers only.

A page costs a fixed number of queries however long the history is: one UNION ALL query over the
history tables (each already filtered and scoped, each row carrying the id of the object's previous
record) picks the page's 50 rows; then one query per kind on the page fetches those records and their
previous ones; then one query per kind of related object names the foreign keys that changed.
It lives in portal (the pages composing several apps) and names the apps' models by label (``apps.get_model``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role, administrator_required, organizer_ids

PAGE_SIZE = 50
MAX_PAGE = 1000  # deeper than that, narrow the filters instead
VALUE_MAX_CHARS = 300
STOCKHOLM = ZoneInfo(settings.TIME_ZONE)
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2999, 12, 31)  # the dates the filters accept


# --- The kinds of objects whose history is shown ----------------------------------------------------------


def _name_of(model_label: str, fk: str, field: str):
    """The ``field`` of the row ``fk`` points at, as an SQL expression (NULL when that row is gone)."""
    return Subquery(apps.get_model(model_label).objects.filter(pk=OuterRef(fk)).values(field)[:1])


def _pair_of(model_label: str, fk: str, first: str, second: str):
    """ "first – second" of the row ``fk`` points at (e.g. a membership's municipality and network)."""
    named = (
        apps.get_model(model_label)
        .objects.filter(pk=OuterRef(fk))
        .annotate(audit_pair=Concat(first, Value(" – "), second, output_field=CharField()))
        .values("audit_pair")[:1]
    )
    return Subquery(named)


def _concat(*parts):
    return Concat(*[Coalesce(part, Value(""), output_field=CharField()) for part in parts], output_field=CharField())


def _municipality_and_network():
    return _concat(
        _name_of("municipalities.Municipality", "municipality_id", "name"),
        Value(" – "),
        _name_of("networks.Network", "network_id", "title"),
    )


@dataclass(frozen=True)
class Kind:
    """One kind of object in the history.

    ``organizer_path``: the lookup from the history table to the organiser's id; None means only
    superusers see the kind. ``label``: an SQL expression naming the object from its history row;
    None means the model's own ``__str__`` (which then uses the row's own fields only).
    """

    key: str
    model_label: str
    organizer_path: str | None
    label: object = None

    @cached_property
    def model(self):
        return apps.get_model(self.model_label)

    @cached_property
    def history_model(self):
        return self.model.history.model

    @property
    def verbose_name(self) -> str:
        return capfirst(self.model._meta.verbose_name)

    @cached_property
    def pk_name(self) -> str:
        return self.model._meta.pk.attname

    def label_expression(self):
        return self.label() if callable(self.label) else None


KINDS: tuple[Kind, ...] = (
    Kind("organiser", "networks.Organizer", "id"),
    Kind("network", "networks.Network", "organizer_id"),
    Kind("membership", "networks.Membership", "network__organizer_id", _municipality_and_network),
    Kind("participant", "networks.MembershipParticipant", "membership__network__organizer_id"),
    Kind(
        "member-commitment",
        "networks.MembershipCommitment",
        "membership__network__organizer_id",
        lambda: _concat(
            _pair_of("networks.Membership", "membership_id", "municipality__name", "network__title"),
            Value(": "),
            _name_of("networks.NetworkCommitment", "commitment_id", "title"),
        ),
    ),
    Kind("application", "applications.Application", "network__organizer_id", _municipality_and_network),
    Kind(
        "application-commitment",
        "applications.ApplicationCommitment",
        "application__network__organizer_id",
        lambda: _concat(
            _pair_of("applications.Application", "application_id", "municipality__name", "network__title"),
            Value(": "),
            _name_of("networks.NetworkCommitment", "commitment_id", "title"),
        ),
    ),
    Kind("proposed-participant", "applications.ProposedParticipant", "application__network__organizer_id"),
    Kind(
        "review",
        "applications.Review",
        "application__network__organizer_id",
        lambda: _concat(
            _pair_of("applications.Application", "application_id", "municipality__name", "network__title"),
            Value(" / "),
            _name_of("networks.ReviewCriterion", "criterion_id", "title"),
        ),
    ),
    Kind(
        "selection-rules",
        "applications.SelectionRules",
        "network__organizer_id",
        lambda: _name_of("networks.Network", "network_id", "title"),
    ),
    Kind(
        "waitlist-offer",
        "applications.WaitlistOffer",
        "network__organizer_id",
        lambda: _pair_of("applications.Application", "application_id", "municipality__name", "network__title"),
    ),
    Kind(
        "fee-schedule",
        "billing.FeeSchedule",
        "network__organizer_id",
        lambda: _name_of("networks.Network", "network_id", "title"),
    ),
    Kind(
        "fee-basis",
        "billing.FeeBasis",
        "membership__network__organizer_id",
        lambda: _pair_of("networks.Membership", "membership_id", "municipality__name", "network__title"),
    ),
    Kind(
        "organiser-billing",
        "billing.OrganizerBilling",
        "organizer_id",
        lambda: _name_of("networks.Organizer", "organizer_id", "name"),
    ),
    Kind("invoice-batch", "billing.InvoiceBatch", "organizer_id"),
    Kind("invoice", "billing.Invoice", "organizer_id"),
    Kind("payment", "billing.Payment", "organizer_id"),
    Kind("meeting", "meetings.Meeting", "network__organizer_id"),
    Kind("homework", "meetings.Homework", "meeting__network__organizer_id"),
    Kind(
        "invitation",
        "meetings.Invitation",
        "meeting__network__organizer_id",
        lambda: _concat(
            _name_of("networks.MembershipParticipant", "participant_id", "name"),
            Value(" – "),
            _name_of("meetings.Meeting", "meeting_id", "title"),
        ),
    ),
    Kind(
        "hand-in",
        "meetings.HomeworkSubmission",
        "homework__meeting__network__organizer_id",
        lambda: _concat(
            _name_of("meetings.Homework", "homework_id", "title"),
            Value(" – "),
            _pair_of("networks.Membership", "membership_id", "municipality__name", "network__title"),
        ),
    ),
    Kind(
        "evaluation-questions",
        "meetings.SurveyQuestions",
        "network__organizer_id",
        lambda: _name_of("networks.Network", "network_id", "title"),
    ),
    Kind("survey", "meetings.Survey", "network__organizer_id"),
    Kind(
        "follow-up-note",
        "meetings.FollowUpNote",
        "membership__network__organizer_id",
        lambda: _pair_of("networks.Membership", "membership_id", "municipality__name", "network__title"),
    ),
    Kind(
        "final-report",
        "reports.FinalReport",
        "network__organizer_id",
        lambda: _name_of("networks.Network", "network_id", "title"),
    ),
    Kind("efficiency-model", "municipalities.EfficiencyModel", "organizer_id"),
    Kind(
        "efficiency-model-kpi",
        "municipalities.EfficiencyModelKpi",
        "model__organizer_id",
        lambda: _concat(_name_of("municipalities.EfficiencyModel", "model_id", "name"), Value(": "), F("kpi_id")),
    ),
    Kind(
        "staff-role",
        "accounts.StaffRole",
        "organizer_id",
        lambda: _concat(
            _name_of("accounts.User", "user_id", "email"),
            Value(" ("),
            _name_of("networks.Organizer", "organizer_id", "name"),
            Value(")"),
        ),
    ),
    # A user's history leaves out the password: naming it from the row, not its instance (which would fetch it).
    Kind(
        "user",
        "accounts.User",
        None,
        lambda: Coalesce(NullIf(F("name"), Value("")), F("email"), output_field=CharField()),
    ),
    Kind("municipality", "municipalities.Municipality", None),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}

# Foreign keys whose changed values are shown by name (one query per model on a page), with what naming
# them needs; any other foreign key is shown by its id.
NAMED_RELATIONS: dict[str, tuple[str, ...]] = {
    "accounts.User": (),
    "networks.Organizer": (),
    "networks.Network": (),
    "networks.Membership": ("municipality", "network"),
    "municipalities.Municipality": (),
    "billing.InvoiceBatch": (),
    "billing.Invoice": (),
    "meetings.Meeting": (),
}


@dataclass(frozen=True)
class Scope:
    """The kinds a user may see, and the organisers they may see them for (None: all)."""

    kinds: tuple[Kind, ...]
    organizers: frozenset[int] | None

    @classmethod
    def of(cls, user) -> Scope:
        allowed = organizer_ids(user, Role.ADMINISTRATOR)
        if allowed is None:
            return cls(KINDS, None)
        return cls(tuple(kind for kind in KINDS if kind.organizer_path), frozenset(allowed))

    def queryset(self, kind: Kind):
        records = kind.history_model.objects.all()
        if self.organizers is not None:
            records = records.filter(**{f"{kind.organizer_path}__in": self.organizers})
        return records


# --- Filters ----------------------------------------------------------------------------------------------


class HistoryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    object = forms.IntegerField(label=gettext_lazy("Object id"), required=False, min_value=1, max_value=2**63 - 1)
    user = forms.CharField(
        label=gettext_lazy("Changed by"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Part of a name or an e-mail address, or “system”."),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Change"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("+", gettext_lazy("Created")),
            ("~", gettext_lazy("Changed")),
            ("-", gettext_lazy("Deleted")),
        ],
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(kind.key, kind.verbose_name) for kind in kinds]

    def clean_date_from(self):
        return self._sensible(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return self._sensible(self.cleaned_data.get("date_to"))

    @staticmethod
    def _sensible(day):
        if day and not (EARLIEST <= day <= LATEST):
            raise forms.ValidationError(
                _("Give a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("object") and not data.get("kind"):
            self.add_error("object", _("Choose a kind too: ids are per kind."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _valid_filters(form: HistoryFilterForm) -> dict:
    """The filters that are valid; an invalid one is reported on the form and left out."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors and value}


def _stockholm_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=STOCKHOLM)


def _filter(records, filters: dict, kind: Kind):
    if filters.get("object"):
        records = records.filter(**{kind.pk_name: filters["object"]})
    if filters.get("action"):
        records = records.filter(history_type=filters["action"])
    if filters.get("date_from"):
        records = records.filter(history_date__gte=_stockholm_midnight(filters["date_from"]))
    if filters.get("date_to"):
        records = records.filter(history_date__lt=_stockholm_midnight(filters["date_to"] + dt.timedelta(days=1)))
    who = filters.get("user", "").strip()
    if who:
        if who.lower() in ("system", _("system").lower()):
            records = records.filter(history_user__isnull=True)
        else:
            users = apps.get_model(settings.AUTH_USER_MODEL).objects.filter(
                Q(email__icontains=who) | Q(name__icontains=who)
            )
            records = records.filter(history_user_id__in=users.values("pk"))
    return records


# --- Reading a page of history ------------------------------------------------------------------------------


def _page_rows(scope: Scope, kinds: tuple[Kind, ...], filters: dict, offset: int, limit: int):
    """(history_date, history_id, kind key, previous record's history_id) of one page, newest first."""
    parts = []
    for kind in kinds:
        history = kind.history_model
        previous = (
            history.objects.filter(**{kind.pk_name: OuterRef(kind.pk_name)})
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        rows = (
            _filter(scope.queryset(kind), filters, kind)
            .order_by()
            .annotate(
                audit_date=F("history_date"),
                audit_id=F("history_id"),
                audit_kind=Value(kind.key, output_field=CharField()),
                audit_previous=Subquery(previous),
            )
            .values_list("audit_date", "audit_id", "audit_kind", "audit_previous")
        )
        parts.append(rows)
    if not parts:
        return []
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return list(combined.order_by("-audit_date", "-audit_id", "audit_kind")[offset : offset + limit])


def _fetch_records(rows) -> dict[tuple[str, int], models.Model]:
    """The page's history records and their previous ones, one query per kind."""
    wanted: dict[str, set[int]] = {}
    for _date, history_id, key, previous_id in rows:
        ids = wanted.setdefault(key, set())
        ids.add(history_id)
        if previous_id:
            ids.add(previous_id)
    records = {}
    for key, ids in wanted.items():
        kind = KINDS_BY_KEY[key]
        queryset = kind.history_model.objects.filter(history_id__in=ids).select_related("history_user")
        expression = kind.label_expression()
        if expression is not None:
            queryset = queryset.annotate(audit_label=expression)
        for record in queryset:
            records[(key, record.history_id)] = record
    return records


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object
    old_text: str = ""
    new_text: str = ""


@dataclass
class Entry:
    kind: Kind
    record: models.Model
    changes: list[Change]

    @property
    def object_id(self):
        return getattr(self.record, self.kind.pk_name)

    @property
    def action(self) -> str:
        return {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}.get(self.record.history_type, "")

    @property
    def who(self) -> str:
        user = self.record.history_user
        if user is None:
            return _("system")
        return f"{user.name} ({user.email})" if user.name else user.email

    @property
    def label(self) -> str:
        label = getattr(self.record, "audit_label", None)
        if label is None and self.kind.label is None:
            try:
                label = str(self.record.instance)
            except ObjectDoesNotExist:  # a __str__ that needs a row that is gone
                label = ""
        return label or f"#{self.object_id}"

    @property
    def url(self) -> str:
        return reverse("audit:object", args=[self.kind.key, self.object_id])


def _diffable_fields(kind: Kind) -> list[str]:
    m2m = {field.name for field in getattr(kind.history_model, "_history_m2m_fields", [])}
    skip = m2m | {kind.model._meta.pk.name}  # the id is in the "what" column already
    return [field.name for field in kind.history_model.tracked_fields if field.editable and field.name not in skip]


def _changes(kind: Kind, record, previous) -> list[Change]:
    fields = _diffable_fields(kind)
    if record.history_type == "-":
        return []
    if previous is None:
        # Created (or first recorded): the values it was created with.
        return [
            Change(name, _field_label(kind, name), None, getattr(record, _attname(kind, name)))
            for name in fields
            if getattr(record, _attname(kind, name)) not in (None, "", [], {})
        ]
    delta = record.diff_against(previous, included_fields=fields)
    order = {name: index for index, name in enumerate(fields)}
    return [
        Change(change.field, _field_label(kind, change.field), change.old, change.new)
        for change in sorted(delta.changes, key=lambda change: order.get(change.field, 0))
    ]


def _attname(kind: Kind, name: str) -> str:
    return kind.history_model._meta.get_field(name).attname


def _field_label(kind: Kind, name: str) -> str:
    try:
        field = kind.model._meta.get_field(name)
    except FieldDoesNotExist:
        field = kind.history_model._meta.get_field(name)
    label = field.verbose_name
    # A foreign key without a verbose name of its own is labelled with Django's default, its English field name
    # ("network"): the related model's (translated) name says the same in the reader's language.
    if field.is_relation and field.related_model is not None and str(label) == name.replace("_", " "):
        label = field.related_model._meta.verbose_name
    return capfirst(str(label))


def _related_names(entries: list[Entry]) -> dict[tuple[str, object], str]:
    """Names of the related objects that changed foreign keys point at: one query per related model."""
    wanted: dict[str, set] = {}
    for entry in entries:
        for change in entry.changes:
            field = entry.kind.history_model._meta.get_field(change.field)
            if isinstance(field, models.ForeignKey) and field.related_model._meta.label in NAMED_RELATIONS:
                ids = wanted.setdefault(field.related_model._meta.label, set())
                ids.update(value for value in (change.old, change.new) if value is not None)
    names = {}
    for label, ids in wanted.items():
        queryset = apps.get_model(label).objects.filter(pk__in=ids)
        if NAMED_RELATIONS[label]:
            queryset = queryset.select_related(*NAMED_RELATIONS[label])
        for obj in queryset:
            names[(label, obj.pk)] = str(obj)
    return names


def _readable(kind: Kind, name: str, value, names) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    field = kind.history_model._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model._meta.label, value), f"#{value}")
    if field.choices:
        choices = dict(field.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(choices.get(item, item)) for item in value)
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value, STOCKHOLM), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, models.fields.files.FieldFile):
        value = value.name
    return Truncator(str(value)).chars(VALUE_MAX_CHARS)


def build_entries(rows) -> list[Entry]:
    records = _fetch_records(rows)
    entries = []
    for _date, history_id, key, previous_id in rows:
        record = records.get((key, history_id))
        if record is None:  # removed between the two queries
            continue
        kind = KINDS_BY_KEY[key]
        previous = records.get((key, previous_id)) if previous_id else None
        entries.append(Entry(kind, record, _changes(kind, record, previous)))
    names = _related_names(entries)
    for entry in entries:
        for change in entry.changes:
            change.old_text = _readable(entry.kind, change.field, change.old, names)
            change.new_text = _readable(entry.kind, change.field, change.new, names)
    return entries


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    try:
        page = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


def _history_page(request, scope: Scope, kinds, filters, template, context):
    page = _page_number(request)
    rows = _page_rows(scope, kinds, filters, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    has_next = len(rows) > PAGE_SIZE and page < MAX_PAGE
    entries = build_entries(rows[:PAGE_SIZE])
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        entries=entries,
        page=page,
        previous_page=page - 1 if page > 1 else None,
        next_page=page + 1 if has_next else None,
        query=query.urlencode(),
        page_size=PAGE_SIZE,
    )
    return render(request, template, context)


# --- Views ------------------------------------------------------------------------------------------------------


@administrator_required
def history_list(request):
    scope = Scope.of(request.user)
    form = HistoryFilterForm(request.GET or None, kinds=scope.kinds)
    filters = _valid_filters(form) if form.is_bound else {}
    kinds = scope.kinds
    if filters.get("kind"):
        kinds = tuple(kind for kind in kinds if kind.key == filters["kind"])
    return _history_page(
        request,
        scope,
        kinds,
        filters,
        "core/audit/list.html",
        {"form": form, "filtered": bool(filters)},
    )


@administrator_required
def object_history(request, kind: str, pk: int):
    scope = Scope.of(request.user)
    chosen = next((candidate for candidate in scope.kinds if candidate.key == kind), None)
    if chosen is None or pk > 2**63 - 1:
        raise Http404
    if not scope.queryset(chosen).filter(**{chosen.pk_name: pk}).exists():
        raise Http404
    return _history_page(
        request,
        scope,
        (chosen,),
        {"object": pk},
        "core/audit/object.html",
        {"kind": chosen, "object_id": pk},
    )
