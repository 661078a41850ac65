import xml.etree.ElementTree as ET

from reports import charts

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
