"""seed_demo's seed networks: two cohorts each, states computed from today, idempotent."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationVersion, Review
from municipalities.models import MunicipalityDomain
from networks.models import Network, NetworkCommitment, NetworkContact

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STYRSYSTEM, ADMINISTRATION, EFFEKTIVARE = (
    "forenklat-och-effektivare-styrsystem",
    "en-effektivare-administration",
    "effektivare-kommun",
)
HISTORICAL = {f"{STYRSYSTEM}-2017": 2017, f"{ADMINISTRATION}-2017": 2017, f"{EFFEKTIVARE}-2021": 2021}


@pytest.fixture
def seeded(seeded_once, settings):
    settings.DEBUG = True


def network(slug: str) -> Network:
    return Network.objects.get(slug=slug)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_six_cohorts_with_the_expected_statuses(seeded):
    statuses = dict(Network.objects.values_list("slug", "status"))
    assert statuses == {
        STYRSYSTEM: "selection",
        ADMINISTRATION: "running",
        EFFEKTIVARE: "open",
        **dict.fromkeys(HISTORICAL, "finished"),
    }
    for slug in HISTORICAL:
        later = network(slug.rsplit("-", 1)[0])
        assert later.previous_cohort == network(slug) and later.title == network(slug).title


def test_selection_cohort_has_more_applicants_than_places_spread_over_the_country(seeded):
    styrsystem = network(STYRSYSTEM)
    applications = Application.objects.filter(network=styrsystem).select_related("municipality__county")
    submitted = [a for a in applications if a.status == Application.Status.SUBMITTED]
    municipalities = [a.municipality for a in applications]
    assert len(applications) >= 20 and len(submitted) > styrsystem.capacity == 10
    assert len({m.county_id for m in municipalities}) >= 8
    assert len({m.county.riksomrade for m in municipalities}) == 8
    assert len({m.kommungrupp_code for m in municipalities}) >= 6
    assert len({m.political_majority for m in municipalities}) >= 4
    assert sum(1 for m in municipalities if m.population < 15000) >= 3
    assert 2 <= applications.filter(status=Application.Status.DRAFT).count() <= 3
    assert applications.filter(status=Application.Status.WITHDRAWN, withdrawn_at__isnull=False).count() == 1
    assert styrsystem.application_deadline < timezone.now() and not styrsystem.accepts_applications()
    assert all(a.submitted_at < styrsystem.application_deadline for a in submitted)
    assert ApplicationVersion.objects.filter(application__in=submitted, number=1).count() == len(submitted)


def test_selection_cohort_is_partly_reviewed_by_two_reviewers(seeded):
    reviews = Review.objects.filter(application__network__slug=STYRSYSTEM)
    reviewers = set(reviews.values_list("reviewer__email", flat=True))
    assert reviewers == {"projektledare@example.se", "granskare@example.se"}
    assert reviews.filter(score__isnull=True).exists()
    assert set(reviews.exclude(score=None).values_list("score", flat=True)) <= set(range(6))
    reviewed = reviews.values("application").distinct().count()
    assert 5 <= reviewed < Application.objects.filter(network__slug=STYRSYSTEM, status="submitted").count()


def test_open_cohort_accepts_applications_today_and_leaves_upplands_vasby_free(seeded):
    effektivare = network(EFFEKTIVARE)
    assert effektivare.accepts_applications()
    assert effektivare.requires_problem_description
    assert {o.short_name for o in effektivare.co_organizers.all()} == {"RKA"}
    assert effektivare.organizer.short_name == "SKR"
    assert timezone.localtime(effektivare.application_deadline).time() == time(23, 59)
    drafts = Application.objects.filter(network=effektivare)
    assert drafts.count() >= 2 and set(drafts.values_list("status", flat=True)) == {"draft"}
    assert not Application.objects.filter(municipality__code="0114").exists()


def test_running_and_historical_cohorts_have_ten_members(seeded):
    today = timezone.localdate()
    administration = network(ADMINISTRATION)
    assert administration.period_start < today < administration.period_end
    assert administration.memberships.count() == 10
    assert administration.participants_min == 3 and administration.participants_max == 4
    for slug, year in HISTORICAL.items():
        cohort = network(slug)
        assert cohort.period_start.year == year and cohort.period_end < today
        assert set(cohort.memberships.values_list("started_on", flat=True)) == {cohort.period_start}
        members = set(cohort.memberships.values_list("municipality_id", flat=True))
        applications = Application.objects.filter(network=cohort, status="submitted")
        assert len(members) == 10 and set(applications.values_list("municipality_id", flat=True)) == members
        for application in applications:
            assert application.submitted_at < cohort.application_deadline
            assert application.versions.get(number=1).data["fields"]["motivation"] == application.motivation


def test_historical_cohorts_keep_the_real_dates(seeded):
    styrsystem = network(f"{STYRSYSTEM}-2017")
    assert timezone.localtime(styrsystem.application_deadline) == datetime(2017, 4, 28, 23, 59, tzinfo=STOCKHOLM)
    assert (styrsystem.period_start.month, styrsystem.period_end) == (5, datetime(2018, 11, 30).date())
    assert network(f"{ADMINISTRATION}-2017").period_start == datetime(2017, 5, 30).date()
    assert network(f"{EFFEKTIVARE}-2021").period_start == datetime(2021, 9, 13).date()
    assert "SKL" in styrsystem.working_forms and "SKR" in network(STYRSYSTEM).working_forms


def test_texts_and_rules_come_from_the_seeds(seeded):
    styrsystem, administration, effektivare = network(STYRSYSTEM), network(ADMINISTRATION), network(EFFEKTIVARE)
    assert "genom analys skapa en tydlig bild" in styrsystem.purpose
    assert "25 000 kr" in styrsystem.cost_note and "15 000 kr" in styrsystem.cost_note
    assert "kartlägga hur administrationen fungerar idag" in administration.purpose
    assert administration.meetings.filter(title="Projektträff 4").exists()
    assert set(administration.participant_roles.values_list("title", flat=True)) == {
        "Ekonomi",
        "Verksamhetsstyrning",
        "HR",
        "Enhetschef utbildning",
        "Enhetschef äldreomsorg",
    }
    assert "Resultat × Volym / Resurs" in effektivare.purpose
    assert "60 000 kr" in effektivare.cost_note and "exkl. moms" in effektivare.cost_note
    assert "Kolada" in effektivare.selection_process
    kinds = set(effektivare.commitments.values_list("kind", flat=True))
    assert kinds == {"decision", "time", "steering_group", "contact_person", "working_group"}
    assert styrsystem.commitments.filter(kind=NetworkCommitment.Kind.STEERING_GROUP).exists()
    assert "Motivering" in styrsystem.review_criteria.values_list("title", flat=True)


def test_contacts_are_placeholders(seeded):
    assert NetworkContact.objects.count() >= 6
    assert all(email.endswith("@example.se") for email in NetworkContact.objects.values_list("email", flat=True))
    lead = NetworkContact.objects.filter(network__slug=STYRSYSTEM, user__email="projektledare@example.se")
    assert lead.exists()
    texts = " ".join(" ".join(row) for row in Network.objects.values_list("contact_text", "application_requirements"))
    for real in ("feuk", "gidenstam", "eldas", "skl.se", "skr.se"):
        assert real not in texts.lower()
        assert not NetworkContact.objects.filter(email__icontains=real).exists()


def test_every_applying_municipality_has_one_demo_representative(seeded, client):
    municipalities = set(Application.objects.values_list("municipality_id", flat=True))
    representatives = User.objects.filter(municipality_id__in=municipalities)
    assert representatives.count() == len(municipalities)
    for user in representatives:
        domain = user.email.split("@")[1]
        assert domain.endswith(".example.se") and domain.isascii()
        assert MunicipalityDomain.objects.get(domain=domain, is_demo=True).municipality_id == user.municipality_id
        assert EmailAddress.objects.get(email=user.email).verified
    soderkoping = User.objects.get(municipality__code="0582")
    assert soderkoping.email.endswith("@soderkoping.example.se")
    response = client.post("/konto/login/", {"login": soderkoping.email, "password": "demo-natverk-2026"})
    assert response.status_code == 302


def test_second_run_changes_nothing(seeded, settings):
    before = row_counts()
    call_command("seed_demo", stdout=None)
    assert row_counts() == before


def test_output_lists_the_networks(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert out.index("Lösenord:") < out.index("Demonätverk")
    assert f"{STYRSYSTEM}-2017" in out and "urval" in out and "ansökningar 25" in out


def test_new_cohorts_are_computed_from_today(settings):
    settings.DEBUG = True
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=STOCKHOLM), tick=False):
        call_command("seed_demo", stdout=None)
        today = timezone.localdate()
        effektivare, styrsystem, administration = network(EFFEKTIVARE), network(STYRSYSTEM), network(ADMINISTRATION)
        assert today.isoformat() == "2027-03-01"
        assert effektivare.accepts_applications()
        assert timezone.localdate(effektivare.application_deadline) > today
        assert timezone.localdate(styrsystem.application_deadline) < today < styrsystem.period_start
        assert administration.period_start < today < administration.period_end
    before = row_counts()
    with time_machine.travel(datetime(2027, 9, 1, 12, tzinfo=STOCKHOLM), tick=False):
        call_command("seed_demo", stdout=None)
        assert network(EFFEKTIVARE).accepts_applications()
        assert timezone.localdate(network(EFFEKTIVARE).application_deadline).year == 2027
    # A later run moves the dates, it creates no new rows except the changes' history.
    after = row_counts()
    assert {label: n for label, n in after.items() if "Historical" not in label} == {
        label: n for label, n in before.items() if "Historical" not in label
    }


def test_seeded_versions_use_the_submit_services_snapshot(seeded):
    from applications.services import application_snapshot, version_diff

    versions = ApplicationVersion.objects.select_related("application")
    assert versions.exists()
    for version in versions:
        assert version_diff(version.data, application_snapshot(version.application)) == []


def test_the_timetables_are_meetings_in_both_cohorts(seeded):
    from meetings.models import AgendaBlock, Meeting

    old, new = network(f"{STYRSYSTEM}-2017"), network(STYRSYSTEM)
    for cohort in (old, new):
        assert cohort.meetings.count() == 11 and cohort.timetable_note == ""
        assert cohort.meetings.filter(kind=Meeting.Kind.FINAL_SEMINAR).count() == 1
        work = cohort.meetings.get(kind=Meeting.Kind.WORK_PERIOD)
        assert (work.last_month.year * 12 + work.last_month.month) - (work.month.year * 12 + work.month.month) == 5
    # The finished cohort's meetings happened (dated); the new one keeps the invitation's months.
    assert not old.meetings.exclude(kind=Meeting.Kind.WORK_PERIOD).filter(starts_at__isnull=True).exists()
    assert not new.meetings.filter(starts_at__isnull=False).exists()
    first = old.meetings.order_by("sort_date").first()
    assert (first.sort_date.year, first.sort_date.month) == (2017, 5) and "uppstartsmöte" in first.title.lower()
    assert all(m.starts_at is None or m.sort_date <= old.period_end for m in old.meetings.all())
    # 001: the first meeting dated to the day, with homework; 002: digital meetings with time blocks.
    administration = network(ADMINISTRATION)
    kickoff = administration.meetings.order_by("sort_date").first()
    assert kickoff.sort_date == administration.period_start and kickoff.homework.exists()
    effektivare = network(EFFEKTIVARE)
    uppstart = effektivare.meetings.get(title="Uppstart")
    assert uppstart.mode == Meeting.Mode.DIGITAL and uppstart.link.startswith("https://")
    blocks = list(AgendaBlock.objects.filter(meeting=uppstart).order_by("starts"))
    assert [(b.starts.hour, b.ends.hour, b.title) for b in blocks] == [(10, 12, "Uppstart"), (13, 15, "Planering")]
    assert "Kommunvisa möten" in effektivare.timetable_note


def test_finished_cohorts_have_answers_and_attendance(seeded):
    from meetings.models import Invitation

    old = network(f"{STYRSYSTEM}-2017")
    invitations = Invitation.objects.filter(meeting__network=old)
    assert invitations.filter(attended=True).count() > invitations.filter(attended=False).count() > 0
    assert not invitations.filter(response="").exists()
    # Project leaders' meetings invite the project leaders only (the first participant of each member).
    leaders = Invitation.objects.filter(meeting__network=old, meeting__kind="project_leaders")
    assert leaders.exists() and all("project_leader" in i.participant.groups for i in leaders)
    # A new cohort still in selection has no members, so nobody is invited yet.
    assert not Invitation.objects.filter(meeting__network=network(STYRSYSTEM)).exists()


def test_finished_and_running_cohorts_have_hand_ins_evaluations_notes_and_sign_ups(seeded):
    from meetings import evaluations
    from meetings.models import FollowUpNote, HomeworkSubmission, SeminarRegistration, Survey
    from networks.models import MembershipCommitment

    old, running = network(f"{ADMINISTRATION}-2017"), network(ADMINISTRATION)
    # Hand-ins: every member of the finished cohort handed in and the lead received them all.
    old_hand_ins = HomeworkSubmission.objects.filter(homework__meeting__network=old)
    assert old_hand_ins.count() == old.memberships.count() == 10
    assert not old_hand_ins.filter(received_at__isnull=True).exists()
    # The running cohort's homework is due (its kickoff was four months ago): one member has not handed in.
    assert HomeworkSubmission.objects.filter(homework__meeting__network=running).count() == 9
    assert HomeworkSubmission.objects.filter(homework__meeting__network=network(f"{STYRSYSTEM}-2017")).count() == 10
    # Evaluations after every meeting that is over, and the yearly NKI in the finished cohort.
    for cohort in (old, running):
        surveyed = set(Survey.objects.filter(network=cohort, kind="meeting").values_list("meeting", flat=True))
        over = cohort.meetings.filter(ends_at__lt=timezone.now()).exclude(kind__in=["work_period", "milestone"])
        assert surveyed == set(over.values_list("pk", flat=True)) and surveyed
    assert Survey.objects.filter(network=old, kind="standalone").count() == 1
    result = evaluations.network_results(old)
    assert result.total.answered > 0 and 50 <= result.total.index <= 100
    assert 0 < result.total.response_rate < 100 and result.standalone.sent > 0
    # The lead's notes, the commitments received (one still outstanding in the running cohort), sign-ups.
    assert FollowUpNote.objects.filter(membership__network=old).count() == 20
    outstanding = MembershipCommitment.objects.filter(membership__network=running, received_at__isnull=True)
    assert outstanding.count() == 1
    assert not MembershipCommitment.objects.filter(membership__network=old, received_at__isnull=True).exists()
    final = old.meetings.get(kind="final_seminar")
    assert SeminarRegistration.objects.filter(meeting=final, cancelled_at__isnull=True).count() == 6


def test_finished_cohorts_are_invoiced_and_paid_and_the_running_one_has_invoices_due(seeded):
    from billing import exports
    from billing.due import due_preview
    from billing.models import FeeSchedule, Invoice, InvoiceBatch
    from networks.models import Organizer

    skr = Organizer.objects.get(slug="skr")
    assert FeeSchedule.objects.count() == 6
    styrsystem = FeeSchedule.objects.get(network__slug=f"{STYRSYSTEM}-2017")
    assert [(t.up_to, t.amount) for t in styrsystem.tiers.all()] == [(15000, 15000), (None, 25000)]
    invoices = Invoice.objects.filter(organizer=skr).order_by("sequence")
    # 001: one installment, 000 and 002: two, for ten members each; numbered 1, 2, 3 … with no gap.
    assert list(invoices.values_list("sequence", flat=True)) == list(range(1, 51))
    assert not invoices.filter(status=Invoice.Status.DRAFT).exists()
    assert invoices.filter(status=Invoice.Status.PAID).count() == 49
    assert {i.issue_date.isoformat() for i in invoices.filter(network__slug=f"{STYRSYSTEM}-2017")} == {
        "2017-12-15",
        "2018-04-15",
    }
    batch = InvoiceBatch.objects.filter(organizer=skr).order_by("pk").first()
    assert batch.status in (InvoiceBatch.Status.APPROVED, InvoiceBatch.Status.SENT)
    assert exports.render(batch, "sie")[1].startswith(b"#FLAGGA 0")
    preview = due_preview(organizer=skr, on=timezone.localdate())
    assert [n.network.slug for n in preview.networks] == [ADMINISTRATION] and not preview.blocked


def test_finance_bills_the_running_cohort_and_the_municipality_sees_its_invoice(
    seeded, client, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 7's done-when on the demo: create, approve, export in all five formats and send a batch."""
    from billing.models import BatchExport, Invoice, InvoiceBatch
    from portal.demo_networks import representative_email

    client.force_login(User.objects.get(email="ekonomi@example.se"))
    today = timezone.localdate().isoformat()
    response = client.post("/ekonomi/fakturaunderlag/ny/", {"due_on": today, "network": ADMINISTRATION})
    batch = InvoiceBatch.objects.get(network__slug=ADMINISTRATION)
    assert response.status_code == 302 and batch.invoices.count() == 10
    assert client.post(f"/ekonomi/fakturaunderlag/{batch.pk}/godkann/").status_code == 302
    for fmt in BatchExport.Format.values:
        download = client.get(f"/ekonomi/fakturaunderlag/{batch.pk}/export/{fmt}/")
        assert download.status_code == 200 and b"".join(download.streaming_content), fmt
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/ekonomi/fakturaunderlag/{batch.pk}/skicka/").status_code == 302
    assert len(mailoutbox) == 10 and all(m.attachments[0][2] == "application/pdf" for m in mailoutbox)
    assert not batch.invoices.exclude(status=Invoice.Status.SENT).exists()
    # The first member's representative sees the invoice and its PDF, and nothing of another kommun.
    invoice = batch.invoices.order_by("sequence").first()
    other = batch.invoices.order_by("sequence").last()
    client.force_login(User.objects.get(email=representative_email(invoice.membership.municipality)))
    page = client.get("/kommun/fakturor/")
    assert page.status_code == 200 and invoice.number in page.content.decode()
    assert other.number not in page.content.decode()
    assert client.get(f"/kommun/fakturor/{invoice.pk}/pdf/").content.startswith(b"%PDF")
    assert client.get(f"/kommun/fakturor/{other.pk}/pdf/").status_code == 404
