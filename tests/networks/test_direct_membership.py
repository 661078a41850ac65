"""Memberships without an application: adding directly, completing, leaving (the services)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import StaffRole
from networks import services
from networks.models import Membership, MembershipCommitment, Network, NetworkCommitment
from tests.factories import (
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkCommitmentFactory,
    NetworkFactory,
    OrganizerFactory,
    municipality,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def organizer():
    return OrganizerFactory(name="KSL", slug="ksl")


@pytest.fixture
def lead(organizer):
    return staff(Role.NETWORK_LEAD, organizer=organizer)


@pytest.fixture
def network(organizer):
    network = NetworkFactory(organizer=organizer, capacity=3, status=Network.Status.RUNNING)
    NetworkCommitmentFactory(network=network, order=1)
    NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.STEERING_GROUP, title="Styrgrupp", order=2)
    return network


@pytest.fixture
def vasby():
    kommun = municipality("0114")
    kommun.organisation_number = "2120000019"
    kommun.peppol_id = ""
    kommun.invoice_email = "faktura@upplandsvasby.example.se"
    kommun.invoice_address = "Box 1\n194 80 Upplands Väsby"
    kommun.buyer_reference = "KS-123"
    kommun.save()
    return kommun


def add(network, kommun, lead, **kwargs):
    return services.membership_add_direct(network=network, municipality=kommun, actor=lead, **kwargs)


def test_add_direct_creates_one_membership_with_commitments_and_register_invoice_details(network, vasby, lead):
    membership = add(network, vasby, lead)
    assert Membership.objects.filter(network=network).count() == 1
    assert (membership.status, membership.source) == (Membership.Status.ACTIVE, Membership.Source.DIRECT)
    assert membership.started_on == datetime.now(STOCKHOLM).date()
    assert membership.application is None
    assert membership.invoice_orgnr == "2120000019"
    assert membership.peppol_id == "0007:2120000019"
    assert membership.invoice_email == "faktura@upplandsvasby.example.se"
    assert membership.invoice_address == "Box 1\n194 80 Upplands Väsby"
    assert membership.buyer_reference == "KS-123"
    assert membership.invoice_details_complete
    answers = MembershipCommitment.objects.filter(membership=membership)
    assert [a.commitment.title for a in answers] == ["Kommunledningsbeslut om deltagande före start", "Styrgrupp"]
    assert not any(a.confirmed for a in answers)
    assert membership.history.first().history_user == lead


def test_add_direct_with_a_start_date(network, vasby, lead):
    assert add(network, vasby, lead, started_on=date(2024, 1, 15)).started_on == date(2024, 1, 15)


def test_add_direct_leaves_out_register_values_that_are_not_valid(network, lead):
    kommun = municipality("0180")
    type(kommun).objects.filter(pk=kommun.pk).update(organisation_number="", peppol_id="inte-peppol")
    kommun.refresh_from_db()
    membership = add(network, kommun, lead)
    assert membership.peppol_id == ""
    assert not membership.invoice_details_complete


def test_add_direct_twice_is_a_clear_error_and_still_one_membership(network, vasby, lead):
    add(network, vasby, lead)
    with pytest.raises(services.MembershipError, match=r"redan medlem|already a member"):
        add(network, vasby, lead)
    assert Membership.objects.filter(network=network).count() == 1
    assert MembershipCommitment.objects.filter(membership__network=network).count() == 2


def test_add_direct_after_leaving_reactivates_the_same_row(network, vasby, lead):
    first = add(network, vasby, lead, started_on=date(2024, 1, 1))
    MembershipParticipantFactory(membership=first, email="kvar@example.se")
    services.membership_update_invoice_details(membership=first, actor=lead, data={"buyer_reference": "Egen ref"})
    services.membership_leave(membership=first, actor=lead, reason="Beslut i KS", left_on=date(2024, 6, 1))
    NetworkCommitmentFactory(network=network, title="Tillkommen", order=3)
    again = add(network, vasby, lead)
    assert again.pk == first.pk
    assert Membership.objects.filter(network=network).count() == 1
    assert (again.status, again.source, again.left_on, again.left_reason) == ("active", "direct", None, "")
    assert again.buyer_reference == "Egen ref"  # what the member completed is kept
    assert list(again.participants.values_list("email", flat=True)) == ["kvar@example.se"]
    assert again.commitments.count() == 3  # the new commitment added, the old ones not doubled


def test_add_direct_to_a_full_network_needs_confirmation(network, vasby, lead):
    for code in ("0180", "1280", "0127"):
        MembershipFactory(network=network, municipality=municipality(code))
    with pytest.raises(services.NetworkFullError, match="3"):
        add(network, vasby, lead)
    assert not Membership.objects.filter(network=network, municipality=vasby).exists()
    membership = add(network, vasby, lead, allow_over_capacity=True)
    assert membership.status == Membership.Status.ACTIVE
    assert network.memberships.filter(status="active").count() == 4


def test_members_who_left_do_not_take_places(network, vasby, lead):
    for code in ("0180", "1280"):
        MembershipFactory(network=network, municipality=municipality(code))
    MembershipFactory(network=network, municipality=municipality("0127"), status=Membership.Status.LEFT)
    assert add(network, vasby, lead).status == Membership.Status.ACTIVE


def test_add_direct_refuses_the_wrong_kind(network, lead):
    region = municipality("0001")
    assert region.kind == "region"
    with pytest.raises(services.MembershipError, match=r"bara för kommuner|municipalities only"):
        add(network, region, lead)
    regions = NetworkFactory(organizer=network.organizer, eligibility=Network.Eligibility.REGIONS)
    with pytest.raises(services.MembershipError, match=r"bara för regioner|regions only"):
        add(regions, municipality("0114"), lead)
    both = NetworkFactory(organizer=network.organizer, eligibility=Network.Eligibility.BOTH)
    assert add(both, region, lead).municipality == region
    assert not Membership.objects.filter(network__in=[network, regions]).exists()


@pytest.mark.parametrize("status", [Network.Status.FINISHED, Network.Status.ARCHIVED])
def test_add_direct_refuses_a_finished_network(network, vasby, lead, status):
    Network.objects.filter(pk=network.pk).update(status=status)
    network.refresh_from_db()
    with pytest.raises(services.MembershipError, match=r"avslutat|finished"):
        add(network, vasby, lead)


def test_add_direct_only_by_the_networks_leads(network, vasby):
    for outsider in (
        staff(Role.NETWORK_LEAD),
        staff(Role.FINANCE, organizer=network.organizer),
        representative("0114"),
    ):
        with pytest.raises(PermissionDenied):
            add(network, vasby, outsider)
    assert not Membership.objects.exists()


def test_membership_errors_are_validation_errors():
    assert issubclass(services.MembershipError, ValidationError)
    assert issubclass(services.NetworkFullError, services.MembershipError)


# --- Completing the membership -------------------------------------------------------------


@pytest.fixture
def membership(network, vasby, lead):
    return add(network, vasby, lead)


def test_invoice_details_normalised_and_peppol_defaulted(membership):
    rep = representative("0114")
    data = {"invoice_orgnr": "212000-0142", "peppol_id": "", "buyer_reference": " Ref 9 "}
    services.membership_update_invoice_details(membership=membership, actor=rep, data=data)
    membership.refresh_from_db()
    assert (membership.invoice_orgnr, membership.peppol_id) == ("2120000142", "0007:2120000142")
    assert membership.buyer_reference == "Ref 9"
    assert membership.invoice_email == "faktura@upplandsvasby.example.se"  # not in data: unchanged
    assert membership.history.first().history_user == rep


@pytest.mark.parametrize(
    "data",
    [{"invoice_orgnr": "1234567890"}, {"peppol_id": "9999:1"}, {"invoice_email": "inte-en-adress"}],
)
def test_invoice_details_refuse_bad_values(membership, data):
    with pytest.raises(ValidationError):
        services.membership_update_invoice_details(membership=membership, actor=representative("0114"), data=data)
    membership.refresh_from_db()
    assert membership.invoice_orgnr == "2120000019"


def test_only_own_representatives_and_leads_complete(membership, lead):
    for outsider in (representative("0180"), staff(Role.NETWORK_LEAD), staff(Role.FINANCE)):
        with pytest.raises(PermissionDenied):
            services.membership_save_participants(membership=membership, actor=outsider, rows=[])
    services.membership_save_participants(
        membership=membership, actor=lead, rows=[{"name": "Anna", "email": "anna@example.se"}]
    )
    assert membership.participants.count() == 1


def test_participants_added_edited_removed(membership):
    rep = representative("0114")
    kept = MembershipParticipantFactory(membership=membership, name="Anna", email="anna@example.se")
    removed = MembershipParticipantFactory(membership=membership, email="bo@example.se")
    other = MembershipParticipantFactory(membership=MembershipFactory(municipality=municipality("0180")))
    rows = [
        {"id": kept.pk, "name": "Anna Berg", "email": "anna@example.se", "title": "Controller", "role": "Ekonomi"},
        {"id": other.pk, "name": "Ny", "email": "ny@example.se"},  # another membership's id: a new participant
        {"id": None, "name": "Cecilia", "email": "bo@example.se"},  # may take over a removed one's address
    ]
    services.membership_save_participants(membership=membership, actor=rep, rows=rows)
    people = {p.email: p for p in membership.participants.all()}
    assert set(people) == {"anna@example.se", "ny@example.se", "bo@example.se"}
    assert (people["anna@example.se"].pk, people["anna@example.se"].name) == (kept.pk, "Anna Berg")
    assert people["bo@example.se"].pk != removed.pk
    other.refresh_from_db()
    assert other.name != "Ny"


def test_participant_emails_unique_whatever_the_case(membership):
    MembershipParticipantFactory(membership=membership, email="anna@example.se")
    rows = [{"name": "A", "email": "Anna@Example.se"}, {"name": "B", "email": "anna@example.se"}]
    with pytest.raises(services.MembershipError, match=r"två gånger|twice"):
        services.membership_save_participants(membership=membership, actor=representative("0114"), rows=rows)
    assert list(membership.participants.values_list("email", flat=True)) == ["anna@example.se"]


def test_participants_swapping_addresses_is_an_error_not_a_crash(membership):
    a = MembershipParticipantFactory(membership=membership, email="a@example.se")
    b = MembershipParticipantFactory(membership=membership, email="b@example.se")
    rows = [{"id": a.pk, "name": "A", "email": "b@example.se"}, {"id": b.pk, "name": "B", "email": "a@example.se"}]
    with pytest.raises(services.MembershipError):
        services.membership_save_participants(membership=membership, actor=representative("0114"), rows=rows)
    assert sorted(membership.participants.values_list("email", flat=True)) == ["a@example.se", "b@example.se"]


def test_participant_without_email_refused(membership):
    with pytest.raises(ValidationError):
        services.membership_save_participants(
            membership=membership, actor=representative("0114"), rows=[{"name": "Utan adress", "email": ""}]
        )
    assert not membership.participants.exists()


def test_commitments_answered(membership, network):
    decision, steering = network.commitments.order_by("order")
    later = NetworkCommitmentFactory(network=network, title="Senare", order=3)
    foreign = NetworkCommitmentFactory(title="Annat nätverk")
    answers = {
        decision.pk: {"confirmed": True, "decision_date": date(2024, 2, 1), "decision_reference": "KS 2024/12"},
        steering.pk: {"confirmed": True, "details": "Kommundirektören leder"},
        later.pk: {"confirmed": False, "details": None},
        foreign.pk: {"confirmed": True},
    }
    services.membership_save_commitments(membership=membership, actor=representative("0114"), answers=answers)
    stored = {a.commitment_id: a for a in membership.commitments.all()}
    assert set(stored) == {decision.pk, steering.pk, later.pk}
    assert stored[decision.pk].confirmed and stored[decision.pk].decision_reference == "KS 2024/12"
    assert stored[steering.pk].details == "Kommundirektören leder"
    assert stored[later.pk].details == ""


# --- Leaving -------------------------------------------------------------------------------


def test_leave_sets_status_date_and_reason(membership, lead):
    Membership.objects.filter(pk=membership.pk).update(started_on=date(2025, 1, 1))
    with time_machine.travel(datetime(2025, 3, 31, 23, 30, tzinfo=STOCKHOLM), tick=False):
        result = services.membership_leave(membership=membership, actor=lead, reason="  Kommunen avstår  ")
    assert isinstance(result, Membership) and result.pk == membership.pk
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT
    assert membership.left_on == date(2025, 3, 31)  # Stockholm's day, not UTC's
    assert membership.left_reason == "Kommunen avstår"
    assert membership.history.first().history_user == lead


def test_leave_twice_or_before_start_refused(membership, lead):
    joined = min(membership.started_on, timezone.localtime(membership.created_at).date())
    with pytest.raises(services.MembershipError, match=r"innan det har börjat|before it started"):
        services.membership_leave(membership=membership, actor=lead, reason="x", left_on=joined - timedelta(days=1))
    services.membership_leave(membership=membership, actor=lead, reason="x")
    with pytest.raises(services.MembershipError, match=r"redan lämnat|already left"):
        services.membership_leave(membership=membership, actor=lead, reason="y")
    membership.refresh_from_db()
    assert membership.left_reason == "x"


def test_leave_only_by_the_networks_leads(membership):
    for outsider in (representative("0114"), staff(Role.NETWORK_LEAD), None):
        with pytest.raises(PermissionDenied):
            services.membership_leave(membership=membership, actor=outsider, reason="x")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_a_membership_that_ended_cannot_be_completed(membership, lead):
    services.membership_leave(membership=membership, actor=lead, reason="x")
    rep = representative("0114")
    with pytest.raises(services.MembershipError, match=r"avslutats|ended"):
        services.membership_update_invoice_details(membership=membership, actor=rep, data={"buyer_reference": "z"})
    with pytest.raises(services.MembershipError):
        services.membership_save_participants(membership=membership, actor=rep, rows=[])
    with pytest.raises(services.MembershipError):
        services.membership_save_commitments(membership=membership, actor=rep, answers={})


def test_a_member_may_withdraw_before_the_network_starts(membership, lead):
    Membership.objects.filter(pk=membership.pk).update(started_on=date.today() + timedelta(days=90))
    membership.refresh_from_db()
    left = services.membership_leave(membership=membership, actor=lead, reason="Avstår innan start")
    assert left.status == Membership.Status.LEFT and left.left_on < left.started_on


def test_each_new_participant_is_told_once_how_their_data_is_used(membership, django_capture_on_commit_callbacks):
    from django.core import mail

    from networks.tasks import send_participant_information

    rep = representative("0114")
    rows = [{"name": "Anna Berg", "email": "anna@example.se"}]
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_save_participants(membership=membership, actor=rep, rows=rows)
    assert [m.to for m in mail.outbox] == [["anna@example.se"]]
    assert "personuppgifter" in mail.outbox[0].body or "personal data" in mail.outbox[0].body
    anna = membership.participants.get()
    rows = [{"id": anna.pk, "name": "Anna Berg", "email": "anna@example.se"}, {"name": "Bo", "email": "bo@example.se"}]
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_save_participants(membership=membership, actor=rep, rows=rows)
    assert [m.to for m in mail.outbox] == [["anna@example.se"], ["bo@example.se"]]
    assert send_participant_information(membership.pk) == 0  # the task running twice sends nothing
