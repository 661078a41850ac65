"""axe-core in the page (the copy bundled with axe-playwright-python, injected locally: no CDN).

``assert_accessible(page)`` fails on any serious or critical violation of WCAG 2.0/2.1 A and AA,
the level Swedish public-sector sites must meet (lagen om tillgänglighet till digital offentlig service).

axe runs with ``resultTypes: ["violations"]`` and only the blocking violations come back from the
page: the passes and the full results of a large page are never built or sent over, which keeps a
run on the biggest pages (the selection workbench, the application form) well under a second.
"""

from __future__ import annotations

from functools import cache

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ["serious", "critical"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
RUN = """([options, blocking]) => axe.run(document, options).then(results => results.violations
  .filter(v => blocking.includes(v.impact))
  .map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, failureSummary: n.failureSummary}))})))"""


@cache
def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())
    return page.evaluate(RUN, [OPTIONS, BLOCKING])


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} – {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {(node.get('failureSummary') or '')[:300]}")
    return "\n".join(lines)


def assert_accessible(page, name: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {name or page.url}:\n{describe(violations)}"
