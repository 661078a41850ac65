"""A person with data in most registered tables, for the export and erasure tests."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from applications.models import Application, ApplicationVersion, ProposedParticipant
from core import privacy
from core.models import SentEmail
from meetings.models import FollowUpNote, Invitation, SeminarRegistration
from networks.models import NetworkContact
from tests.factories import (
    ApplicationFactory,
    InvoiceFactory,
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    UserFactory,
    municipality,
)


def make_person(name: str, email: str, *, old_email: str, author=None) -> dict:
    """A representative with an account (whose address changed once), who also takes part in a network, signed
    up for a seminar, is proposed in an application, is the reference on an invoice, and is mentioned in a note."""
    user = UserFactory(email=old_email, name=name, phone="070-123 45 67", municipality=municipality("0114"))
    user.email = email  # the history keeps the old address
    user.save()
    author = author or UserFactory()
    network = NetworkFactory()
    application = ApplicationFactory(
        network=network,
        created_by=user,
        buyer_reference=name,
        decision=Application.Decision.REJECTED,
        decided_by=author,
        decided_at=timezone.now(),
    )
    proposed = ProposedParticipant.objects.create(application=application, name=name, email=email, title="Controller")
    proposed.title = "Ekonomichef"
    proposed.save()  # two history rows
    ApplicationVersion.objects.create(
        application=application,
        number=1,
        submitted_at=timezone.now(),
        submitted_by=user,
        data={"participants": [{"name": name, "email": email}], "fields": {"buyer_reference": name}},
    )
    membership = MembershipFactory(network=NetworkFactory(), buyer_reference=name)
    participant = MembershipParticipantFactory(membership=membership, name=name, email=email.upper())
    meeting = MeetingFactory(network=membership.network)
    Invitation.objects.create(meeting=meeting, participant=participant, dietary_needs="Vegetarian")
    SeminarRegistration.objects.create(meeting=meeting, name=name, organisation="Upplands Väsby", email=email)
    NetworkContact.objects.create(network=network, name=name, email=email, phone="08-123", user=user)
    invoice = InvoiceFactory(membership=membership, buyer_reference=name, buyer_email=email)
    SentEmail.objects.create(key=f"meeting-invitation:1:{email}", recipient=email, subject=f"Inbjudan till {name}")
    FollowUpNote.objects.create(membership=membership, text=f"Ringde {name} om läget.", author=author)
    return {
        "user": user,
        "application": application,
        "invoice": invoice,
        "participant": participant,
        "membership": membership,
    }


def text_hits(*terms: str) -> list[tuple[str, str, int]]:
    """(table, field, pk) of every text in a registered model or its history table that holds one of ``terms``."""
    hits = []
    for entry in privacy.entries():
        base = entry.get_model()
        for model in (base, privacy.history_model(base)):
            if model is None:
                continue
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            condition = Q()
            for name in fields:
                for term in terms:
                    condition |= Q(**{f"{name}__icontains": term})
            for obj in model._default_manager.filter(condition):
                lowered = [term.lower() for term in terms]
                for name in fields:
                    value = str(getattr(obj, name) or "").lower()
                    if any(term in value for term in lowered):
                        hits.append((model._meta.label, name, obj.pk))
    return hits
