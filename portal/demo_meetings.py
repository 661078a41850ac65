"""The seed networks' timetables as meetings, for each cohort.

The invitations give the shapes: 000 by month ("Maj 2017 – Styrgrupp +
projektledare – uppstartsmöte"), 001 with its first meeting dated to the day and
the rest by month, 002 with dated digital meetings and their time blocks. A
finished cohort has every meeting dated (it happened); a new cohort keeps the
invitation's precision, except that meetings of a running cohort that are already
past are dated, and so is 001's open final seminar (for others to sign up).
Meetings are upserted by a UID derived from the network and the meeting's place
in the timetable, so a second run changes nothing and the calendar UIDs stay the
same.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from meetings.invitations import invitees
from meetings.models import AgendaBlock, Homework, Invitation, Meeting
from networks.models import Network
from portal.demo_texts import (
    NETWORK_000,
    NETWORK_001,
    NETWORK_002,
    TIMETABLE_000,
    TIMETABLE_001,
    TIMETABLE_002,
    TIMETABLE_002_AFTER,
    add_months,
    end_of_day,
    weekday_on_or_after,
)
from portal.demo_upsert import upsert

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NAMESPACE = uuid.UUID("6f1d3c8e-2f5b-4a51-9d38-7a0c6f0e4b11")
VENUE = "Sveriges Kommuner och Regioner, Hornsgatan 20, Stockholm"
Kind, Mode, Audience = Meeting.Kind, Meeting.Mode, Meeting.Audience
LEADS_AND_STEERING = [Audience.STEERING_GROUP, Audience.PROJECT_LEADER]
BLOCK = re.compile(r"^(\d{1,2})\.(\d{2})–(\d{1,2})\.(\d{2}) ([^.]+)\.\s*(.*)$")


def meeting_uid(network: Network, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{network.slug}:{index}")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def upsert_meeting(network: Network, index: int, values: dict) -> Meeting:
    return upsert(Meeting, {"network_id": network.pk, **values}, uid=meeting_uid(network, index))


def when(day: date, *, exact: bool, hours=(10, 15)) -> dict:
    """Exact 10.00–15.00 on the first weekday from ``day``, or the month, preliminary."""
    if exact:
        day = weekday_on_or_after(day)
        return {"starts_at": at(day, hours[0]), "ends_at": at(day, hours[1]), "month": None, "last_month": None}
    return {"starts_at": None, "ends_at": None, "month": day.replace(day=1), "last_month": None}


def seed_000(network: Network, start: date, *, dated) -> list[Meeting]:
    meetings = []
    for index, (first, last, who, what) in enumerate(TIMETABLE_000):
        day = add_months(start, first)
        what = what.format(org="SKR" if start.year >= 2019 else "SKL")
        values = {"title": what[0].upper() + what[1:], "description": "", "status": Meeting.Status.PLANNED}
        if last is not None:  # the municipalities' own work: a span of months, no meeting
            values |= {"kind": Kind.WORK_PERIOD, "mode": Mode.PHYSICAL, "audience": [], "address": ""}
            values |= {"starts_at": None, "ends_at": None, "month": day.replace(day=1)}
            values["last_month"] = add_months(start, last).replace(day=1)
        else:
            final = "slutseminarium" in what
            kind = (
                Kind.FINAL_SEMINAR if final else Kind.NETWORK if who.startswith("Styrgrupp") else Kind.PROJECT_LEADERS
            )
            audience = LEADS_AND_STEERING if kind != Kind.PROJECT_LEADERS else [Audience.PROJECT_LEADER]
            values |= {"kind": kind, "audience": audience + ([Audience.PUBLIC] if final else [])}
            values |= {"mode": Mode.PHYSICAL, "address": VENUE, **when(day, exact=dated(day))}
            values["description"] = f"{who}."
        meeting = upsert_meeting(network, index, values)
        meetings.append(meeting)
        if index == 0 and meeting.starts_at:
            due = end_of_day(weekday_on_or_after(add_months(start, 2)))
            homework = {
                "description": "Analysera på hemmaplan de bakomliggande orsakerna till behovet av "
                "förändring av styrningen och skicka in analysen."
            }
            upsert(Homework, {**homework, "due_at": due}, meeting=meeting, title="Analys av styrningen")
    return meetings


def seed_001(network: Network, start: date, *, dated) -> list[Meeting]:
    meetings = []
    org = "SKR" if start.year >= 2019 else "SKL"
    for index, (offset, title, programme) in enumerate(TIMETABLE_001):
        day = add_months(start, offset)
        final = offset == TIMETABLE_001[-1][0]
        values = {
            "title": title,
            "description": programme.format(org=org),
            "kind": Kind.FINAL_SEMINAR if final else Kind.NETWORK,
            "audience": [Audience.ALL_PARTICIPANTS] + ([Audience.PUBLIC] if final else []),
            "mode": Mode.PHYSICAL,
            "address": VENUE,
            "status": Meeting.Status.PLANNED,
            "capacity": 80 if final else None,
            # The final seminar is open to other kommuner, so its date is set early for them to sign up.
            **when(day, exact=offset == 0 or final or dated(day)),
        }
        meeting = upsert_meeting(network, index, values)
        meetings.append(meeting)
        if index == 0 and meeting.starts_at:
            due = end_of_day(weekday_on_or_after(add_months(start, TIMETABLE_001[1][0])) - timedelta(days=14))
            homework = {"description": "Genomför undersökningen och enkäten på hemmaplan och skicka in resultatet."}
            upsert(Homework, {**homework, "due_at": due}, meeting=meeting, title="Undersökning och enkät")
    return meetings


def seed_002(network: Network, start: date) -> list[Meeting]:
    meetings = []
    for index, (offset, note, programme) in enumerate(TIMETABLE_002):
        day = start + timedelta(days=offset)
        values = {
            "title": "Uppstart" if index == 0 else "Inspiration och kommunvis arbete",
            "description": "Preliminärt program." if "preliminärt" in note else "",
            "kind": Kind.NETWORK,
            "audience": [Audience.ALL_PARTICIPANTS],
            "mode": Mode.DIGITAL,
            "address": "",
            "link": f"https://example.se/mote/{network.slug}-{index + 1}",
            "status": Meeting.Status.PLANNED,
            **when(day, exact=True),
        }
        meeting = upsert_meeting(network, index, values)
        for order, line in enumerate(programme):
            match = BLOCK.match(line)
            if match is None:
                continue
            h1, m1, h2, m2, title, audience = match.groups()
            block = {"title": title, "starts": time(int(h1), int(m1)), "ends": time(int(h2), int(m2))}
            upsert(AgendaBlock, {**block, "audience": audience}, meeting=meeting, order=order)
        meetings.append(meeting)
    return meetings


def seed_meetings(network: Network, spec, start: date, *, historical: bool, today: date) -> list[Meeting]:
    """The cohort's meetings; a finished cohort's are all dated, a new one's are dated once past."""

    def dated(day: date) -> bool:
        return historical or day <= today

    if spec is NETWORK_000:
        return seed_000(network, start, dated=dated)
    if spec is NETWORK_001:
        return seed_001(network, start, dated=dated)
    if spec is NETWORK_002:
        return seed_002(network, start)
    return []


def timetable_note(spec, context: dict) -> str:
    """What the invitation says under Tidplan besides the meetings."""
    return TIMETABLE_002_AFTER.format(**context) if spec is NETWORK_002 else ""


def seed_invitations(meetings: list[Meeting]) -> None:
    """Every dated meeting's invitations; those that have taken place with answers and attendance.

    The answers and attendance follow a fixed pattern (no randomness), so a second run
    changes nothing: about one in seven declines and one in nine who said yes did not come.
    """
    now = timezone.now()
    for index, meeting in enumerate(meetings):
        if meeting.starts_at is None or meeting.is_cancelled:
            continue
        past = meeting.ends_at < now
        for number, participant in enumerate(invitees(meeting)):
            pattern = index * 31 + number * 7 + participant.membership.municipality_id
            invited_at = timezone.localtime(meeting.starts_at) - timedelta(days=30)  # same wall clock every run
            values = {"invited_at": invited_at, "response": "", "responded_at": None, "attended": None}
            if past or pattern % 3:
                values["response"] = "no" if pattern % 7 == 0 else "yes"
                values["responded_at"] = invited_at + timedelta(days=1 + pattern % 10)
            if past:
                values["attended"] = values["response"] == "yes" and pattern % 9 != 0
            upsert(Invitation, values, meeting=meeting, participant=participant)
