"""One world for the authorization matrix: two organisers, two municipalities, one of everything.

Organiser O1 runs network X (open for applications). Municipality A applied to X, is a
member with a participant, meetings, homework, evaluations, follow-up notes, a fee basis,
invoices in a batch, payments and stored documents. Organiser O2 runs network Y, where
municipality B is a member. Every URL keyword of the project is filled with an object of
A / X / O1 (``World.kwargs``), and the actors who request them are users of each role.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import StaffRole
from tests import factories as f

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODE_A = "0114"  # Upplands Väsby
CODE_B = "0180"  # Stockholm

Role = StaffRole.Role


@dataclass
class World:
    """The objects, the actors (name -> user or None) and the values of the URL keywords."""

    objects: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    participant_token: str = ""
    other_participant_token: str = ""

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _dated(network, *, days: int, **kwargs):
    start = timezone.now() + timedelta(days=days)
    return f.MeetingFactory(network=network, month=None, starts_at=start, ends_at=start + timedelta(hours=3), **kwargs)


def build_world() -> World:
    from applications.models import Application, ApplicationAttachment, ApplicationVersion, WaitlistOffer
    from billing.invoicing import issue_invoice
    from billing.models import BgMaxImport, FeeBasis, InvoiceBatch, Payment
    from core.privacy import person_key
    from meetings.links import personal_token
    from meetings.models import (
        CalendarFeed,
        FollowUpNote,
        Homework,
        HomeworkSubmission,
        Invitation,
        Meeting,
        SeminarRegistration,
        Survey,
        SurveyResponse,
    )
    from municipalities.models import EfficiencyModel, MajorityImport, RegisterImport
    from networks.models import Membership, MembershipCommitment, Network
    from reports.models import StoredDocument

    w = World()
    o = w.objects
    now = timezone.now()
    o["A"] = f.municipality(CODE_A)
    o["B"] = f.municipality(CODE_B)
    o["O1"] = f.BillingOrganizerFactory(slug="org-o1", name="Arrangör Ett")
    o["O2"] = f.BillingOrganizerFactory(slug="org-o2", name="Arrangör Två")

    u = w.users
    u["anonymous"] = None
    u["rep_a"] = f.representative(CODE_A, email="rep-a@example.se")
    u["rep_b"] = f.representative(CODE_B, email="rep-b@example.se")
    u["participant"] = None  # acts through the signed link only
    u["lead_x"] = f.staff(Role.NETWORK_LEAD, o["O1"], email="lead-x@example.se")
    u["lead_y"] = f.staff(Role.NETWORK_LEAD, o["O2"], email="lead-y@example.se")
    u["finance_o1"] = f.staff(Role.FINANCE, o["O1"], email="finance-o1@example.se")
    u["finance_o2"] = f.staff(Role.FINANCE, o["O2"], email="finance-o2@example.se")
    u["admin_o1"] = f.staff(Role.ADMINISTRATOR, o["O1"], email="admin-o1@example.se")
    u["superuser"] = f.UserFactory(email="root@example.se", is_superuser=True, is_staff=True)
    lead, rep_a = u["lead_x"], u["rep_a"]

    # --- Networks ---------------------------------------------------------------------------
    x = o["X"] = f.NetworkFactory(organizer=o["O1"], slug="natverk-x", title="Nätverk X")
    y = o["Y"] = f.NetworkFactory(organizer=o["O2"], slug="natverk-y", title="Nätverk Y")
    o["commitment"] = f.NetworkCommitmentFactory(network=x)
    f.ReviewCriterionFactory(network=x)

    # --- A's application to X, submitted, with an attachment and a version --------------------
    app = o["application"] = f.ApplicationFactory(
        network=x,
        municipality=o["A"],
        created_by=rep_a,
        status=Application.Status.SUBMITTED,
        version=1,
        submitted_at=now - timedelta(days=1),
        submitted_by=rep_a,
    )
    ApplicationVersion.objects.create(
        application=app, number=1, submitted_at=app.submitted_at, submitted_by=rep_a, data={"motivation": "x"}
    )
    attachment = ApplicationAttachment(
        application=app,
        token="attachment-token-a",
        original_name="bilaga.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=rep_a,
    )
    attachment.file.save("bilaga.pdf", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    o["attachment"] = attachment

    o["application_b"] = f.ApplicationFactory(
        network=y,
        municipality=o["B"],
        created_by=u["rep_b"],
        status=Application.Status.SUBMITTED,
        version=1,
        submitted_at=now - timedelta(days=1),
        submitted_by=u["rep_b"],
    )

    # A waiting-list offer of A in X2 (another network of O1, in selection).
    x2 = o["X2"] = f.NetworkFactory(organizer=o["O1"], slug="natverk-x2", status=Network.Status.SELECTION)
    waitlisted = f.ApplicationFactory(
        network=x2,
        municipality=o["A"],
        created_by=rep_a,
        status=Application.Status.SUBMITTED,
        version=1,
        submitted_at=now - timedelta(days=2),
        submitted_by=rep_a,
        decision=Application.Decision.WAITLIST,
        published_decision=Application.Decision.WAITLIST,
        decision_published_at=now - timedelta(days=1),
        waitlist_rank=1,
    )
    o["offer_application"] = waitlisted
    o["offer"] = WaitlistOffer.objects.create(
        application=waitlisted, network=x2, offered_at=now, deadline=now + timedelta(days=7)
    )

    # --- Memberships and participants ---------------------------------------------------------
    membership = o["membership"] = f.MembershipFactory(network=x, municipality=o["A"], application=app)
    o["membership_b"] = f.MembershipFactory(network=y, municipality=o["B"])
    participant = o["participant"] = f.MembershipParticipantFactory(
        membership=membership, email="deltagare-a@example.se", groups=["steering_group"]
    )
    other_participant = o["participant_b"] = f.MembershipParticipantFactory(
        membership=o["membership_b"], email="deltagare-b@example.se"
    )
    o["person"] = SimpleNamespace(key=person_key(participant.email))
    w.participant_token = personal_token(participant)
    w.other_participant_token = personal_token(other_participant)
    o["membership_commitment"] = MembershipCommitment.objects.create(membership=membership, commitment=o["commitment"])
    o["note"] = FollowUpNote.objects.create(membership=membership, text="Ringde kommunen.", author=lead)

    # --- Meetings -----------------------------------------------------------------------------
    meeting = o["meeting"] = _dated(x, days=-7, title="Träff 1")
    invitation = o["invitation"] = Invitation.objects.create(meeting=meeting, participant=participant, response="yes")
    meeting_y = o["meeting_y"] = _dated(y, days=-7, title="Träff Y")
    Invitation.objects.create(meeting=meeting_y, participant=other_participant)
    seminar = o["seminar"] = _dated(
        x, days=30, kind=Meeting.Kind.FINAL_SEMINAR, title="Slutseminarium", audience=["public"]
    )
    o["registration"] = SeminarRegistration.objects.create(
        meeting=seminar, name="Gäst", organisation="Region", email="gast@example.se"
    )
    homework = o["homework"] = Homework.objects.create(
        meeting=_dated(x, days=14, title="Träff 2"), title="Nulägesanalys", due_at=now + timedelta(days=10)
    )
    submission = HomeworkSubmission(
        homework=homework,
        membership=membership,
        text="Svar",
        file_name="svar.pdf",
        file_type="application/pdf",
        file_size=len(PDF_BYTES),
        submitted_at=now,
        submitted_by=rep_a,
    )
    submission.file.save("svar.pdf", ContentFile(PDF_BYTES), save=False)
    submission.save()
    o["submission"] = submission
    survey = o["survey"] = Survey.objects.create(
        network=x,
        meeting=meeting,
        title="Utvärdering träff 1",
        question_1="F1",
        question_2="F2",
        question_3="F3",
        free_text_question="Fritt",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        sent_at=now - timedelta(days=1),
    )
    SurveyResponse.objects.create(survey=survey, participant=participant, membership=membership)
    o["calendar_feed"] = CalendarFeed.objects.create(network=x, created_by=lead)

    # --- Register, models, documents ------------------------------------------------------------
    o["register_import"] = RegisterImport.objects.create(content="kod;namn\n", filename="register.csv")
    o["majority_import"] = MajorityImport.objects.create(content="kod;majoritet\n", filename="majoritet.csv")
    o["efficiency_model"] = EfficiencyModel.objects.create(organizer=o["O1"], name="Grundskola X", created_by=lead)
    document = StoredDocument(
        network=x,
        kind=StoredDocument.Kind.FINAL_REPORT,
        status=StoredDocument.Status.DONE,
        progress=100,
        file_name="slutrapport.pdf",
        size=len(PDF_BYTES),
        requested_by=lead,
        finished_at=now,
    )
    document.file.save("slutrapport.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    o["document"] = document

    # --- Billing ------------------------------------------------------------------------------
    f.fee_schedule(x, flat=25000)
    o["fee_basis"] = FeeBasis.objects.create(
        membership=membership, population=15000, source=FeeBasis.Source.REGISTER, amount=Decimal("25000")
    )
    finance = u["finance_o1"]
    batch = o["batch"] = InvoiceBatch.objects.create(
        organizer=o["O1"], network=x, title="Underlag X", due_on=timezone.localdate(), created_by=finance
    )
    invoice = o["invoice"] = f.InvoiceFactory(membership=membership, network=x, organizer=o["O1"], batch=batch)
    o["bgmax_import"] = BgMaxImport.objects.create(
        organizer=o["O1"], file_name="bgmax-o1.txt", sha256=hashlib.sha256(b"bgmax").hexdigest(), imported_by=finance
    )
    issued = f.InvoiceFactory(membership=membership, network=x, organizer=o["O1"])
    o["invoice_issued"] = issue_invoice(issued, actor=finance)
    o["payment"] = Payment.objects.create(organizer=o["O1"], amount=Decimal("100"), paid_on=timezone.localdate())
    assert invitation.pk and invoice.pk and Membership.objects.filter(network=x).exists()
    return w
