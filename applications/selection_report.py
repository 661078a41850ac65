"""What the selection report shows, for its page and its PDF alike: one context from one network.

The rows are the workbench's (a constant number of queries); the distribution sections carry a small
bar chart per series beside the table with the same numbers.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from applications import reviews, workbench
from applications.models import Application
from core import charts

Decision = Application.Decision
CHART_LABEL_WIDTHS = {"area": 190, "county": 190, "size": 210, "kommungrupp": 290, "bloc": 150}


def distribution_series(bench: workbench.Workbench) -> list[tuple[str, str]]:
    """Which counts the distribution charts show: applicants, the proposal (if any), the accepted (if any)."""
    series = [("applicants", _("Applicants"))]
    if bench.chosen_ids:
        series.append(("proposal", _("Proposal")))
    if bench.count(Decision.ACCEPTED):
        series.append(("accepted", _("Accepted")))
    return series


def distribution_sections(bench: workbench.Workbench) -> list[dict]:
    """Each dimension's distribution with one small bar chart per series (the table carries the same numbers)."""
    series = distribution_series(bench)
    sections = []
    for distribution in workbench.distributions(bench.all_rows, bench.chosen_ids):
        chart_list = [
            charts.bar_chart(
                chart_id=f"distribution-{distribution.key}-{key}",
                title=f"{label}: {distribution.title}",
                description=_("The number in each group; the same numbers are in the table."),
                bars=[(bucket.label, getattr(bucket, key)) for bucket in distribution.buckets],
                label_width=CHART_LABEL_WIDTHS[distribution.key],
                number=charts.count,
            )
            for key, label in series
        ]
        sections.append({"distribution": distribution, "charts": list(zip(series, chart_list, strict=True))})
    return sections


def run_context(bench: workbench.Workbench) -> dict:
    """The latest run's explanation for a template: binding rules with gains, medians used, its rules in words."""
    run_ = bench.run
    if run_ is None:
        return {
            "binding": [],
            "filled": [],
            "rules_in_words": workbench.rules_in_words(workbench.current_rules(bench.network)),
        }
    result = run_.result or {}
    gains = result.get("binding_gains", {})
    names = {int(key): facts.get("label", key) for key, facts in run_.candidates.items()}
    return {
        "binding": [(name, gains.get(name)) for name in result.get("binding", [])],
        "filled": sorted(
            (names.get(pk, str(pk)) for pk in result.get("missing_filled", [])), key=workbench.sort_name_key
        ),
        "rules_in_words": workbench.rules_in_words(run_.rules, names=names),
    }


def report_context(network) -> dict:
    """Everything the selection report shows of ``network``: criteria, applicants, proposal, decisions, spread.

    Texts made here (rules in words, distribution titles) are in the active language: a caller rendering
    a Swedish document calls it inside ``translation.override("sv")``.
    """
    bench = workbench.workbench(network, sort="name", with_decider=True)
    chosen_rows = sorted(
        (row for row in bench.all_rows if row.chosen),
        key=lambda row: -(row.contribution.total if row.contribution else 0),
    )
    left_out = sorted(
        (row for row in bench.all_rows if row.in_run and not row.chosen),
        key=lambda row: (row.swap.cost if row.swap else float("inf"), workbench.sort_name_key(row.name)),
    )
    return {
        "network": network,
        "bench": bench,
        "run": bench.run,
        "criteria": reviews.review_criteria(network=network),
        "out_of_date": workbench.out_of_date(bench),
        "chosen_rows": chosen_rows,
        "left_out": left_out,
        "decided": [row for value, _label in Decision.choices for row in bench.by_decision(value)],
        "waiting": bench.by_decision(Decision.WAITLIST),
        "overrides": bench.overrides,
        "sections": distribution_sections(bench),
        "show_need": bench.show_need,
        "now": timezone.now(),
        **run_context(bench),
    }
