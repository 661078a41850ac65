"""Retention periods (core.retention) for the information texts, and rows of a register extract."""

from django import template

from core import retention

register = template.Library()


@register.simple_tag
def retention_period(key: str) -> str:
    """The period of the kind ``key`` as text: "2 years" ("2 år")."""
    try:
        return retention.get_rule(key).period
    except KeyError:
        return ""


@register.filter
def row_items(row: dict) -> list[tuple[str, object]]:
    """The values of one extract row, without the bookkeeping keys shown elsewhere."""
    return [(key, value) for key, value in row.items() if key not in {"pk"}]
