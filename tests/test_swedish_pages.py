"""Every page renders in Swedish: lang="sv", and no English source string shows through.

The pages are enumerated from the URL resolver (every pattern without arguments,
plus the object pages of this issue), so a new page is checked the day it is added.
"""

from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import StaffRole
from tests.factories import (
    ApplicationFactory,
    NetworkCommitmentFactory,
    OrganizerFactory,
    ReviewCriterionFactory,
    UserFactory,
    municipality,
    representative,
    staff,
)

PO_FILE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
SKIP_PREFIXES = ("admin/", "healthz/", "i18n/", "static/", "media/")


def test_swedish_catalogue_is_complete():
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_is_up_to_date():
    mo = PO_FILE.with_suffix(".mo")
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(mo)) if entry.msgid}
    source = {entry.msgid: entry.msgstr for entry in polib.pofile(str(PO_FILE)).translated_entries()}
    assert compiled == source, "run `make messages` to recompile locale/sv/LC_MESSAGES/django.mo"


def _english_msgids() -> set[str]:
    catalogue = polib.pofile(str(PO_FILE))
    return {
        entry.msgid
        for entry in catalogue.translated_entries()
        if entry.msgid != entry.msgstr and len(entry.msgid) > 3 and "%" not in entry.msgid and "{" not in entry.msgid
    }


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    # <code>/<kbd>/<samp> hold literal values (CSV keywords, file headers), not interface text.
    LITERAL = ("script", "style", "code", "kbd", "samp")

    def handle_starttag(self, tag, attrs):
        if tag in self.LITERAL:
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.chunks.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.LITERAL:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(" ".join(data.split()))


def _visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.chunks


def _plain_urls(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    urls = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            urls += _plain_urls(pattern, route)
        elif isinstance(pattern, URLPattern) and not pattern.pattern.regex.groups:
            path = "/" + route.lstrip("^").rstrip("$").replace("\\Z", "")
            if not any(ch in path for ch in "()[]?*+\\"):
                urls.append(path)
    return sorted(set(urls))


def _users(organizer):
    return {
        "anonymous": None,
        "representative": representative("0114"),
        "network_lead": staff(StaffRole.Role.NETWORK_LEAD, organizer=organizer),
        "administrator": staff(StaffRole.Role.ADMINISTRATOR, organizer=organizer),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


def _object_urls(organizer) -> list[str]:
    """The pages about one network and one submitted application of municipality 0114."""
    from django.urls import reverse

    from applications.models import Application

    application = ApplicationFactory(network__organizer=organizer, network__requires_problem_description=True)
    network = application.network
    NetworkCommitmentFactory(network=network)
    ReviewCriterionFactory(network=network)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED, version=1)
    slug, pk = network.slug, application.pk
    models = _efficiency_models(organizer)
    network.efficiency_models.set(models)
    model_urls = [
        reverse(name, args=[model.pk])
        for model in models
        for name in ("efficiency_models:detail", "efficiency_models:edit", "efficiency_models:delete")
    ]
    return [
        *model_urls,
        "/arrangorer/skr-test/",
        "/kommuner/0114/",
        reverse("municipalities:efficiency", args=["0114"]),
        "/finns-inte/",
        reverse("portal:invitation", args=[slug]),
        reverse("applications:apply", args=[slug]),
        reverse("applications:detail", args=[pk]),
        reverse("applications:withdraw", args=[pk]),
        reverse("leads:network_overview", args=[slug]),
        reverse("leads:network_edit", args=[slug]),
        reverse("leads:network_preview", args=[slug]),
        reverse("reviews:list", args=[slug]),
        reverse("reviews:detail", args=[slug, pk]),
        reverse("selection:rules", args=[slug]),
        reverse("reports:contacts", args=[slug]),
        reverse("reports:final_report", args=[slug]),
        reverse("reports:documents", args=[slug]),
        *_selection_urls(organizer),
        *_billing_urls(organizer),
        reverse("municipalities:majority_edit", args=["0114"]),
    ]


def _selection_urls(organizer) -> list[str]:
    """A network in selection: a run, published decisions, a member who left and an offer to 0114."""
    from django.urls import reverse

    from applications import decisions, waitlist
    from applications.models import Application
    from networks.models import Membership, MembershipParticipant, Network
    from tests.factories import NetworkFactory

    lead = staff(StaffRole.Role.NETWORK_LEAD, organizer=organizer)
    network = NetworkFactory(organizer=organizer, status=Network.Status.SELECTION, capacity=2)
    NetworkCommitmentFactory(network=network)
    applications = {}
    for code in ("0114", "1440", "0764"):
        rep = representative(code) if code != "0114" else UserFactory()
        applications[code] = ApplicationFactory(
            network=network,
            municipality=municipality(code),
            created_by=rep,
            submitted_by=rep,
            status=Application.Status.SUBMITTED,
            version=1,
        )
    decisions.lock_set(application=applications["0114"], actor=lead, lock=Application.Lock.OUT)
    decisions.selection_run(network=network, actor=lead)
    decisions.decisions_from_proposal(network=network, actor=lead)
    decisions.decisions_publish(network=network, actor=lead)
    member = Membership.objects.get(network=network, municipality__code="1440")
    MembershipParticipant.objects.create(membership=member, name="Kim Berg", email="kim@example.se")
    _member, offer = waitlist.member_leave(membership=member, actor=lead, reason="Omorganisation")
    own = Membership.objects.create(network=network, municipality=municipality("0114"), source="direct")
    slug, pk = network.slug, applications["0114"].pk
    meeting_urls = _meeting_urls(network, lead)
    return [
        *meeting_urls,
        reverse("selection:workbench", args=[slug]),
        reverse("selection:report", args=[slug]),
        reverse("selection:runs", args=[slug]),
        reverse("selection:publish", args=[slug]),
        reverse("selection:decide", args=[slug, pk]),
        reverse("leads:members", args=[slug]),
        reverse("leads:member_detail", args=[slug, member.pk]),
        reverse("members:detail", args=[own.pk]),
        reverse("applications:offer", args=[pk, offer.pk]),
        reverse("applications:detail", args=[pk]),
    ]


def _efficiency_models(organizer):
    """A sound model with values (ranking, trend, missing kommuner) and one that breaks the rules."""
    from municipalities.models import EfficiencyModel, EfficiencyModelKpi, KpiValue

    sound = EfficiencyModel.objects.create(organizer=organizer, name="Grundskola")
    broken = EfficiencyModel.objects.create(organizer=organizer, name="Fel")
    for model, kpi_id, role in [
        (sound, "N15419", "quality"),
        (sound, "N15008", "resource"),
        (broken, "N15419", "quality"),
        (broken, "N00097", "resource"),
    ]:
        EfficiencyModelKpi.objects.create(model=model, kpi_id=kpi_id, role=role)
    for year in (2023, 2024):
        for code, quality, cost in [("0114", 80, 100_000), ("1440", 60, 90_000), ("0764", 40, 0)]:
            KpiValue.objects.create(kpi_id="N15419", municipality=municipality(code), year=year, value=quality)
            KpiValue.objects.create(kpi_id="N15008", municipality=municipality(code), year=year, value=cost)
    return [sound, broken]


@pytest.mark.django_db
def test_every_page_renders_in_swedish(client):
    english = _english_msgids()
    organizer = OrganizerFactory(slug="skr-test")
    users = _users(organizer)
    extra = _object_urls(organizer)
    problems, rendered = [], 0
    for who, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in _plain_urls() + extra:
            response = client.get(url)
            if response.status_code in (301, 302, 405) or not response.get("Content-Type", "").startswith("text/html"):
                continue
            rendered += 1
            html = response.content.decode()
            if '<html lang="sv">' not in html:
                problems.append((who, url, "lang is not sv"))
            leaked = sorted(chunk for chunk in _visible_text(html) if chunk in english)
            if leaked:
                problems.append((who, url, leaked))
    assert rendered > 20
    assert problems == []


def _meeting_urls(network, lead) -> list[str]:
    """A dated meeting with agenda and homework, a preliminary one, a calendar feed."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from django.urls import reverse

    from meetings.calendar_services import feed_for_network
    from meetings.models import AgendaBlock, Homework, Meeting

    stockholm = ZoneInfo("Europe/Stockholm")
    dated = Meeting.objects.create(
        network=network,
        title="Uppstart",
        starts_at=datetime(2030, 9, 13, 10, tzinfo=stockholm),
        ends_at=datetime(2030, 9, 13, 15, tzinfo=stockholm),
        mode=Meeting.Mode.DIGITAL,
        link="https://example.se/mote",
        audience=["steering_group", "project_leader"],
    )
    AgendaBlock.objects.create(meeting=dated, starts=time(10), ends=time(12), title="Uppstart", audience="SKR")
    Homework.objects.create(meeting=dated, title="Enkät", due_at=datetime(2030, 10, 1, 23, 59, tzinfo=stockholm))
    Meeting.objects.create(network=network, title="Projektledarträff", month=date(2030, 11, 1))
    feed_for_network(network=network, actor=lead)
    from meetings import invitations
    from meetings.links import personal_token
    from networks.models import MembershipParticipant

    own = network.memberships.get(municipality__code="0114")
    person = MembershipParticipant.objects.create(
        membership=own, name="Eva Ek", email="eva@example.se", groups=["steering_group"]
    )
    invitations.invite(meeting=dated, actor=lead)
    token = personal_token(person)
    return [
        *_follow_up_urls(network, own, person, token),
        reverse("participant:home", args=[token]),
        reverse("participant:respond", args=[token, dated.invitations.get(participant=person).pk]),
        reverse("participant:home", args=["ogiltig-lank"]),
        reverse("meetings:timetable", args=[network.slug]),
        reverse("meetings:meeting_edit", args=[network.slug, dated.pk]),
        reverse("meetings:meeting_create", args=[network.slug]),
        reverse("meetings:copy", args=[network.slug]),
        reverse("meetings:meeting_delete", args=[network.slug, dated.pk]),
        reverse("calendar:network_feeds", args=[network.slug]),
        reverse("meetings:attendance", args=[network.slug, dated.pk]),
        reverse("meetings:attendance_list", args=[network.slug, dated.pk]),
        reverse("portal:invitation", args=[network.slug]),
    ]


def _follow_up_urls(network, own, person, token) -> list[str]:
    """Hand-ins, evaluations, an open seminar with a sign-up, messages, an account, the follow-up pages."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.urls import reverse
    from django.utils import timezone

    from meetings import evaluations
    from meetings.models import (
        Homework,
        HomeworkSubmission,
        Invitation,
        Meeting,
        SeminarRegistration,
        Survey,
        SurveyResponse,
    )

    stockholm = ZoneInfo("Europe/Stockholm")
    homework = Homework.objects.get(meeting__network=network)
    hand_in = HomeworkSubmission.objects.create(
        homework=homework,
        membership=own,
        text="Vår analys",
        submitted_at=timezone.now(),
        submitted_by_participant=person,
    )
    past = Meeting.objects.create(
        network=network,
        title="Nätverksträff 1",
        starts_at=datetime(2025, 3, 4, 10, tzinfo=stockholm),
        ends_at=datetime(2025, 3, 4, 15, tzinfo=stockholm),
        address="Hornsgatan 20, Stockholm",
        audience=["steering_group"],
    )
    Invitation.objects.create(meeting=past, participant=person, response="yes", attended=True)
    questions = evaluations.questions_for(network).as_dict()
    survey = Survey.objects.create(
        network=network,
        meeting=past,
        title="Utvärdering: Nätverksträff 1",
        closes_at=timezone.now() + timedelta(days=10),
        **questions,
    )
    SurveyResponse.objects.create(survey=survey, participant=person, membership=own)
    seminar = Meeting.objects.create(
        network=network,
        kind=Meeting.Kind.FINAL_SEMINAR,
        title="Slutseminarium",
        starts_at=datetime(2030, 12, 1, 10, tzinfo=stockholm),
        ends_at=datetime(2030, 12, 1, 15, tzinfo=stockholm),
        address="Hornsgatan 20, Stockholm",
        audience=["all_participants", "public"],
        capacity=80,
    )
    sign_up = SeminarRegistration.objects.create(
        meeting=seminar, name="Karin Lind", organisation="Sollentuna kommun", email="karin@example.se"
    )
    slug, dated = network.slug, homework.meeting
    return [
        reverse("homework:lead_overview", args=[slug]),
        reverse("homework:lead_submission", args=[slug, hand_in.pk]),
        reverse("homework:member_list", args=[own.pk]),
        reverse("homework:member_hand_in", args=[own.pk, homework.pk]),
        reverse("homework:participant_list", args=[token]),
        reverse("homework:participant_hand_in", args=[token, homework.pk]),
        reverse("evaluations:network", args=[slug]),
        reverse("evaluations:questions", args=[slug]),
        reverse("evaluations:create", args=[slug]),
        reverse("evaluations:survey", args=[slug, survey.pk]),
        reverse("evaluations:meeting", args=[slug, dated.pk]),
        reverse("evaluations:answer", args=[token, survey.pk]),
        reverse("meetings:meeting_edit", args=[slug, past.pk]),
        reverse("meetings:meeting_edit", args=[slug, seminar.pk]),
        reverse("seminars:register", args=[slug, seminar.uid]),
        reverse("seminars:registered", args=[slug, seminar.uid]),
        reverse("seminars:cancel", args=[sign_up.token]),
        reverse("seminars:registrations", args=[slug, seminar.pk]),
        reverse("outreach:message", args=[slug, dated.pk]),
        reverse("outreach:claim_account", args=[token]),
        reverse("followup:network", args=[slug]),
        reverse("followup:member", args=[slug, own.pk]),
    ]


def _billing_urls(organizer) -> list[str]:
    """A fee schedule, an issued invoice of 0114 in a batch, a BgMax import."""
    from datetime import date

    from django.urls import reverse

    from billing.models import BgMaxImport, Invoice, InvoiceBatch
    from tests.factories import InvoiceFactory, MembershipFactory, NetworkFactory, fee_schedule

    network = NetworkFactory(organizer=organizer, status="running")
    fee_schedule(network)
    member = MembershipFactory(network=network, municipality=municipality("0114"))
    someone = UserFactory()
    batch = InvoiceBatch.objects.create(
        organizer=organizer, title="Underlag", due_on=date(2017, 12, 31), created_by=someone
    )
    invoice = InvoiceFactory(
        membership=member,
        batch=batch,
        status=Invoice.Status.ISSUED,
        sequence=1,
        number="T-000001",
        issue_date=date(2017, 12, 15),
        due_date=date(2018, 1, 14),
    )
    bgmax = BgMaxImport.objects.create(organizer=organizer, file_name="bgmax.txt", sha256="0" * 64, imported_by=someone)
    return [
        reverse("fees:schedule", args=[network.slug]),
        reverse("fees:bases", args=[network.slug]),
        reverse("invoices:detail", args=[invoice.pk]),
        reverse("invoices:credit", args=[invoice.pk]),
        reverse("batches:detail", args=[batch.pk]),
        reverse("payments:bgmax_detail", args=[bgmax.pk]),
    ]
