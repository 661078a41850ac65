"""``{{ amount|sek }}``: 25 000 kr (see billing.money.sek)."""

from django import template

from billing.money import sek as format_sek

register = template.Library()


@register.filter
def sek(value):
    return format_sek(value) if value not in (None, "") else ""
