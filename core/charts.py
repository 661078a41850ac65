"""Small server-rendered SVG charts: a line chart over years and a horizontal bar chart.

Accessible (role="img", <title> and <desc> referenced by aria-labelledby; WeasyPrint takes the <title>
as the figure's alternative text in a tagged PDF) and CSP-safe: presentation attributes only, no style
attribute, no script, nothing referenced from outside. Every text goes through format_html, so it is
escaped. The chart is never the only carrier of its numbers: ``line_figure`` and ``bar_figure`` return a
``Chart`` (the SVG, its title and the same numbers as table headers and rows), and
``templates/reports/_chart.html`` shows both, on a page (the table in a <details>) and in a PDF (the table
printed under the chart). ``line_chart`` and ``bar_chart`` return the SVG alone, for pages that lay out
their own table beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 12, 64
# (colour, stroke-dasharray): the series differ in dash as well as colour.
SERIES_STYLES = [("#0d47a1", ""), ("#b35c00", "6 4"), ("#2e7d32", "2 3"), ("#6a1b9a", "8 3 2 3")]
BAR_COLOURS = ["#0d47a1", "#b35c00", "#2e7d32", "#6a1b9a"]


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # one per year; None is a gap, never zero


def count(value: float | None) -> str:
    """A whole number: 3, 1 200 ("–" when missing)."""
    return "–" if value is None else number_format(round(value), force_grouping=True)


def format_value(value: float | None) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=0 if abs(value) >= 1000 else 1, force_grouping=True)


def _n(coordinate: float) -> str:
    return f"{coordinate:.1f}"


def _safe_id(chart_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)


@dataclass(frozen=True)
class Chart:
    """A chart and its numbers: the SVG, its title, and the same data as a table.

    ``headers`` are the table's column headers (the first one heads the row headers); each row is
    (row header, cells), every cell already formatted. Render with ``templates/reports/_chart.html``.
    """

    svg: SafeString
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


def _title(title: str) -> str:
    """Every chart has a title: a blank one becomes "Chart"."""
    return title if str(title).strip() else _("Chart")


def _svg(chart_id: str, title: str, description: str, height: int, body: SafeString, width: int = WIDTH) -> SafeString:
    chart_id = _safe_id(chart_id) or "chart"
    title = _title(title)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        'role="img" aria-labelledby="{id}-title {id}-desc" class="chart" font-family="sans-serif" font-size="12">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>{body}</svg>',
        width=width,
        height=height,
        id=chart_id,
        title=title,
        description=description,
        body=body,
    )


def _scale(values: list[float], *, include_zero: bool = False) -> tuple[float, float]:
    low, high = min(values), max(values)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        low, high = low - 1, high + 1
    return low, high


def line_chart(*, chart_id: str, title: str, description: str, years: list[int], series: list[Series]) -> SafeString:
    """Lines over ``years``; a missing value breaks the line instead of dropping to zero."""
    present = [value for line in series for value in line.values if value is not None]
    if not years or not present:
        return _svg(chart_id, title, description, 40, mark_safe('<text x="8" y="24">–</text>'))  # nosec B308
    low, high = _scale(present)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (plot_w * index / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    parts = [_axes(low, high, y)]
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" fill="#333">{}</text>',
            ((_n(x(i)), TOP + plot_h + 16, year) for i, year in enumerate(years)),
        )
    )
    for number, line in enumerate(series):
        colour, dash = SERIES_STYLES[number % len(SERIES_STYLES)]
        for segment in _segments(line.values):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
                    points,
                    colour,
                    format_html(' stroke-dasharray="{}"', dash) if dash else "",
                )
            )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3.5" fill="{}"/>',
                ((_n(x(i)), _n(y(v)), colour) for i, v in enumerate(line.values) if v is not None),
            )
        )
        parts.append(_legend_item(number, line.label, colour, dash))
    return _svg(chart_id, title, description, HEIGHT, mark_safe("".join(parts)))  # noqa: S308 (parts are escaped)  # nosec B308 B703


def _segments(values: list[float | None]) -> list[list[tuple[int, float]]]:
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        segments.append(current)
    return segments


def _axes(low: float, high: float, y) -> SafeString:
    ticks = [low, (low + high) / 2, high]
    return format_html(
        '<line x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="#666"/>'
        '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#666"/>{}',
        format_html_join(
            "",
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ddd"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="#333">{}</text>',
            (
                (LEFT, _n(y(tick)), WIDTH - RIGHT, _n(y(tick)), LEFT - 6, _n(y(tick) + 4), format_value(tick))
                for tick in ticks
            ),
        ),
        l=LEFT,
        t=TOP,
        b=HEIGHT - BOTTOM,
        r=WIDTH - RIGHT,
    )


def _legend_item(number: int, label: str, colour: str, dash: str) -> SafeString:
    column, row = number % 2, number // 2
    left = LEFT + column * 200
    top = HEIGHT - BOTTOM + 32 + row * 16
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>'
        '<text x="{}" y="{}" fill="#333">{}</text>',
        left,
        top - 4,
        left + 24,
        top - 4,
        colour,
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
        left + 30,
        top,
        label,
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[tuple[str, float | None]],
    label_width: int = 150,
    number: Callable[[float | None], str] = format_value,
) -> SafeString:
    """Horizontal bars from zero, one per (label, value); a missing value is written as "–".

    ``label_width`` makes room for long labels; the chart grows by as much, keeping the bars' width.
    ``number`` writes each bar's value (``count`` for whole numbers: 3, not 3,0).
    """
    present = [value for _label, value in bars if value is not None]
    row_h, label_w = 28, label_width
    width = WIDTH + label_width - 150
    height = TOP * 2 + row_h * max(len(bars), 1)
    if not present:
        body = format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="end" fill="#333">{}</text><text x="{}" y="{}" fill="#333">–</text>',
            (
                (label_w - 8, TOP + row_h * i + 18, label, label_w + 4, TOP + row_h * i + 18)
                for i, (label, _v) in enumerate(bars)
            ),
        )
        return _svg(chart_id, title, description, height, body, width)
    low, high = _scale(present, include_zero=True)
    plot_w = width - label_w - RIGHT - 70

    def x(value: float) -> float:
        return label_w + plot_w * (value - low) / (high - low)

    parts = [format_html('<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#666"/>', _n(x(0)), TOP, height - TOP)]
    for i, (label, value) in enumerate(bars):
        top = TOP + row_h * i
        parts.append(
            format_html('<text x="{}" y="{}" text-anchor="end" fill="#333">{}</text>', label_w - 8, top + 18, label)
        )
        if value is None:
            parts.append(format_html('<text x="{}" y="{}" fill="#333">–</text>', _n(x(0) + 4), top + 18))
            continue
        start, end = sorted((x(0), x(value)))
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/><text x="{}" y="{}" fill="#333">{}</text>',
                _n(start),
                top + 4,
                _n(max(end - start, 1)),
                row_h - 8,
                BAR_COLOURS[i % len(BAR_COLOURS)],
                _n(max(end, x(0)) + 4),
                top + 18,
                number(value),
            )
        )
    return _svg(chart_id, title, description, height, mark_safe("".join(parts)), width)  # noqa: S308 (escaped)  # nosec B308 B703


def line_figure(
    *,
    chart_id: str,
    title: str,
    description: str,
    years: list[int],
    series: list[Series],
    year_header: str = "",
    number: Callable[[float | None], str] = format_value,
) -> Chart:
    """``line_chart`` and its table: a row per year, a column per series (a missing value is "–")."""
    return Chart(
        svg=line_chart(chart_id=chart_id, title=title, description=description, years=years, series=series),
        title=_title(title),
        headers=(year_header or _("Year"), *(line.label for line in series)),
        rows=tuple(
            (str(year), tuple(number(line.values[i] if i < len(line.values) else None) for line in series))
            for i, year in enumerate(years)
        ),
    )


def bar_figure(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[tuple[str, float | None]],
    label_width: int = 150,
    label_header: str = "",
    value_header: str = "",
    number: Callable[[float | None], str] = format_value,
) -> Chart:
    """``bar_chart`` and its table: a row per bar (label, value)."""
    return Chart(
        svg=bar_chart(
            chart_id=chart_id,
            title=title,
            description=description,
            bars=bars,
            label_width=label_width,
            number=number,
        ),
        title=_title(title),
        headers=(label_header or _("Category"), value_header or _("Value")),
        rows=tuple((str(label), (number(value),)) for label, value in bars),
    )
