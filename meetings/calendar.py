"""Meetings as iCalendar (RFC 5545): one event per exactly dated meeting.

Times are written in Europe/Stockholm with a VTIMEZONE generated from zoneinfo,
so a meeting at 10:00 stays at 10:00 on both sides of a daylight-saving change.
A meeting's UID never changes and its SEQUENCE is ``meeting.sequence``, so a
calendar client updates the event it already has instead of adding another.
Cancelled meetings stay in, marked CANCELLED, so clients remove them; preliminary
meetings (a month, no time yet) are left out until they are firmed up.
The output depends only on the data: the same meetings give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vText

from meetings.models import Meeting

TZID = "Europe/Stockholm"
STOCKHOLM = ZoneInfo(TZID)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def event_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{site_host()}"


def meeting_url(meeting: Meeting) -> str:
    """The meeting's own page if it has one, otherwise its network's public invitation."""
    get_absolute_url = getattr(meeting, "get_absolute_url", None)
    if get_absolute_url is not None:
        return absolute_url(get_absolute_url())
    return absolute_url(reverse("portal:invitation", kwargs={"slug": meeting.network.slug}))


def _clock(value) -> str:
    return value.strftime("%H.%M")


def agenda_line(block) -> str:
    """ "10.00–12.00 Title (audience)", as printed on the invitation."""
    times = "–".join(_clock(value) for value in (block.starts, block.ends) if value is not None)
    line = f"{times} {block.title}" if times else block.title
    return f"{line} ({block.audience})" if block.audience else line


def event_description(meeting: Meeting, *, with_link: bool = True) -> str:
    parts = []
    if meeting.description.strip():
        parts.append(meeting.description.strip())
    lines = [agenda_line(block) for block in meeting.agenda.all()]
    if lines:
        parts.append("\n".join(lines))
    if meeting.link and with_link:
        parts.append(_("Link to the digital meeting: %(link)s") % {"link": meeting.link})
    return "\n\n".join(parts)


def event_location(meeting: Meeting, *, with_link: bool = True) -> str:
    parts = []
    address = ", ".join(line.strip() for line in meeting.address.splitlines() if line.strip())
    if address and meeting.mode != Meeting.Mode.DIGITAL:
        parts.append(address)
    if meeting.mode in (Meeting.Mode.DIGITAL, Meeting.Mode.HYBRID):
        parts.append(f"{Meeting.Mode.DIGITAL.label} {meeting.link if with_link else ''}".strip())
    return ", ".join(parts)


def event_summary(meeting: Meeting) -> str:
    summary = f"{meeting.title} – {meeting.network.title}"
    if meeting.is_cancelled:
        return _("Cancelled: %(title)s") % {"title": summary}
    return summary


def meeting_event(meeting: Meeting, *, with_link: bool = True) -> Event:
    """The VEVENT of an exactly dated meeting (its agenda prefetched to save queries).

    ``with_link=False`` leaves out the link to the digital meeting (for the public .ics of one meeting)."""
    if meeting.is_preliminary:
        raise ValueError("A preliminary meeting has no time to put in a calendar.")
    modified = meeting.updated_at.astimezone(UTC).replace(microsecond=0)
    event = Event()
    event.add("UID", event_uid(meeting))
    event.add("DTSTAMP", modified)
    event.add("CREATED", meeting.created_at.astimezone(UTC).replace(microsecond=0))
    event.add("LAST-MODIFIED", modified)
    event.add("SEQUENCE", meeting.sequence)
    event.add("DTSTART", meeting.starts_at.astimezone(STOCKHOLM))
    event.add("DTEND", meeting.ends_at.astimezone(STOCKHOLM))
    event.add("SUMMARY", event_summary(meeting))
    description = event_description(meeting, with_link=with_link)
    if description:
        event.add("DESCRIPTION", description)
    location = event_location(meeting, with_link=with_link)
    if location:
        event.add("LOCATION", location)
    event.add("URL", meeting_url(meeting))
    event.add("STATUS", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


@lru_cache(maxsize=8)
def _vtimezone(first: date, last: date) -> bytes:
    # Building the VTIMEZONE walks every transition: do it once per span.
    return Timezone.from_tzid(TZID, first_date=first, last_date=last).to_ical()


def _timezone_span(meetings: list[Meeting]) -> tuple[date, date]:
    first, last = Timezone.DEFAULT_FIRST_DATE, Timezone.DEFAULT_LAST_DATE
    if meetings:
        first = min(first, meetings[0].starts_at.date() - timedelta(days=1))
        last = max(last, max(meeting.ends_at for meeting in meetings).date() + timedelta(days=366))
    return first, last


def calendar_for(meetings: Iterable[Meeting], *, name: str, with_link: bool = True) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) of the exactly dated ``meetings``, sorted by start; preliminary ones are skipped.

    ``with_link=False``: without the links to digital meetings (a file anyone may download)."""
    exact = sorted(
        (meeting for meeting in meetings if not meeting.is_preliminary),
        key=lambda meeting: (meeting.starts_at, meeting.ends_at, str(meeting.uid)),
    )
    calendar = Calendar()
    calendar.add("PRODID", f"-//{settings.SITE_NAME}//Meetings//SV")
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    # icalendar 7.3 types NAME and X-WR-CALNAME as unknown and would write them unescaped:
    # escape them as TEXT ourselves, on one line.
    calendar.add("NAME", vText(" ".join(name.split())))
    calendar.add("X-WR-CALNAME", vText(" ".join(name.split())))
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add_component(Timezone.from_ical(_vtimezone(*_timezone_span(exact))))
    for meeting in exact:
        calendar.add_component(meeting_event(meeting, with_link=with_link))
    return calendar.to_ical()
