"""The receipt e-mail: after commit, to the submitter and the municipality's contact, never twice."""

import pytest

from applications import services
from applications.receipts import send_receipts
from applications.tasks import send_application_receipts
from core.models import SentEmail
from tests.applications.test_apply_flow import eager_tasks, make_network  # noqa: F401 (a fixture)
from tests.factories import ApplicationFactory, municipality, representative

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    m = municipality("0114")
    m.invoice_email = "faktura@vasby.example.se"
    m.save()
    network = make_network(participants_min=None)
    rep = representative("0114", email="rita@vasby.example.se")
    application = ApplicationFactory(network=network, created_by=rep, buyer_reference="KS", invoice_orgnr="2120000019")
    application.invoice_email = "faktura@vasby.example.se"
    application.save()
    for commitment in network.commitments.all():
        application.commitments.create(
            commitment=commitment, confirmed=True, decision_date="2021-05-01", decision_reference="KS 1", details="Alla"
        )
    application.participants.create(name="Anna", email="anna@vasby.example.se")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(application=application, actor=rep)
    return application, callbacks


def test_receipt_is_dispatched_only_after_commit(submitted, mailoutbox):
    _application, callbacks = submitted
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "anna@vasby.example.se",
        "faktura@vasby.example.se",
        "rita@vasby.example.se",
    ]


def test_receipt_contains_summary_in_swedish(submitted, mailoutbox):
    application, callbacks = submitted
    callbacks[0]()
    receipt = next(m for m in mailoutbox if m.to == ["rita@vasby.example.se"])
    assert application.network.title in receipt.subject
    assert "Anna" in receipt.body and "KS" in receipt.body
    assert f"/ansokningar/{application.pk}/" in receipt.body


def test_receipt_never_sent_twice_for_the_same_version(submitted, mailoutbox):
    application, _callbacks = submitted
    assert send_receipts(application_id=application.pk, version=1) == 3
    assert send_application_receipts(application.pk, 1) == 0
    assert len(mailoutbox) == 3
    assert SentEmail.objects.filter(key__startswith=f"application-receipt:{application.pk}:v1:").count() == 2


def test_receipt_recipients_deduplicated(django_capture_on_commit_callbacks, mailoutbox):
    network = make_network(participants_min=None)
    rep = representative("0114", email="same@vasby.example.se")
    m = municipality("0114")
    m.invoice_email = "SAME@vasby.example.se"
    m.save()
    application = ApplicationFactory(network=network, created_by=rep)
    application.versions.create(number=1, submitted_at="2021-01-01T10:00Z", submitted_by=rep, data={"fields": {}})
    assert send_receipts(application_id=application.pk, version=1) == 1
