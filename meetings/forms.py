"""Forms for the timetable pages: a meeting, the quick add, moving, copying, agenda and homework.

Times are wall-clock times in Europe/Stockholm. A time given with a UTC offset or
"Z" is refused with a message saying so, rather than silently converted.
Forms only validate and convert; the services hold the rules about periods,
places and audiences.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from meetings.services import STOCKHOLM
from networks.forms import TEXT_MAX_LENGTH, validate_not_formula
from networks.models import Membership, Network

ADDRESS_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 200
CAPACITY_MAX = 100_000
SHIFT_MAX_MONTHS = 60
SHIFT_MAX_DAYS = 3660
YEARS = (2000, 2100)

OFFSET = re.compile(r"(?:z|utc|gmt|[+-]\d{1,2}(?::?\d{2})?)\s*$", re.IGNORECASE)
TIME_ZONE_MESSAGE = _("Give the time without a time zone: times are Swedish time (Europe/Stockholm), e.g. 10.00.")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MONTH_INPUT = forms.DateInput(attrs={"type": "month", "placeholder": "2018-06"}, format="%Y-%m")

DATING_EXACT, DATING_MONTH = "exact", "month"
DATING_CHOICES = (
    (DATING_EXACT, _("Exact date and time")),
    (DATING_MONTH, _("Preliminary: month")),
)


def parse_time(value: str) -> time:
    """ "10:00", "10.00" or "10" as a wall-clock time; an offset ("10:00+02:00", "10:00Z") is refused."""
    value = (value or "").strip()
    if OFFSET.search(value):
        raise forms.ValidationError(TIME_ZONE_MESSAGE, code="offset")
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(?:[:.](\d{2}))?", value)
    if not match:
        raise forms.ValidationError(_("Enter a time such as 10.00."), code="invalid")
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise forms.ValidationError(_("Enter a time such as 10.00."), code="invalid")
    return time(hour, minute)


def parse_month(value: str) -> date:
    value = (value or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", value)
    if not match or not 1 <= int(match[2]) <= 12 or not YEARS[0] <= int(match[1]) <= YEARS[1]:
        raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2018-06."), code="invalid")
    return date(int(match[1]), int(match[2]), 1)


class WallClockTimeField(forms.CharField):
    """A time of day in Stockholm; refuses a time zone."""

    widget = TIME_INPUT

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("Swedish time (Europe/Stockholm)."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.strftime("%H:%M") if isinstance(value, time) else value

    def to_python(self, value):
        value = super().to_python(value)
        return parse_time(value) if value else None

    def run_validators(self, value):  # max_length is checked on the text, before parsing
        pass

    def clean(self, value):
        if isinstance(value, str) and len(value) > 20:
            raise forms.ValidationError(_("Enter a time such as 10.00."), code="invalid")
        return super().clean(value)


class MonthField(forms.CharField):
    widget = MONTH_INPUT

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value

    def to_python(self, value):
        value = super().to_python(value)
        return parse_month(value) if value else None

    def run_validators(self, value):
        pass

    def clean(self, value):
        if isinstance(value, str) and len(value) > 10:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2018-06."), code="invalid")
        return super().clean(value)


class SwedishDecimalField(forms.DecimalField):
    """Money as Swedes write it: "1 250,50" or "1250.50"."""

    def to_python(self, value):
        if isinstance(value, str):
            if len(value) > 30:
                raise forms.ValidationError(_("Enter an amount such as 1 250,50."), code="invalid")
            value = re.sub(r"\s", "", value).lower().removesuffix("kr").replace(",", ".")
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(_("Enter an amount such as 1 250,50."), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


def _line(label, *, max_length: int = TITLE_MAX_LENGTH, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[validate_not_formula], **kwargs
    )


def _text(label, **kwargs) -> forms.CharField:
    """Markdown: may well begin with "-" (a list), so no formula check; capped in length."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX_LENGTH}),
        **kwargs,
    )


def _audience_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("For"),
        choices=Meeting.Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Not needed for a work period or a milestone."),
    )


def _combine(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=STOCKHOLM)


class MeetingForm(forms.Form):
    """A meeting: dated exactly (day, start and end time, optionally a last day) or to a month."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = _line(_("Title"), required=True)
    description = _text(_("Description"), help_text=_("The programme, in Markdown."))
    membership = forms.ModelChoiceField(
        label=_("Municipality (for a check-in)"), queryset=Membership.objects.none(), required=False
    )
    dating = forms.ChoiceField(label=_("Date"), choices=DATING_CHOICES, widget=forms.RadioSelect, initial=DATING_MONTH)
    day = forms.DateField(label=_("Day"), required=False, widget=DATE_INPUT)
    start_time = WallClockTimeField(label=_("Starts at"), required=False)
    end_time = WallClockTimeField(label=_("Ends at"), required=False)
    end_day = forms.DateField(
        label=_("Last day"), required=False, widget=DATE_INPUT, help_text=_("Only for a meeting over several days.")
    )
    month = MonthField(label=_("Month"), required=False)
    last_month = MonthField(label=_("Last month"), required=False, help_text=_("Only for a span, e.g. a work period."))
    mode = forms.ChoiceField(label=_("Mode"), choices=Meeting.Mode.choices, initial=Meeting.Mode.PHYSICAL)
    address = _line(
        _("Address"),
        max_length=ADDRESS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": ADDRESS_MAX_LENGTH}),
        help_text=_("Needed for a meeting on site once it has an exact date."),
    )
    link = forms.URLField(
        label=_("Link to the digital meeting"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Begins with https://. Needed for a digital meeting once it has an exact date."),
    )
    audience = _audience_field()
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1, max_value=CAPACITY_MAX)
    cost_per_attendee = SwedishDecimalField(
        label=_("Cost per attendee (excl. VAT), kr"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("Lunch, venue and the like for a meeting on site, billed per attendee."),
    )
    cost_vat_rate = SwedishDecimalField(
        label=_("VAT rate of the cost, %"), required=False, min_value=0, max_value=100, max_digits=4, decimal_places=2
    )
    cost_description = _line(_("What the cost covers"))

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["membership"].queryset = Membership.objects.filter(network=network).select_related("municipality")
        self.fields["membership"].label_from_instance = lambda membership: membership.municipality.name

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        initial = {
            name: getattr(meeting, name)
            for name in (
                "kind",
                "title",
                "description",
                "mode",
                "address",
                "link",
                "audience",
                "capacity",
                "cost_per_attendee",
                "cost_vat_rate",
                "cost_description",
            )
        }
        initial["membership"] = meeting.membership_id
        if meeting.starts_at:
            starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
            initial.update(dating=DATING_EXACT, day=starts.date(), start_time=starts.time(), end_time=ends.time())
            if ends.date() != starts.date():
                initial["end_day"] = ends.date()
        else:
            initial.update(dating=DATING_MONTH, month=meeting.month, last_month=meeting.last_month)
        return initial

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("dating") == DATING_EXACT:
            for name, message in (
                ("day", _("Enter the day.")),
                ("start_time", _("Enter the start time.")),
                ("end_time", _("Enter the end time.")),
            ):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
        elif cleaned.get("dating") == DATING_MONTH and not cleaned.get("month") and "month" not in self.errors:
            self.add_error("month", _("Enter the month."))
        return cleaned

    def meeting_data(self) -> dict:
        """The service's ``data`` from the cleaned form."""
        cleaned = self.cleaned_data
        data = {
            name: cleaned.get(name)
            for name in ("kind", "title", "description", "membership", "mode", "address", "link", "capacity")
        }
        data["audience"] = list(cleaned.get("audience") or [])
        data["cost_per_attendee"] = cleaned.get("cost_per_attendee")
        data["cost_vat_rate"] = cleaned.get("cost_vat_rate") if cleaned.get("cost_vat_rate") is not None else 25
        data["cost_description"] = cleaned.get("cost_description") or ""
        data["address"] = data["address"] or ""
        data["link"] = data["link"] or ""
        data["description"] = data["description"] or ""
        if cleaned["dating"] == DATING_EXACT:
            end_day = cleaned.get("end_day") or cleaned["day"]
            data.update(
                starts_at=_combine(cleaned["day"], cleaned["start_time"]),
                ends_at=_combine(end_day, cleaned["end_time"]),
                month=None,
                last_month=None,
            )
        else:
            data.update(starts_at=None, ends_at=None, month=cleaned["month"], last_month=cleaned.get("last_month"))
        return data


WHEN_HELP = _(
    "A month (2018-06), a span of months (2018-06 – 2018-11), or a day with times (2021-09-13 10.00–15.00). "
    "Swedish time."
)
WHEN_MONTH = re.compile(r"(\d{4}-\d{1,2})(?:\s*(?:–|—|-{1,2}|/|till)\s*(\d{4}-\d{1,2}))?")
WHEN_DAY = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})(?:\s+(?:kl\.?\s*)?(\S+?)\s*(?:–|—|-)\s*(\S+))?", re.IGNORECASE)


def parse_when(value: str) -> dict:
    """The quick add's one date field: a month, a span of months, or a day with start and end time."""
    value = " ".join((value or "").split())
    if match := WHEN_MONTH.fullmatch(value):
        first = parse_month(match[1])
        last = parse_month(match[2]) if match[2] else None
        return {"month": first, "last_month": last, "starts_at": None, "ends_at": None}
    if match := WHEN_DAY.fullmatch(value):
        try:
            day = date.fromisoformat("-".join(part.zfill(2) for part in match[1].split("-")))
        except ValueError:
            raise forms.ValidationError(_("Enter a real date, e.g. 2021-09-13."), code="invalid") from None
        if not match[2]:
            raise forms.ValidationError(
                _("Give the times too, e.g. 2021-09-13 10.00–15.00, or only the month for a preliminary date."),
                code="incomplete",
            )
        starts, ends = parse_time(match[2]), parse_time(match[3])
        return {"starts_at": _combine(day, starts), "ends_at": _combine(day, ends), "month": None, "last_month": None}
    if OFFSET.search(value):
        raise forms.ValidationError(TIME_ZONE_MESSAGE, code="offset")
    raise forms.ValidationError(WHEN_HELP, code="invalid")


class QuickAddForm(forms.Form):
    """One row of the timetable page: enough for a preliminary meeting, completed later on its own page."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = _line(_("Title"), required=True)
    when = forms.CharField(label=_("When"), max_length=60, help_text=WHEN_HELP)
    audience = _audience_field()
    mode = forms.ChoiceField(label=_("Mode"), choices=Meeting.Mode.choices, initial=Meeting.Mode.PHYSICAL)
    address = _line(_("Address"), max_length=ADDRESS_MAX_LENGTH)
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")

    def clean_when(self):
        return parse_when(self.cleaned_data["when"])

    def meeting_data(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "kind": cleaned["kind"],
            "title": cleaned["title"],
            "audience": list(cleaned.get("audience") or []),
            "mode": cleaned["mode"],
            "address": cleaned.get("address") or "",
            "link": cleaned.get("link") or "",
            **cleaned["when"],
        }


class ShiftForm(forms.Form):
    meetings = forms.ModelMultipleChoiceField(
        label=_("Meetings"), queryset=Meeting.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    months = forms.IntegerField(
        label=_("Months"),
        required=False,
        min_value=-SHIFT_MAX_MONTHS,
        max_value=SHIFT_MAX_MONTHS,
        initial=0,
        widget=forms.NumberInput(attrs={"form": "shift-form"}),
    )
    days = forms.IntegerField(
        label=_("Days"),
        required=False,
        min_value=-SHIFT_MAX_DAYS,
        max_value=SHIFT_MAX_DAYS,
        initial=0,
        widget=forms.NumberInput(attrs={"form": "shift-form"}),
        help_text=_("Days move only meetings with an exact date; preliminary ones move by months."),
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meetings"].queryset = Meeting.objects.filter(network=network)
        self.fields["meetings"].error_messages["required"] = _("Choose the meetings to move.")

    def clean(self):
        cleaned = super().clean()
        cleaned["months"], cleaned["days"] = cleaned.get("months") or 0, cleaned.get("days") or 0
        if not self.errors and not cleaned["months"] and not cleaned["days"]:
            raise forms.ValidationError(_("Give a number of months or days to move by."))
        return cleaned


class CopyForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Copy from"), queryset=Network.objects.none())
    shift_months = forms.IntegerField(
        label=_("Move by months"),
        required=False,
        min_value=-SHIFT_MAX_MONTHS * 2,
        max_value=SHIFT_MAX_MONTHS * 2,
        help_text=_("Empty: so that the first meeting lands in the network’s first month."),
    )

    def __init__(self, *args, network: Network, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        if network.previous_cohort_id and not self.is_bound:
            self.initial.setdefault("source", network.previous_cohort_id)


class AgendaBlockForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    starts = WallClockTimeField(label=_("From"), required=False, help_text="")
    ends = WallClockTimeField(label=_("To"), required=False, help_text="")
    title = _line(_("Title"))
    audience = _line(_("For whom"), max_length=300)
    description = _text(_("Description"))
    order = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0, max_value=1000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned
        started = cleaned.get("id") or any(cleaned.get(n) for n in ("starts", "ends", "title", "description"))
        if started and not cleaned.get("title") and "title" not in self.errors:
            self.add_error("title", _("Give the block a title."))
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("The block cannot end before it starts."))
        return cleaned


class BaseAgendaFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or not (data.get("id") or data.get("title")):
                continue
            row = {name: data.get(name) for name in ("id", "starts", "ends", "title", "audience", "description")}
            row["order"] = data.get("order") or 0
            row["delete"] = bool(data.get("DELETE"))
            rows.append(row)
        return rows


AgendaFormSet = forms.formset_factory(
    AgendaBlockForm,
    formset=BaseAgendaFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    absolute_max=30,
    validate_max=True,
)


def agenda_formset(*, meeting: Meeting, data=None) -> BaseAgendaFormSet:
    initial = [
        {
            "id": block.pk,
            "starts": block.starts,
            "ends": block.ends,
            "title": block.title,
            "audience": block.audience,
            "description": block.description,
            "order": block.order,
        }
        for block in meeting.agenda.all()
    ]
    return AgendaFormSet(data=data, initial=initial, prefix="agenda")


class HomeworkForm(forms.Form):
    title = _line(_("Title"), required=True)
    description = _text(_("Description"))
    due_day = forms.DateField(label=_("Due date"), widget=DATE_INPUT)
    due_time = WallClockTimeField(
        label=_("Time"), required=False, help_text=_("Swedish time; 23.59 if empty: the whole day counts.")
    )

    def homework_data(self) -> dict:
        cleaned = self.cleaned_data
        due = (
            cleaned["due_day"] if cleaned.get("due_time") is None else _combine(cleaned["due_day"], cleaned["due_time"])
        )
        return {"title": cleaned["title"], "description": cleaned.get("description") or "", "due_at": due}


class RsvpForm(forms.Form):
    """A participant's answer to an invitation: kommer / kommer inte, and dietary needs for a meeting on site."""

    response = forms.ChoiceField(
        label=_("Are you attending?"),
        choices=[("yes", _("Attending")), ("no", _("Not attending"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether you are attending.")},
    )
    # Free text such as "- glutenfri" is normal here; it is never exported as a spreadsheet formula.
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        max_length=300,
        required=False,
        help_text=_("Allergies or special diets, for the lunch and coffee. Deleted the day after the meeting."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting.mode not in (Meeting.Mode.PHYSICAL, Meeting.Mode.HYBRID):
            del self.fields["dietary_needs"]
