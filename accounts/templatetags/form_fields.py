"""Bootstrap 5 rendering of a bound form field, accessible by default.

Every field gets a visible label; help text and errors are tied to the input
with ``aria-describedby``, and an invalid input says so with ``aria-invalid``.
Used by the allauth element templates and our own account pages.
"""

from django import forms, template

register = template.Library()

CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def widget_kind(widget) -> str:
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, CHOICE_WIDGETS):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    return "input"


@register.inclusion_tag("accounts/_field.html")
def form_field(field):
    widget = field.field.widget
    kind = widget_kind(widget)
    auto_id = field.auto_id or f"id_{field.html_name}"
    help_id = f"{auto_id}_helptext"
    error_id = f"{auto_id}_error"
    described = [error_id] if field.errors else []
    if field.help_text:
        described.append(help_id)
    css = {"checkbox": "form-check-input", "select": "form-select", "choices": ""}.get(kind, "form-control")
    if field.errors and css:
        css += " is-invalid"
    attrs = {}
    if css:
        attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), css]))
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return {
        "field": field,
        "kind": kind,
        "widget_html": field.as_widget(attrs=attrs),
        "help_id": help_id,
        "error_id": error_id,
    }
