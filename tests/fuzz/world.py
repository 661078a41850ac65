"""The objects the fuzzed forms are about: the demo (``seed_demo``) plus a few things it lacks.

Built once per test module inside the demo's transaction (see ``tests/portal/conftest.py``),
so it is rolled back with the demo at the end of the module.
"""

from __future__ import annotations

from types import SimpleNamespace

NOWHERE = 999_999  # the pk of an object that does not exist (used where the demo has no object of a kind)


def _pk(obj) -> int:
    return obj.pk if obj is not None else NOWHERE


def _register_import(user):
    from municipalities.services import register_import_create

    content = "code;invoice_email;buyer_reference\n0114;faktura@example.se;123\n9999;x;y\n"
    return register_import_create(uploaded_by=user, filename="register.csv", content=content, encoding="utf-8")


def _majority_import(user):
    from municipalities.majority_import import majority_import_create

    content = "code;majority;bloc\n0114;S+C;left\n9999;;\n"
    return majority_import_create(uploaded_by=user, filename="majoritet.csv", content=content, encoding="utf-8")


def build_world() -> SimpleNamespace:
    from accounts.models import User
    from applications.models import Application, WaitlistOffer
    from billing.models import FeeBasis, Invoice, InvoiceBatch, Payment
    from meetings.links import personal_token
    from meetings.models import (
        FollowUpNote,
        Homework,
        HomeworkSubmission,
        Invitation,
        Meeting,
        SeminarRegistration,
        Survey,
    )
    from municipalities.models import EfficiencyModel, MajorityImport, RegisterImport
    from networks.models import Membership, MembershipCommitment, Network
    from tests.factories import ApplicationFactory, UserFactory

    networks = Network.objects.filter(organizer__slug="skr")
    by_status = {status: networks.filter(status=status).order_by("slug").first() for status in Network.Status.values}
    running = by_status["running"]
    member = (
        Membership.objects.filter(network=running, status=Membership.Status.ACTIVE, participants__isnull=False)
        .order_by("pk")
        .first()
    )
    participant = member.participants.order_by("pk").first()
    rep = UserFactory(
        email="fuzz.representative@example.se",
        municipality=member.municipality,
        municipality_link_source=User.LinkSource.GRANTED,
    )
    invitation = Invitation.objects.filter(participant=participant).order_by("pk").first()
    meeting = invitation.meeting if invitation else Meeting.objects.filter(network=running).order_by("pk").first()
    homework = Homework.objects.filter(meeting__network=member.network).order_by("pk").first()
    survey = Survey.objects.filter(network=member.network).order_by("pk").first()
    seminar = (
        Meeting.objects.filter(kind=Meeting.Kind.FINAL_SEMINAR, network__organizer__slug="skr").order_by("pk").first()
    )
    registration = SeminarRegistration.objects.filter(meeting=seminar).order_by("pk").first()
    selection = by_status["selection"] or running
    in_selection = Application.objects.filter(network=selection).order_by("pk").first()
    own_application = ApplicationFactory(
        network=by_status["open"],
        municipality=member.municipality,
        created_by=rep,
        submitted_by=rep,
        status=Application.Status.SUBMITTED,
        version=1,
    )
    offer = WaitlistOffer.objects.order_by("pk").first()
    invoice = Invoice.objects.filter(organizer__slug="skr").order_by("pk").first()
    batch = InvoiceBatch.objects.filter(organizer__slug="skr").order_by("pk").first()
    batch_invoice = Invoice.objects.filter(batch=batch).order_by("pk").first() if batch else None
    try:
        from core.privacy import person_key
    except ImportError:  # the personal-data pages came with issue 9
        person_key = None
    lead = User.objects.get(email="projektledare@example.se")
    return SimpleNamespace(
        person_key=person_key(rep.email) if person_key else "0" * 32,
        users={
            "anonymous": None,
            "representative": rep,
            "demo_representative": User.objects.get(email="anna.andersson@upplandsvasby.example.se"),
            "lead": lead,
            "finance": User.objects.get(email="ekonomi@example.se"),
            "administrator": User.objects.get(email="administrator@example.se"),
            "superuser": User.objects.get(email="system@example.se"),
        },
        open_slug=by_status["open"].slug,
        selection_slug=selection.slug,
        running_slug=running.slug,
        finished_slug=(by_status["finished"] or running).slug,
        member=member.pk,
        municipality_code=member.municipality.code,
        participant=participant.pk,
        token=personal_token(participant),
        invitation=_pk(invitation),
        meeting=_pk(meeting),
        homework=_pk(homework),
        homework_network=homework.meeting.network.slug if homework else running.slug,
        submission=_pk(HomeworkSubmission.objects.filter(homework=homework).order_by("pk").first()),
        survey=_pk(survey),
        seminar_slug=seminar.network.slug if seminar else running.slug,
        seminar=_pk(seminar),
        seminar_uid=str(seminar.uid) if seminar else "00000000-0000-0000-0000-000000000000",
        registration_token=registration.token if registration else "x" * 30,
        application=_pk(in_selection),
        own_application=own_application.pk,
        offer=_pk(offer),
        offer_slug=offer.network.slug if offer else running.slug,
        offer_application=offer.application_id if offer else own_application.pk,
        commitment=_pk(MembershipCommitment.objects.filter(membership=member).order_by("pk").first()),
        note=_pk(FollowUpNote.objects.filter(membership=member).order_by("pk").first()),
        fee_basis=_pk(FeeBasis.objects.filter(membership__network=running).order_by("pk").first()),
        invoice=_pk(invoice),
        batch=_pk(batch),
        batch_invoice=_pk(batch_invoice),
        payment=_pk(Payment.objects.filter(organizer__slug="skr").order_by("pk").first()),
        efficiency_model=_pk(EfficiencyModel.objects.filter(organizer__slug="skr").order_by("pk").first()),
        register_import=_pk(RegisterImport.objects.order_by("pk").first() or _register_import(lead)),
        majority_import=_pk(MajorityImport.objects.order_by("pk").first() or _majority_import(lead)),
    )
