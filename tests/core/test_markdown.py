import re

import pytest

from core.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klicka](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="https://evil.example" style="color:red">x</a>',
    "<iframe src=https://evil.example></iframe>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_never_lets_active_content_through(text):
    html = render_markdown(text)
    assert not re.search(r"<(script|img|iframe)\b", html)
    assert not re.search(r"<[a-z]+[^>]*\s(on\w+|style)=", html)
    assert not re.search(r"href=\"(javascript|data):", html)


def test_markdown_renders_lists_emphasis_and_safe_links():
    html = render_markdown("Syfte:\n\n- **analys**\n- [SKR](https://skr.se)")
    assert "<li><strong>analys</strong></li>" in html
    assert 'href="https://skr.se"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_markdown_shows_typed_html_as_text():
    assert "&lt;b&gt;fet&lt;/b&gt;" in render_markdown("<b>fet</b>")


@pytest.mark.parametrize("text", [None, "", "🙂 emoji", "a" * 100_000, "x\x00y"])
def test_markdown_handles_empty_and_odd_input(text):
    render_markdown(text)
