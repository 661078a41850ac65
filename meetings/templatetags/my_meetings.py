"""``{% shows_my_meetings user as show %}``: whether the navigation offers "My meetings" (the user is a
participant somewhere by a verified e-mail address). One query per page for a logged-in user, the same on
every page; none for a visitor who is not logged in."""

from django import template

from meetings.outreach import is_participant

register = template.Library()


@register.simple_tag
def shows_my_meetings(user) -> bool:
    return is_participant(user)
