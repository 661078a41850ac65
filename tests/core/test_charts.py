import xml.etree.ElementTree as ET

from core import charts

SVG = "{http://www.w3.org/2000/svg}"


def _line(**kwargs):
    defaults = {
        "chart_id": "trend-U11901",
        "title": "Effektivitetsindex förskola",
        "description": "Per year",
        "years": [2021, 2022, 2023],
        "series": [charts.Series("Kommun", [10.0, None, 30.0]), charts.Series("Median", [20.0, 21.0, 22.0])],
    }
    return str(charts.line_chart(**{**defaults, **kwargs}))


def _bar(**kwargs):
    defaults = {"chart_id": "bar", "title": "Latest", "description": "Bars", "bars": [("A", 5.0), ("B", -3.0)]}
    return str(charts.bar_chart(**{**defaults, **kwargs}))


def test_line_chart_is_valid_accessible_svg():
    root = ET.fromstring(_line())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "trend-U11901-title trend-U11901-desc"
    assert root.find(f"{SVG}title").get("id") == "trend-U11901-title"
    assert root.find(f"{SVG}title").text == "Effektivitetsindex förskola"
    assert root.find(f"{SVG}desc").get("id") == "trend-U11901-desc"


def test_line_chart_breaks_the_line_at_a_missing_value():
    root = ET.fromstring(_line(series=[charts.Series("Kommun", [10.0, None, 30.0])]))
    polylines = root.findall(f"{SVG}polyline")
    # two one-point segments around the gap, never a point at zero
    assert len(polylines) == 2
    assert len(root.findall(f"{SVG}circle")) == 2


def test_bar_chart_is_valid_accessible_svg_and_writes_missing_as_dash():
    markup = _bar(bars=[("A", 5.0), ("B", None)])
    root = ET.fromstring(markup)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Latest"
    assert len(root.findall(f"{SVG}rect")) == 1
    assert "–" in [text.text for text in root.findall(f"{SVG}text")]


def test_charts_without_values_still_render():
    ET.fromstring(_line(series=[charts.Series("Kommun", [None, None, None])]))
    ET.fromstring(_bar(bars=[("A", None)]))


def test_charts_have_no_style_or_script():
    for markup in (_line(), _bar()):
        assert "style=" not in markup
        assert "<script" not in markup.lower()


def test_charts_escape_every_text():
    evil = '<script>alert("x")</script>'
    line = _line(title=evil, description=evil, series=[charts.Series(evil, [1.0, 2.0, 3.0])])
    bar = _bar(title=evil, bars=[(evil, 1.0)])
    for markup in (line, bar):
        assert "<script" not in markup
        root = ET.fromstring(markup)
        assert root.find(f"{SVG}title").text == evil


def test_chart_id_is_sanitised():
    root = ET.fromstring(_line(chart_id='x" onload="y'))
    assert root.get("onload") is None


# --- Every chart has a title; only presentation attributes; every text escaped -----------------------------

HOSTILE_LABELS = ["</text><script>alert(1)</script>", '" onload="alert(1)', "<foreignObject>x</foreignObject>"]
# What the charts may contain: SVG shapes and text with presentation attributes, nothing that loads or runs.
ALLOWED_TAGS = {f"{SVG}{tag}" for tag in ("svg", "title", "desc", "line", "polyline", "circle", "rect", "text")}
ALLOWED_ATTRIBUTES = {
    "viewBox", "width", "height", "role", "aria-labelledby", "class", "font-family", "font-size", "id",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "points", "fill", "stroke", "stroke-width",
    "stroke-dasharray", "text-anchor",
}  # fmt: skip


def _all_charts(label: str) -> list[str]:
    series = [charts.Series(label, [1.0, None, 3.0]), charts.Series("Median", [2.0, 2.0, 2.0])]
    return [
        _line(chart_id=label, title=label, description=label, series=series),
        _bar(chart_id=label, title=label, description=label, bars=[(label, 1.0), ("B", None)]),
        _bar(chart_id=label, title=label, description=label, bars=[(label, None)]),
        str(charts.line_figure(chart_id=label, title=label, description=label, years=[2024, 2025], series=[]).svg),
    ]


def test_charts_hold_only_shapes_text_and_presentation_attributes():
    for label in HOSTILE_LABELS:
        for markup in _all_charts(label):
            root = ET.fromstring(markup)
            for element in root.iter():
                assert element.tag in ALLOWED_TAGS, element.tag
                assert set(element.attrib) <= ALLOWED_ATTRIBUTES, element.attrib
            lowered = markup.lower()
            for forbidden in ("style=", "<script", "<foreignobject", "href=", "url(", "<image", "<use"):
                assert forbidden not in lowered


def test_hostile_labels_are_text_not_markup():
    for label in HOSTILE_LABELS:
        line, bar, *_rest = _all_charts(label)
        for markup in (line, bar):
            root = ET.fromstring(markup)
            assert root.find(f"{SVG}title").text == label
            assert root.find(f"{SVG}desc").text == label
            assert label in [text.text for text in root.findall(f"{SVG}text")]
            assert all(not name.startswith("on") for element in root.iter() for name in element.attrib)


def test_every_chart_has_a_title_even_a_blank_one():
    for markup in (_line(title=""), _bar(title="  ")):
        root = ET.fromstring(markup)
        title = root.find(f"{SVG}title")
        assert title.text.strip()
        assert root.get("aria-labelledby").split()[0] == title.get("id")
    assert charts.line_figure(chart_id="x", title="", description="", years=[], series=[]).title.strip()


# --- Chart: the chart and its numbers as a table ------------------------------------------------------------


def test_line_figure_gives_the_chart_and_its_table(settings):
    from django.utils import translation

    series = [charts.Series("Kommun", [12.5, None, 130000.0]), charts.Series("Median", [1.0, 2.0, 3.0])]
    with translation.override("sv"):
        chart = charts.line_figure(
            chart_id="c", title="Kostnad", description="d", years=[2021, 2022, 2023], series=series
        )
    assert chart.title == "Kostnad"
    assert ET.fromstring(str(chart.svg)).find(f"{SVG}title").text == "Kostnad"
    assert chart.headers == ("År", "Kommun", "Median")
    assert chart.rows == (
        ("2021", ("12,5", "1,0")),
        ("2022", ("–", "2,0")),
        ("2023", ("130\u00a0000", "3,0")),
    )


def test_bar_figure_gives_the_chart_and_its_table():
    chart = charts.bar_figure(
        chart_id="b", title="Staplar", description="d", bars=[("A", 5.0), ("B", None)], label_header="Grupp",
        value_header="Index", number=lambda value: "–" if value is None else f"{value:.0f}",
    )  # fmt: skip
    assert chart.headers == ("Grupp", "Index")
    assert chart.rows == (("A", ("5",)), ("B", ("–",)))
    assert len(ET.fromstring(str(chart.svg)).findall(f"{SVG}rect")) == 1


def _include(chart, **extra) -> str:
    from django.template.loader import render_to_string

    return render_to_string("reports/_chart.html", {"chart": chart, **extra})


def _hostile_figure():
    label = HOSTILE_LABELS[0]
    return charts.line_figure(
        chart_id="h", title=label, description=label, years=[2024, 2025], series=[charts.Series(label, [1.0, 2.0])]
    )


def test_chart_include_shows_the_table_in_details_on_a_page_and_printed_in_a_pdf():
    chart = _hostile_figure()
    page, document = _include(chart), _include(chart, pdf=True)
    assert "<details" in page and "<details" not in document
    for html in (page, document):
        assert '<figure class="chart">' in html and "<figcaption>" in html
        assert '<thead><tr><th scope="col">' in html
        assert html.count('<th scope="row">') == 2
        assert "<script" not in html
        assert "&lt;/text&gt;&lt;script&gt;" in html


def test_weasyprint_draws_the_chart_and_prints_its_table(caplog):
    import logging

    from django.utils import translation

    from reports import pdf
    from tests.reports import pdfs

    series = [charts.Series("Upplands Väsby", [12.5, None, 130000.0]), charts.Series("Median", [1.0, 2.0, 3.0])]
    with translation.override("sv"):
        chart = charts.line_figure(
            chart_id="c", title="Kostnad per elev", description="d", years=[2021, 2022, 2023], series=series
        )
        body = _include(chart, pdf=True)
    head = '<head><meta charset="utf-8"><title>Prov</title></head>'
    html = f'<!DOCTYPE html><html lang="sv">{head}<body><h1>Prov</h1>{body}</body></html>'
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = pdf.html_to_pdf(html)
    assert not [r for r in caplog.records if "svg" in r.getMessage().lower()]
    assert pdfs.title(data) == "Prov"  # the chart's <title> is not the document's
    assert pdfs.page_count(data) == 1
    text = pdfs.text(data)
    assert "Kostnad per elev" in text
    assert "2021" in text and "2023" in text  # the axis (and the table)
    assert "130 000" in text and "12,5" in text  # the table carries the numbers
    # The tagged PDF has the chart as a figure whose alternative text is the chart's title.
    assert "Kostnad per elev" in _alt_texts(data)


def _alt_texts(data: bytes) -> list[str]:
    from tests.reports import pdfs

    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(pdfs.reader(data).trailer["/Root"]["/StructTreeRoot"])
    return found
