"""The network's final report (slutrapport): the lead's own sections and what the data shows.

The shape of seed 004 (a mapping report: method, strengths, recommendations, next steps) with the
network's results: a cover, a table of contents with page numbers, the lead's sections (Markdown,
sanitised by ``core.markdown``), the network's satisfaction index (NKI) and attendance with charts and
their data as tables, and a chapter per member municipality: its problem description from its
application, key figures then and now, commitments, participation, hand-ins and evaluation results.

- The data of every member comes from ``meetings.followup.members_follow_up`` (the follow-up page's rows,
  read network-wide), so the report costs a constant number of queries however many members there are.
- Key figures *then* are the figures the application referenced as it was submitted (stored in its
  latest version); an application that referenced none is shown with RKA's efficiency indices, *then*
  being the latest value of the year it applied or earlier. *Now* is the latest value in Kolada's data.
- The document date is not part of what the report is made from: the fingerprint of a stored report
  (``reports.stored``) is taken from the HTML rendered without it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationVersion
from core import charts
from core.audit import acting_as
from core.markdown import render_markdown
from meetings.evaluations import NOT_SURVEYED_KINDS, Result, network_results, nki
from meetings.followup import STOCKHOLM, FollowUp, members_follow_up
from municipalities.efficiency_models import RKA_EFFICIENCY_CATEGORY
from municipalities.models import Kpi, KpiValue
from networks.models import Membership, Network
from reports import pdf
from reports.models import FinalReport

TEMPLATE = "reports/final_report.html"
Progress = Callable[[int, str], None]
CONCLUSIONS = ("strengths", "recommendations", "next_steps")
CHART_LABEL_WIDTH = 160  # every chart 490 units wide, printed at 120 mm (static/reports/print.css)


# --- The lead's sections ------------------------------------------------------------------------


def final_report_of(network: Network) -> FinalReport:
    """The network's final report sections (unsaved and empty when the lead has written none)."""
    try:
        return FinalReport.objects.get(network=network)
    except FinalReport.DoesNotExist:
        return FinalReport(network=network)


@transaction.atomic
def final_report_save(*, network: Network, actor, data: dict[str, str]) -> FinalReport:
    """Save the lead's five sections (validated by ``reports.forms.FinalReportForm``); history records ``actor``."""
    report = FinalReport.objects.select_for_update().filter(network=network).first() or FinalReport(network=network)
    for name in FinalReport.SECTIONS:
        setattr(report, name, data.get(name, ""))
    report.updated_by = actor
    report.full_clean()
    with acting_as(actor):
        report.save()
    return report


def _section_titles() -> dict[str, str]:
    return {
        "summary": _("Summary"),
        "method": _("Method"),
        "strengths": _("Strengths"),
        "recommendations": _("Recommendations"),
        "next_steps": _("Next steps"),
    }


@dataclass
class Section:
    id: str
    title: str
    html: str


def lead_sections(report: FinalReport) -> dict[str, Section | None]:
    """Each section as sanitised HTML, by name; None for an empty one (left out of the report)."""
    titles = _section_titles()
    sections: dict[str, Section | None] = {}
    for name in FinalReport.SECTIONS:
        text = (getattr(report, name) or "").strip()
        sections[name] = Section(f"section-{name}", titles[name], render_markdown(text)) if text else None
    return sections


# --- Key figures then and now -------------------------------------------------------------------


@dataclass
class KeyFigure:
    title: str
    then_year: int | None
    then_value: float | None
    now_year: int | None
    now_value: float | None
    is_demo: bool = False

    @property
    def change(self) -> float | None:
        if self.then_value is None or self.now_value is None or self.then_year == self.now_year:
            return None
        return self.now_value - self.then_value


@dataclass
class KeyFigures:
    referenced: bool  # the application's own key figures (else RKA's efficiency indices)
    rows: list[KeyFigure]


def _latest_version(application: Application | None) -> ApplicationVersion | None:
    versions = getattr(application, "ordered_versions", None) if application else None
    return versions[0] if versions else None


def _applications(memberships: list[Membership]) -> dict[int, Application]:
    """The application each membership came from, with its versions newest first (two queries)."""
    applications = (
        Application.objects.filter(membership__in=[m.pk for m in memberships])
        .annotate(membership_pk=F("membership__pk"))
        .prefetch_related(
            Prefetch("versions", queryset=ApplicationVersion.objects.order_by("-number"), to_attr="ordered_versions")
        )
    )
    return {application.membership_pk: application for application in applications}


def key_figures(memberships: list[Membership], applications: dict[int, Application]) -> dict[int, KeyFigures]:
    """Each member's key figures then and now, by membership id (two queries)."""
    fallback = list(Kpi.objects.filter(category=RKA_EFFICIENCY_CATEGORY, followed=True).order_by("id"))
    snapshots: dict[int, list[dict]] = {}
    kpi_ids = {kpi.id for kpi in fallback}
    for membership in memberships:
        version = _latest_version(applications.get(membership.pk))
        figures = [f for f in (version.data.get("key_figures") or []) if f.get("kpi")] if version else []
        snapshots[membership.pk] = figures
        kpi_ids |= {str(figure["kpi"]) for figure in figures}
    values: dict[tuple[int, str], dict[int, tuple[float, bool]]] = defaultdict(dict)
    rows = KpiValue.objects.filter(
        municipality_id__in={m.municipality_id for m in memberships},
        kpi_id__in=kpi_ids,
        gender=KpiValue.Gender.TOTAL,
        value__isnull=False,
    ).values_list("municipality_id", "kpi_id", "year", "value", "is_demo")
    for municipality_id, kpi_id, year, value, is_demo in rows.order_by():
        values[(municipality_id, kpi_id)][year] = (value, is_demo)

    def latest(series: dict[int, tuple[float, bool]], until: int | None = None):
        years = [year for year in series if until is None or year <= until]
        return (max(years), *series[max(years)]) if years else (None, None, False)

    result = {}
    for membership in memberships:
        own = snapshots[membership.pk]
        figures = []
        if own:
            for figure in own:
                now_year, now_value, now_demo = latest(values[(membership.municipality_id, str(figure["kpi"]))])
                then_value = figure.get("value")
                figures.append(
                    KeyFigure(
                        title=str(figure.get("title") or figure["kpi"]),
                        then_year=figure.get("year"),
                        then_value=float(then_value) if isinstance(then_value, int | float) else None,
                        now_year=now_year,
                        now_value=now_value,
                        is_demo=bool(figure.get("is_demo")) or now_demo,
                    )
                )
        else:
            applied = _applied_year(membership, applications.get(membership.pk))
            for kpi in fallback:
                series = values[(membership.municipality_id, kpi.id)]
                then_year, then_value, then_demo = latest(series, applied)
                now_year, now_value, now_demo = latest(series)
                if now_year is None:
                    continue
                figures.append(
                    KeyFigure(kpi.title, then_year, then_value, now_year, now_value, is_demo=then_demo or now_demo)
                )
        result[membership.pk] = KeyFigures(referenced=bool(own), rows=figures)
    return result


def _applied_year(membership: Membership, application: Application | None) -> int | None:
    moment = application.submitted_at if application else None
    if moment is not None:
        return timezone.localtime(moment, STOCKHOLM).year
    if membership.started_on:
        return membership.started_on.year
    return membership.network.period_start.year if membership.network.period_start else None


# --- The members ------------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    meeting_id: int
    check_in: bool  # a check-in with one municipality, not a meeting of the whole network
    label: str  # the meeting's date, for the chart
    title: str
    starts_at: datetime
    invited: int
    attended: int
    recorded: bool

    @property
    def share(self) -> float | None:
        return self.attended / self.invited * 100 if self.recorded and self.invited else None


@dataclass
class Member:
    follow_up: FollowUp
    application: Application | None
    key_figures: KeyFigures
    attendance: list[AttendanceRow]
    evaluation: Result
    now: datetime

    @property
    def membership(self) -> Membership:
        return self.follow_up.membership

    @property
    def id(self) -> str:
        return f"member-{self.membership.pk}"

    @property
    def name(self) -> str:
        return self.membership.municipality.name

    @property
    def has_problem_description(self) -> bool:
        application = self.application
        return bool(
            application
            and (application.problem_area or application.current_state or application.problem or application.goal)
        )

    @property
    def invited(self) -> int:
        return sum(row.invited for row in self.attendance if row.recorded)

    @property
    def attended(self) -> int:
        return sum(row.attended for row in self.attendance if row.recorded)

    @property
    def attendance_share(self) -> float | None:
        return self.attended / self.invited * 100 if self.invited else None

    @property
    def homework_due(self) -> int:
        return sum(1 for row in self.follow_up.homework if row.homework.due_at <= self.now)

    @property
    def handed_in(self) -> int:
        return sum(1 for row in self.follow_up.homework if row.handed_in)


def _attendance(follow_up: FollowUp) -> list[AttendanceRow]:
    """The member's invitations and attendance at each meeting begun (not work periods or milestones)."""
    rows = []
    for row in follow_up.meetings:
        if not row.has_begun or row.meeting.kind in NOT_SURVEYED_KINDS or not row.invited:
            continue
        starts = timezone.localtime(row.meeting.starts_at, STOCKHOLM)
        rows.append(
            AttendanceRow(
                meeting_id=row.meeting.pk,
                check_in=row.meeting.membership_id is not None,
                label=starts.date().isoformat(),
                title=row.meeting.title,
                starts_at=starts,
                invited=row.invited,
                attended=row.attended,
                recorded=row.recorded,
            )
        )
    return rows


def _evaluation(follow_up: FollowUp) -> Result:
    """The NKI of the answers given by the member's participants (all the network's surveys)."""
    responses = [response for group in follow_up.surveys for response in group.responses]
    answered = [(r.score_1, r.score_2, r.score_3) for r in responses if r.answered_at is not None]
    return nki(answered, sent=len(responses))


def network_attendance(members: list[Member]) -> list[AttendanceRow]:
    """Attendance at each of the network's own meetings (not check-ins), all members added up."""
    totals: dict[int, AttendanceRow] = {}
    for member in members:
        for row in member.attendance:
            if row.check_in:
                continue
            total = totals.get(row.meeting_id)
            if total is None:
                total = totals[row.meeting_id] = replace(row, invited=0, attended=0, recorded=False)
            total.invited += row.invited
            total.recorded = total.recorded or row.recorded
            total.attended += row.attended if row.recorded else 0
    return sorted(totals.values(), key=lambda row: (row.starts_at, row.meeting_id))


# --- The context ------------------------------------------------------------------------------


def _period(network: Network) -> str:
    if network.period_text:
        return network.period_text
    if network.period_start and network.period_end:
        return f"{network.period_start.isoformat()} – {network.period_end.isoformat()}"
    return ""


def _day(moment: datetime) -> str:
    return timezone.localtime(moment, STOCKHOLM).date().isoformat()


def _charts(survey_rows, attendance: list[AttendanceRow], members: list[Member]) -> dict:
    scored = [row for row in survey_rows if row.result.sent]
    return {
        "nki": charts.bar_chart(
            chart_id="chart-nki",
            title=_("Satisfaction index (NKI) per survey"),
            description=_("The NKI of each survey, oldest first, on a scale from 0 to 100."),
            bars=[
                (timezone.localtime(row.survey.opens_at, STOCKHOLM).date().isoformat(), row.result.index)
                for row in scored
            ],
            label_width=CHART_LABEL_WIDTH,
        ),
        "attendance": charts.bar_chart(
            chart_id="chart-attendance",
            title=_("Attendance per meeting (%)"),
            description=_("The share of the invited participants who attended each meeting, oldest first."),
            bars=[(row.label, row.share) for row in attendance],
            label_width=CHART_LABEL_WIDTH,
        ),
        "members_nki": charts.bar_chart(
            chart_id="chart-members-nki",
            title=_("Satisfaction index (NKI) per member"),
            description=_("The NKI of the answers given by each member municipality's participants."),
            bars=[(member.name, member.evaluation.index) for member in members],
            label_width=CHART_LABEL_WIDTH,
        ),
        "members_attendance": charts.bar_chart(
            chart_id="chart-members-attendance",
            title=_("Attendance per member (%)"),
            description=_("The share of each member municipality's invitations to meetings that were attended."),
            bars=[(member.name, member.attendance_share) for member in members],
            label_width=CHART_LABEL_WIDTH,
        ),
    }


def final_report_context(network: Network, *, document_date: date | None = None, now: datetime | None = None) -> dict:
    """Everything the final report shows (a constant number of queries, whatever the number of members).

    ``document_date`` is printed on the cover and in the footer; None leaves the date out (the fingerprint).
    """
    now = now or timezone.now()
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        network = Network.objects.select_related("organizer").get(pk=network.pk)
        report = final_report_of(network)
        follow_ups = members_follow_up(network, now=now)
        memberships = [follow_up.membership for follow_up in follow_ups]
        applications = _applications(memberships)
        figures = key_figures(memberships, applications)
        members = [
            Member(
                follow_up=follow_up,
                application=applications.get(follow_up.membership.pk),
                key_figures=figures[follow_up.membership.pk],
                attendance=_attendance(follow_up),
                evaluation=_evaluation(follow_up),
                now=now,
            )
            for follow_up in follow_ups
        ]
        results = network_results(network)
        attendance = network_attendance(members)
        sections = lead_sections(report)
        title = _("Final report: %(network)s") % {"network": network.title}
        context = {
            "title": title,
            "organizer_name": network.organizer.name,
            "logo": pdf.logo_data_uri(network.organizer),
            "document_date": document_date,
            "description": _("The final report of the network %(network)s.") % {"network": network.title},
            "network": network,
            "period": _period(network),
            "sections": sections,
            "empty_sections": [name for name, section in sections.items() if section is None],
            "members": members,
            "active_members": sum(1 for m in members if m.membership.status == Membership.Status.ACTIVE),
            "results": results,
            "survey_rows": [row for row in results.rows if row.result.sent],
            "few_answers": any(row.result.few_answers for row in results.rows),
            "attendance": attendance,
            "attendance_total": _total(attendance),
            "meetings_held": len(attendance),
            "charts": _charts(results.rows, attendance, members),
            "conclusions": [sections[name] for name in CONCLUSIONS if sections[name]],
        }
    return context


def _total(rows: list[AttendanceRow]) -> float | None:
    invited = sum(row.invited for row in rows if row.recorded)
    attended = sum(row.attended for row in rows if row.recorded)
    return attended / invited * 100 if invited else None


def final_report_html(network: Network, *, document_date: date | None = None, context: dict | None = None) -> str:
    """The report's HTML; ``document_date`` (today by default) on the cover and in the footer."""
    context = dict(context or final_report_context(network))
    context["document_date"] = document_date or timezone.localdate()
    return pdf.render_html(TEMPLATE, context)


def final_report_source(network: Network, *, context: dict | None = None) -> str:
    """What the report is made from: its HTML without the document date (the fingerprint's input)."""
    context = dict(context or final_report_context(network))
    context["document_date"] = None
    return pdf.render_html(TEMPLATE, context)


def final_report_document(network: Network, progress: Progress | None = None) -> tuple[bytes, int]:
    """The report as PDF bytes and its number of pages; ``progress(percent, step)`` is told how far it has come."""
    progress = progress or (lambda percent, step: None)
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        progress(5, _("Collecting the network's data"))
        html = final_report_html(network)
        progress(30, _("Laying out the pages"))
        document = pdf.html_to_document(html)
        progress(85, _("Writing the PDF"))
        data = document.write_pdf(pdf_variant=pdf.PDF_VARIANT)
    return data, len(document.pages)


def final_report_pdf(network: Network, progress: Progress | None = None) -> bytes:
    """The report as PDF bytes."""
    return final_report_document(network, progress)[0]


def final_report_file_name(network: Network) -> str:
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        return pdf.file_name(_("Final report"), network.title)
