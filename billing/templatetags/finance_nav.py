"""``{% shows_finance user as show_finance %}``: whether the navigation offers finance's pages."""

from django import template

from accounts.roles import is_finance

register = template.Library()


@register.simple_tag
def shows_finance(user) -> bool:
    return is_finance(user)
