"""The timetable in templates: ``{% network_timetable network as meetings %}`` and the date text of a meeting."""

from django import template

from meetings import selectors

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
