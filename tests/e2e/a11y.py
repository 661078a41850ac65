"""axe-core in the page (the copy bundled with axe-playwright-python, injected locally: no CDN).

``assert_accessible(page)`` fails on any serious or critical violation of WCAG 2.0/2.1 A and AA,
the level Swedish public-sector sites must meet (lagen om tillgänglighet till digital offentlig service).
"""

from __future__ import annotations

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} – {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


def assert_accessible(page, name: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {name or page.url}:\n{describe(violations)}"
