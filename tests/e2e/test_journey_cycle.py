"""A network's cycle in the browser, role by role (issue 9): Chromium against the live server on
PostgreSQL, a real Celery worker process and a real SMTP server (tests/e2e/journeys.py).

Each journey starts from factory data where the step before it is covered by its own journey; the
actions the journey is about go through the pages (clicking and filling forms). Every main page is
photographed (build/screenshots/<test>/) and checked with axe.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import StaffRole, User
from applications.models import Application
from meetings.models import Meeting
from networks.models import Network
from tests.e2e.journeys import check_a11y, eventually, login, submit
from tests.factories import OrganizerFactory, municipality, staff

pytestmark = pytest.mark.usefixtures("a11y_report")
Role = StaffRole.Role


def local_today():
    return timezone.localdate()


# --- 1. The network lead creates a network, opens it and plans two meetings ---------------------------


def test_lead_creates_opens_and_plans_a_network(page, mailbox, screenshot):
    organizer = OrganizerFactory(name="Sveriges Kommuner och Regioner", short_name="SKR", slug="skr")
    lead = staff(Role.NETWORK_LEAD, organizer=organizer, email="ledare@skr.example.se", name="Lena Ledare")
    login(page, lead.email)

    page.goto("/projektledare/natverk/")
    screenshot(page, "network-list")
    check_a11y(page, "lead: network list")

    page.goto("/projektledare/natverk/nytt/")
    page.locator("[name=title]").fill("Styrning och ledning 2027")
    page.locator("[name=summary]").fill("Ett nätverk om enklare och effektivare styrning.")
    page.locator("[name=purpose]").fill("- Att jämföra styrmodeller\n- Att lära av varandra")
    page.locator("[name=capacity]").fill("8")
    page.locator("[name=eligibility][value=municipalities]").check()
    deadline = local_today() + timedelta(days=30)
    page.locator("[name=applications_open_at_0]").fill(local_today().isoformat())
    page.locator("[name=application_deadline_0]").fill(deadline.isoformat())
    screenshot(page, "network-form")
    check_a11y(page, "lead: new network form")
    submit(page, "main form[method=post]")

    network = Network.objects.get(title="Styrning och ledning 2027")
    assert network.slug == "styrning-och-ledning-2027" and network.status == Network.Status.DRAFT
    expect(page).to_have_url(re.compile(rf"/projektledare/natverk/{network.slug}/$"))
    screenshot(page, "network-overview-draft")
    check_a11y(page, "lead: network overview")

    submit(page, "form:has(input[name=status][value=open])")
    network.refresh_from_db()
    assert network.status == Network.Status.OPEN
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "network-overview-open")

    # The public invitation now lists the network.
    page.goto(f"/natverk/{network.slug}/")
    expect(page.locator("h1")).to_contain_text("Styrning och ledning 2027")
    screenshot(page, "public-invitation")
    check_a11y(page, "public invitation")

    # Two meetings: one with an exact date (digital) and one preliminary (a month).
    first_day = local_today() + timedelta(days=60)
    page.goto(f"/projektledare/natverk/{network.slug}/tidplan/nytt/")
    page.locator("[name=kind]").select_option("network")
    page.locator("[name=title]").fill("Uppstartsträff")
    page.locator("[name=dating][value=exact]").check()
    page.locator("[name=day]").fill(first_day.isoformat())
    page.locator("[name=start_time]").fill("09:30")
    page.locator("[name=end_time]").fill("15:00")
    page.locator("[name=mode]").select_option("digital")
    page.locator("[name=link]").fill("https://mote.example.se/uppstart")
    page.locator("[name=audience][value=all_participants]").check()
    screenshot(page, "meeting-form")
    check_a11y(page, "lead: new meeting form")
    submit(page, "main form[method=post]:has([name=dating])")
    expect(page).to_have_url(re.compile(rf"/projektledare/natverk/{network.slug}/tidplan/\d+/$"))

    page.goto(f"/projektledare/natverk/{network.slug}/tidplan/nytt/")
    page.locator("[name=kind]").select_option("workshop")
    page.locator("[name=title]").fill("Workshop om nyckeltal")
    page.locator("[name=dating][value=month]").check()
    later = first_day + timedelta(days=62)
    page.locator("[name=month]").fill(f"{later.year}-{later.month:02d}")
    page.locator("[name=mode]").select_option("physical")
    page.locator("[name=audience][value=project_leader]").check()
    submit(page, "main form[method=post]:has([name=dating])")

    meetings = list(network.meetings.order_by("sort_date"))
    assert [(m.title, m.is_preliminary) for m in meetings] == [
        ("Uppstartsträff", False),
        ("Workshop om nyckeltal", True),
    ]
    assert timezone.localtime(meetings[0].starts_at).hour == 9
    page.goto(f"/projektledare/natverk/{network.slug}/tidplan/")
    expect(page.get_by_text("Uppstartsträff").first).to_be_visible()
    expect(page.get_by_text("Workshop om nyckeltal").first).to_be_visible()
    screenshot(page, "timetable")
    check_a11y(page, "lead: timetable")
    assert Meeting.objects.filter(network=network).count() == 2


# --- 2. A representative signs up, is linked, applies, edits, submits and gets the receipt ----------


def test_representative_signs_up_applies_and_gets_the_receipt(page, browser, live_server, mailbox, screenshot):
    organizer = OrganizerFactory(name="Sveriges Kommuner och Regioner", short_name="SKR", slug="skr")
    lead = staff(Role.NETWORK_LEAD, organizer=organizer, email="ledare@skr.example.se")
    from tests.factories import NetworkFactory

    network = NetworkFactory(
        organizer=organizer,
        title="Effektiv styrning",
        slug="effektiv-styrning",
        requires_problem_description=True,
        participants_min=1,
    )
    vasby = municipality("0114")
    address = "anna.andersson@example.org"

    # Sign-up, with the municipality asked for.
    page.goto("/konto/signup/")
    page.locator("[name=email]").fill(address)
    page.locator("[name=name]").fill("Anna Andersson")
    page.locator("[name=title]").fill("Kvalitetsstrateg")
    page.locator("[name=requested_municipality]").select_option(str(vasby.pk))
    page.locator("[name=password1]").fill("ett-langt-losenord-2027")
    page.locator("[name=password2]").fill("ett-langt-losenord-2027")
    screenshot(page, "signup")
    check_a11y(page, "sign-up")
    submit(page, "main form[method=post]:has([name=password1])")
    screenshot(page, "verification-sent")
    check_a11y(page, "verification sent")

    # The verification link from the e-mail the SMTP server received.
    message = mailbox.wait_for(to=address)
    link = next(url for url in message.links() if "/konto/confirm-email/" in url)
    page.goto(link)
    screenshot(page, "confirm-email")
    check_a11y(page, "confirm e-mail")
    submit(page, "main form[method=post]")
    user = User.objects.get(email=address)
    assert user.emailaddress_set.get().verified
    assert user.requested_municipality == vasby and user.municipality is None

    # A network lead approves the link, in a browser of their own.
    lead_context = browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm")
    lead_page = lead_context.new_page()
    try:
        login(lead_page, lead.email)
        lead_page.goto("/konto/kommunrepresentanter/")
        screenshot(lead_page, "representatives")
        check_a11y(lead_page, "lead: representatives")
        submit(lead_page, f"form[action$='/godkann/']:has(input[name=user][value='{user.pk}'])")
    finally:
        lead_context.close()
    user.refresh_from_db()
    assert user.municipality == vasby

    # The application: a draft first …
    page.goto(f"/natverk/{network.slug}/ansok/")
    screenshot(page, "apply-empty")
    check_a11y(page, "apply form")
    page.locator("[name=motivation]").fill("Vi vill förenkla vår styrning.")
    page.locator("[name=problem_area]").fill("Styrmodell")
    page.locator("[name=current_state]").fill("Många mål och indikatorer.")
    page.locator("[name=problem]").fill("Styrningen är svår att följa.")
    page.locator("[name=goal]").fill("Färre och tydligare mål.")
    page.locator("[name='participants-0-name']").fill("Bo Berg")
    page.locator("[name='participants-0-email']").fill("bo.berg@example.org")
    page.locator("[name='participants-0-title']").fill("Controller")
    page.locator("[name='participants-1-name']").fill("Cilla Carlsson")
    page.locator("[name='participants-1-email']").fill("cilla.carlsson@example.org")
    page.locator("[name='participants-1-title']").fill("Kommundirektör")
    page.locator("[name=invoice_orgnr]").fill("212000-0142")
    page.locator("[name=invoice_email]").fill("faktura@example.org")
    page.locator("[name=buyer_reference]").fill("KS-123")
    with page.expect_navigation():
        page.locator("button[name=action][value=save]").click()
    application = Application.objects.get(network=network, municipality=vasby)
    assert application.status == Application.Status.DRAFT
    assert list(application.participants.order_by("name").values_list("name", flat=True)) == [
        "Bo Berg",
        "Cilla Carlsson",
    ]

    # … edited, then submitted.
    page.locator("[name=motivation]").fill("Vi vill förenkla vår styrning och lära av andra kommuner.")
    screenshot(page, "apply-draft")
    with page.expect_navigation():
        page.locator("button[name=action][value=submit]").click()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.version == 1
    assert application.motivation.endswith("lära av andra kommuner.")
    expect(page).to_have_url(re.compile(rf"/ansokningar/{application.pk}/"))
    screenshot(page, "application-submitted")
    check_a11y(page, "application (submitted)")

    # The receipt: as a PDF from the page, and by e-mail through the worker.
    receipt = page.locator("a[href*='/kvitto/']").first
    with page.expect_download() as download_info:
        receipt.click()
    pdf = download_info.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    receipt_mail = mailbox.wait_for(to=address, subject=network.title)
    assert "Effektiv styrning" in receipt_mail.subject or "Effektiv styrning" in receipt_mail.text


# --- 3. The lead scores, runs the selection and publishes the decisions --------------------------------


def test_lead_scores_selects_and_publishes_decisions(page, mailbox, screenshot):
    from tests.factories import ApplicationFactory, NetworkFactory, ReviewCriterionFactory, representative

    organizer = OrganizerFactory(name="Sveriges Kommuner och Regioner", short_name="SKR", slug="skr")
    lead = staff(Role.NETWORK_LEAD, organizer=organizer, email="ledare@skr.example.se")
    network = NetworkFactory(organizer=organizer, title="Urval i praktiken", slug="urval-i-praktiken", capacity=2)
    criterion = ReviewCriterionFactory(network=network, title="Problembeskrivningen")
    applications = {}
    # The default rules want at least two municipalities under 15 000 inhabitants (1984 Arboga, 0428 Vingåker).
    for code, address in (
        ("1984", "arboga@example.org"),
        ("0180", "stockholm@example.org"),
        ("0428", "vingaker@example.org"),
    ):
        submitter = representative(code, email=address)
        applications[code] = ApplicationFactory(
            network=network,
            municipality=municipality(code),
            created_by=submitter,
            submitted_by=submitter,
            submitted_at=timezone.now(),
            status=Application.Status.SUBMITTED,
            version=1,
        )
    login(page, lead.email)

    # Close the applications: the selection begins.
    page.goto(f"/projektledare/natverk/{network.slug}/")
    submit(page, "form:has(input[name=status][value=selection])")
    network.refresh_from_db()
    assert network.status == Network.Status.SELECTION

    # Score each application on its review page.
    page.goto(f"/projektledare/natverk/{network.slug}/ansokningar/")
    screenshot(page, "review-list")
    check_a11y(page, "lead: review list")
    for code, score in (("1984", "5"), ("0180", "2"), ("0428", "4")):
        page.goto(f"/projektledare/natverk/{network.slug}/ansokningar/{applications[code].pk}/")
        page.locator(f"[name=score_{criterion.pk}]").select_option(score)
        page.locator(f"[name=comment_{criterion.pk}]").fill(f"Poäng {score}.")
        if code == "1984":
            screenshot(page, "review-detail")
            check_a11y(page, "lead: review detail")
        submit(page, "form:has([name^=score_])")
    assert sorted(criterion.reviews.values_list("score", flat=True)) == [2, 4, 5]

    # The selection proposal, used as the decisions.
    page.goto(f"/projektledare/natverk/{network.slug}/urval/")
    submit(page, "form[action$='/urval/kor/']")
    screenshot(page, "workbench-proposal")
    check_a11y(page, "lead: selection workbench")
    submit(page, "form[action$='/urval/anvand-forslaget/']")
    decided = dict(Application.objects.filter(network=network).values_list("municipality__code", "decision"))
    assert decided["1984"] == Application.Decision.ACCEPTED and decided["0428"] == Application.Decision.ACCEPTED
    assert decided["0180"] in (Application.Decision.WAITLIST, Application.Decision.REJECTED)

    # Publish: memberships for the accepted, letters by the worker.
    page.goto(f"/projektledare/natverk/{network.slug}/urval/publicera/")
    screenshot(page, "publish")
    check_a11y(page, "lead: publish decisions")
    submit(page, "main form[method=post]:not([action])")
    network.refresh_from_db()
    assert network.status == Network.Status.RUNNING
    assert set(network.memberships.values_list("municipality__code", flat=True)) == {"1984", "0428"}
    letter = mailbox.wait_for(to="arboga@example.org")
    assert "Urval i praktiken" in letter.subject + letter.text
    for address in ("stockholm@example.org", "vingaker@example.org"):
        mailbox.wait_for(to=address)
    screenshot(page, "workbench-published")


# --- 4. A participant answers by the personal link; the lead records attendance ------------------------


def test_participant_rsvps_downloads_ics_and_lead_records_attendance(page, browser, live_server, mailbox, screenshot):
    from tests.factories import MeetingFactory, MembershipFactory, MembershipParticipantFactory, NetworkFactory

    organizer = OrganizerFactory(name="Sveriges Kommuner och Regioner", short_name="SKR", slug="skr")
    lead = staff(Role.NETWORK_LEAD, organizer=organizer, email="ledare@skr.example.se")
    network = NetworkFactory(organizer=organizer, title="Nätverk i gång", slug="natverk-i-gang", status="running")
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    participant = MembershipParticipantFactory(
        membership=membership, name="Bo Berg", email="bo.berg@example.org", groups=["project_leader"]
    )
    MembershipParticipantFactory(membership=membership, name="Cilla Carlsson", email="cilla@example.org")
    now = timezone.now()
    meeting = MeetingFactory(
        network=network,
        title="Nätverksträff i dag",
        month=None,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=3),
        mode=Meeting.Mode.DIGITAL,
        link="https://mote.example.se/trafff",
        audience=["all_participants"],
    )
    login(page, lead.email)

    # The lead sends the invitations; the worker e-mails them.
    page.goto(f"/projektledare/natverk/{network.slug}/tidplan/{meeting.pk}/")
    screenshot(page, "meeting-before-invite")
    check_a11y(page, "lead: meeting page")
    submit(page, "form[action$='/bjud-in/']")
    assert meeting.invitations.count() == 2
    invitation_mail = mailbox.wait_for(to=participant.email)

    # The participant follows the personal link (no login) and answers.
    link = next(url for url in invitation_mail.links() if "/deltagare/" in url and "/svar/" in url)
    guest = browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm")
    guest_page = guest.new_page()
    try:
        guest_page.goto(link)
        screenshot(guest_page, "rsvp")
        check_a11y(guest_page, "participant: answer")
        guest_page.locator("[name=response][value=yes]").check()
        submit(guest_page, "main form[method=post]")
        screenshot(guest_page, "participant-home")
        check_a11y(guest_page, "participant: own meetings")
        ics = guest_page.locator(f"a[href$='/kalender/mote/{meeting.uid}.ics']").first
        with guest_page.expect_download() as download_info:
            ics.click()
        with open(download_info.value.path(), "rb") as handle:
            calendar = handle.read().decode()
    finally:
        guest.close()
    assert calendar.startswith("BEGIN:VCALENDAR") and "Nätverksträff i dag" in calendar.replace("\r\n ", "")
    invitation = meeting.invitations.get(participant=participant)
    assert invitation.response == "yes"

    # The lead ticks who came (the suggestion from the answers) and saves.
    page.goto(f"/projektledare/natverk/{network.slug}/tidplan/{meeting.pk}/narvaro/?kommer=1")
    expect(page.locator(f"#attended-{participant.pk}")).to_be_checked()
    screenshot(page, "attendance")
    check_a11y(page, "lead: attendance")
    submit(page, "main form[method=post]:has([name=attended])")
    invitation.refresh_from_db()
    assert invitation.attended is True
    assert meeting.invitations.exclude(participant=participant).get().attended is False


# --- 5. Finance creates, approves, exports and sends a batch -------------------------------------------


def test_finance_creates_approves_exports_and_sends_a_batch(page, mailbox, screenshot, tmp_path):
    import subprocess
    import sys
    import zipfile

    from billing.models import Invoice, InvoiceBatch
    from tests.billing.test_batches import billed_network, finance_of
    from tests.billing.test_peppol import VALIDATOR
    from tests.factories import BillingOrganizerFactory

    organizer = BillingOrganizerFactory(name="Sveriges Kommuner och Regioner", slug="skr")
    finance = finance_of(organizer)
    network = billed_network(organizer, "0114", "0184")
    network.memberships.filter(municipality__code="0184").update(invoice_email="faktura@solna.example.se")
    login(page, finance.email)

    page.goto("/ekonomi/fakturaunderlag/")
    screenshot(page, "batch-list")
    check_a11y(page, "finance: batch list")
    page.locator("[name=due_on]").fill("2018-01-31")
    page.locator("[name=network]").fill(network.slug)
    submit(page, "form[action$='/fakturaunderlag/ny/']")
    batch = InvoiceBatch.objects.get()
    expect(page).to_have_url(re.compile(rf"/ekonomi/fakturaunderlag/{batch.pk}/$"))
    assert batch.invoices.count() == 2
    screenshot(page, "batch-draft")
    check_a11y(page, "finance: batch (draft)")

    submit(page, "form[action$='/godkann/']")
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.APPROVED
    screenshot(page, "batch-approved")
    check_a11y(page, "finance: batch (approved)")

    # The PEPPOL (UBL) export, downloaded and checked with the official validator.
    with page.expect_download() as download_info:
        page.locator("a[href$='/export/peppol/']").click()
    archive = tmp_path / "peppol.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as documents:
        names = documents.namelist()
        assert len(names) == 2
        documents.extractall(tmp_path / "ubl")
    if VALIDATOR.exists():
        files = [str(tmp_path / "ubl" / name) for name in names]
        result = subprocess.run([sys.executable, str(VALIDATOR), *files], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{len(files)}/{len(files)} files valid" in result.stdout

    # Sending: the worker e-mails each invoice.
    submit(page, "form[action$='/skicka/']")
    invoice_mail = mailbox.wait_for(to="faktura@solna.example.se")
    assert any(name and name.endswith(".pdf") for name in invoice_mail.attachments())
    mailbox.wait_for(to="faktura@example.se")
    # The worker marks the invoices sent just after handing them to the SMTP server.
    eventually(lambda: set(batch.invoices.values_list("status", flat=True)) == {Invoice.Status.SENT})
    batch.refresh_from_db()
    assert batch.status == InvoiceBatch.Status.SENT
    page.reload()
    screenshot(page, "batch-sent")
