"""The timetable in templates: ``{% network_timetable network as meetings %}``, the date text of a meeting,
and whether an open seminar takes sign-ups."""

from django import template

from meetings import selectors
from meetings.seminars import is_open_for_registration

register = template.Library()


@register.simple_tag
def network_timetable(network):
    """The network's planned meetings in order with their agenda (two queries, however many meetings)."""
    return selectors.timetable(network)


@register.filter
def meeting_when(meeting) -> str:
    return selectors.meeting_when(meeting)


@register.filter
def audience_labels(keys) -> str:
    return ", ".join(selectors.audience_labels(keys))


@register.filter
def open_for_registration(meeting) -> bool:
    """Whether the public may sign up for ``meeting`` now: an open seminar not yet begun (no query)."""
    return is_open_for_registration(meeting)
