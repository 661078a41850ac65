"""Reads of a network's timetable: its meetings in order, with their agenda (and homework) prefetched.

Each selector costs a constant number of queries however many meetings there are.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from meetings.models import AgendaBlock, Homework, Meeting
from networks.models import Network


def _ordered(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.order_by("sort_date", "starts_at", "pk")


def timetable(network: Network, *, include_cancelled: bool = False) -> list[Meeting]:
    """The public timetable: planned meetings in order, with their agenda (two queries)."""
    meetings = network.meetings.all()
    if not include_cancelled:
        meetings = meetings.filter(status=Meeting.Status.PLANNED)
    return list(
        _ordered(meetings).prefetch_related(
            Prefetch("agenda", queryset=AgendaBlock.objects.order_by("starts", "order", "pk"))
        )
    )


def timetable_for_lead(network: Network) -> list[Meeting]:
    """Every meeting, cancelled ones too, with agenda, homework and the check-in's municipality (three queries)."""
    return list(
        _ordered(network.meetings.all())
        .select_related("membership__municipality")
        .prefetch_related(
            Prefetch("agenda", queryset=AgendaBlock.objects.order_by("starts", "order", "pk")),
            Prefetch("homework", queryset=Homework.objects.order_by("due_at", "pk")),
        )
    )


def _time(moment) -> str:
    return date_format(timezone.localtime(moment), "H.i")


def meeting_when(meeting: Meeting) -> str:
    """The date as people write it: "Juni 2018 (preliminärt)", "13 september 2021 kl. 10.00–15.00"."""
    if meeting.starts_at is None:
        first = capfirst(date_format(meeting.month, "F Y"))
        if meeting.last_month and meeting.last_month != meeting.month:
            last = date_format(meeting.last_month, "F Y")
            if meeting.kind == Meeting.Kind.WORK_PERIOD:  # a span of work, not a meeting waiting for its date
                return f"{first} – {last}"
            return _("%(first)s – %(last)s (preliminary)") % {"first": first, "last": last}
        return _("%(month)s (preliminary)") % {"month": first}
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    if starts.date() == ends.date():
        return _("%(date)s at %(start)s–%(end)s") % {
            "date": date_format(starts, "j F Y"),
            "start": _time(starts),
            "end": _time(ends),
        }
    return _("%(start_date)s at %(start)s – %(end_date)s at %(end)s") % {
        "start_date": date_format(starts, "j F Y"),
        "start": _time(starts),
        "end_date": date_format(ends, "j F Y"),
        "end": _time(ends),
    }


def audience_labels(keys) -> list[str]:
    labels = dict(Meeting.Audience.choices)
    return [str(labels[key]) for key in keys or () if key in labels]
