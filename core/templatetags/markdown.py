from django import template

from core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """``{{ network.purpose|markdown }}``: user Markdown as sanitised HTML."""
    return render_markdown(text)
