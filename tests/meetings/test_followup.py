"""Following each member (issue 6): commitment statuses, the lead's receipt with history, notes,
the follow-up selector (attendance, hand-ins, evaluations), weekly commitment reminders, and
revoking and sending participants' personal links."""

from datetime import date, datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from core.beat import collect_specs
from meetings import followup
from meetings.followup import CommitmentStatus, HomeworkStatus
from meetings.links import participant_from_token, personal_token
from meetings.models import (
    CalendarFeed,
    FollowUpNote,
    Homework,
    HomeworkSubmission,
    Invitation,
    Meeting,
    Survey,
    SurveyResponse,
)
from networks.models import Membership, MembershipCommitment, Network, NetworkCommitment
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
    NetworkCommitmentFactory,
    NetworkFactory,
    OrganizerFactory,
    UserFactory,
    municipality,
    representative,
    staff,
)

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
Kind = NetworkCommitment.Kind
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Monday morning in Stockholm (ISO week 10 of 2025), when the weekly reminders go out.
MONDAY = datetime(2025, 3, 3, 8, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def network():
    return NetworkFactory(organizer=OrganizerFactory(), slug="styrsystem", status=Network.Status.RUNNING)


@pytest.fixture
def lead(network):
    return staff(Role.NETWORK_LEAD, organizer=network.organizer)


@pytest.fixture
def decision(network):
    return NetworkCommitmentFactory(network=network, kind=Kind.DECISION, title="Kommunledningsbeslut", order=1)


@pytest.fixture
def steering(network):
    return NetworkCommitmentFactory(network=network, kind=Kind.STEERING_GROUP, title="Styrgrupp", order=2)


@pytest.fixture
def membership(network, decision, steering):
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    for commitment in (decision, steering):
        MembershipCommitment.objects.create(membership=membership, commitment=commitment)
    return membership


def answer(membership, commitment) -> MembershipCommitment:
    return MembershipCommitment.objects.get(membership=membership, commitment=commitment)


def dated(network, *, days=14, **kwargs) -> Meeting:
    start = timezone.now() + timedelta(days=days)
    defaults = {"network": network, "month": None, "starts_at": start, "ends_at": start + timedelta(hours=3)}
    return MeetingFactory(**{**defaults, **kwargs})


# --- Statuses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ({}, CommitmentStatus.MISSING),
        ({"confirmed": True}, CommitmentStatus.CONFIRMED),
        ({"decision_pending": True, "expected_date": date(2025, 5, 1)}, CommitmentStatus.EXPECTED),
        ({"decision_pending": True}, CommitmentStatus.EXPECTED),
        ({"decision_date": date(2025, 2, 1)}, CommitmentStatus.DECIDED),
        ({"decision_reference": "KS 2025/12"}, CommitmentStatus.DECIDED),
        ({"confirmed": True, "decision_date": date(2025, 2, 1), "decision_pending": True}, CommitmentStatus.DECIDED),
        ({"decision_date": date(2025, 2, 1), "received_at": MONDAY}, CommitmentStatus.RECEIVED),
        ({"received_at": MONDAY}, CommitmentStatus.RECEIVED),
    ],
)
def test_commitment_status(membership, decision, values, status):
    MembershipCommitment.objects.filter(membership=membership, commitment=decision).update(**values)
    row = followup.member_follow_up(membership).commitments[0]
    assert row.commitment == decision
    assert row.status == status
    assert row.label
    assert row.outstanding is (status != CommitmentStatus.RECEIVED)


def test_a_commitment_without_an_answer_is_missing(network, membership):
    late = NetworkCommitmentFactory(network=network, kind=Kind.TIME, title="Tid avsatt", order=3)
    row = followup.member_follow_up(membership).commitments[2]
    assert (row.commitment, row.answer, row.status, row.outstanding) == (late, None, CommitmentStatus.MISSING, True)


def test_other_commitments_are_settled_once_confirmed(membership, steering):
    assert followup.member_follow_up(membership).commitments[1].outstanding
    MembershipCommitment.objects.filter(membership=membership, commitment=steering).update(confirmed=True)
    row = followup.member_follow_up(membership).commitments[1]
    assert (row.status, row.outstanding, row.overdue) == (CommitmentStatus.CONFIRMED, False, False)


def test_a_decision_is_overdue_once_the_kickoff_has_begun(network, membership, decision):
    kickoff = dated(network, days=10)
    dated(network, days=2, kind=Meeting.Kind.CHECK_IN, membership=membership)  # not the kickoff
    dated(network, days=1, status=Meeting.Status.CANCELLED)  # nor a called-off meeting
    rows = followup.member_follow_up(membership).commitments
    assert not any(row.overdue for row in rows)
    later = kickoff.starts_at + timedelta(minutes=1)
    follow_up = followup.member_follow_up(membership, now=later)
    assert follow_up.kickoff == kickoff
    assert [row.overdue for row in follow_up.commitments] == [True, False]  # only the leadership decision
    assert follow_up.overdue == 1
    MembershipCommitment.objects.filter(membership=membership, commitment=decision).update(received_at=later)
    assert not followup.member_follow_up(membership, now=later).commitments[0].overdue


def test_no_kickoff_no_overdue(network, membership):
    MeetingFactory(network=network)  # preliminary: no date yet
    follow_up = followup.member_follow_up(membership, now=timezone.now() + timedelta(days=3650))
    assert follow_up.kickoff is None
    assert follow_up.overdue == 0


# --- Receipt ---------------------------------------------------------------------------------


def test_mark_received_and_undo_with_history(membership, decision, lead):
    mc = answer(membership, decision)
    followup.mark_commitment_received(membership_commitment=mc, actor=lead)
    mc.refresh_from_db()
    assert mc.received_at is not None and mc.received_by == lead
    first = mc.received_at
    followup.mark_commitment_received(membership_commitment=mc, actor=lead, received=True)
    mc.refresh_from_db()
    assert mc.received_at == first  # marking again keeps the first receipt
    followup.mark_commitment_received(membership_commitment=mc, actor=lead, received=False)
    mc.refresh_from_db()
    assert mc.received_at is None and mc.received_by is None
    history = list(mc.history.order_by("history_date"))
    assert [h.received_at is not None for h in history] == [False, True, False]
    assert history[-1].history_user == lead and history[-2].history_user == lead


def test_only_the_networks_leads_may_mark_received(membership, decision, network):
    mc = answer(membership, decision)
    for outsider in (staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()), representative("0114"), None):
        with pytest.raises(PermissionDenied):
            followup.mark_commitment_received(membership_commitment=mc, actor=outsider)
    co_organizer = OrganizerFactory()
    co_lead = staff(Role.NETWORK_LEAD, organizer=co_organizer)
    network.co_organizers.add(co_organizer)
    followup.mark_commitment_received(membership_commitment=mc, actor=co_lead)
    assert answer(membership, decision).received_by == co_lead


# --- Notes -----------------------------------------------------------------------------------


def test_add_note(membership, lead):
    note = followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 15), text="  Bra start.  ")
    assert (note.text, note.author, note.noted_on) == ("Bra start.", lead, date(2025, 1, 15))
    assert note.history.get().history_user == lead


@pytest.mark.parametrize(
    ("noted_on", "text", "field"),
    [
        (date(2025, 1, 1), "", "text"),
        (date(2025, 1, 1), "   ", "text"),
        (date(2025, 1, 1), "x" * 100_000, "text"),
        (timezone.localdate() + timedelta(days=365 * 50), "Framtid", "noted_on"),
        (date(1999, 12, 31), "Förr", "noted_on"),
        ("2025-13-45", "Ogiltigt", "noted_on"),
        (None, "Utan datum", "noted_on"),
    ],
)
def test_add_note_refuses_bad_input(membership, lead, noted_on, text, field):
    with pytest.raises(ValidationError) as error:
        followup.add_note(membership=membership, actor=lead, noted_on=noted_on, text=text)
    assert field in error.value.message_dict
    assert not FollowUpNote.objects.exists()


def test_add_note_is_for_the_networks_leads(membership):
    with pytest.raises(PermissionDenied):
        followup.add_note(
            membership=membership,
            actor=staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()),
            noted_on=date(2025, 1, 1),
            text="Nej",
        )


def test_delete_note_by_author_or_another_lead(membership, lead, network):
    other_lead = staff(Role.NETWORK_LEAD, organizer=network.organizer)
    first = followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 1), text="Ett")
    second = followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 2), text="Två")
    followup.delete_note(note=first, actor=lead)
    followup.delete_note(note=second, actor=other_lead)
    assert not FollowUpNote.objects.exists()
    deleted = FollowUpNote.history.filter(history_type="-").order_by("history_date")
    assert [h.history_user for h in deleted] == [lead, other_lead]


def test_delete_note_refused_for_others(membership, lead):
    note = followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 1), text="Ett")
    for outsider in (staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()), representative("0114"), None):
        with pytest.raises(PermissionDenied):
            followup.delete_note(note=note, actor=outsider)
    assert FollowUpNote.objects.filter(pk=note.pk).exists()


# --- The selector ----------------------------------------------------------------------------


def test_follow_up_attendance_per_meeting(network, membership, lead):
    anna = MembershipParticipantFactory(membership=membership, name="Anna", groups=["steering_group"])
    bo = MembershipParticipantFactory(membership=membership, name="Bo", groups=["project_leader"])
    other = MembershipParticipantFactory(
        membership=MembershipFactory(network=network, municipality=municipality("0184"))
    )
    past = dated(network, days=-7, title="Uppstart")
    upcoming = dated(network, days=7, title="Träff 2")
    other_check_in = dated(network, days=3, kind=Meeting.Kind.CHECK_IN, membership=other.membership)
    MeetingFactory(network=network, title="Preliminär")
    Invitation.objects.create(meeting=past, participant=anna, response="yes", attended=True)
    Invitation.objects.create(meeting=past, participant=bo, response="no", attended=False)
    Invitation.objects.create(meeting=past, participant=other, response="yes", attended=True)
    Invitation.objects.create(meeting=upcoming, participant=anna, response="yes")
    Invitation.objects.create(meeting=other_check_in, participant=other)

    follow_up = followup.member_follow_up(membership)
    assert [row.meeting for row in follow_up.meetings] == [past, upcoming]
    assert [p.participant for p in follow_up.participants] == [anna, bo]
    first, second = follow_up.meetings
    assert first.has_begun and not second.has_begun
    assert [(c.response, c.attended) for c in first.cells] == [("yes", True), ("no", False)]
    assert (first.invited, first.attended, first.recorded) == (2, 1, True)
    assert [c.invited for c in second.cells] == [True, False]
    assert [(p.attended, p.held) for p in follow_up.participants] == [(1, 1), (0, 1)]


def test_follow_up_homework_status(network, membership, lead):
    meeting = dated(network, days=-30)
    due = timezone.now() - timedelta(days=5)

    def homework(title):
        return Homework.objects.create(meeting=meeting, title=title, due_at=due)

    missing, on_time, late, received, upcoming = (homework(t) for t in ("Saknas", "I tid", "Sen", "Mottagen", "Ny"))
    upcoming.due_at = timezone.now() + timedelta(days=5)
    upcoming.save()
    HomeworkSubmission.objects.create(homework=missing, membership=membership, text="utkast")  # not handed in
    HomeworkSubmission.objects.create(homework=on_time, membership=membership, submitted_at=due - timedelta(days=1))
    HomeworkSubmission.objects.create(homework=late, membership=membership, submitted_at=due + timedelta(days=1))
    HomeworkSubmission.objects.create(
        homework=received,
        membership=membership,
        submitted_at=due,
        received_at=due + timedelta(days=1),
        received_by=lead,
    )
    other = MembershipFactory(network=network, municipality=municipality("0184"))
    HomeworkSubmission.objects.create(homework=upcoming, membership=other, submitted_at=timezone.now())

    rows = {row.homework.title: row for row in followup.member_follow_up(membership).homework}
    assert rows["Saknas"].status == HomeworkStatus.MISSING and rows["Saknas"].overdue
    assert rows["I tid"].status == HomeworkStatus.HANDED_IN and not rows["I tid"].late
    assert rows["Sen"].status == HomeworkStatus.LATE and rows["Sen"].late
    assert rows["Mottagen"].status == HomeworkStatus.RECEIVED
    assert rows["Ny"].status == HomeworkStatus.MISSING and not rows["Ny"].overdue  # the other member's hand-in
    assert followup.member_follow_up(membership).homework_missing == 1


def test_follow_up_evaluations_and_notes(network, membership, lead):
    anna = MembershipParticipantFactory(membership=membership, name="Anna")
    bo = MembershipParticipantFactory(membership=membership, name="Bo")
    now = timezone.now()
    questions = {"question_1": "Nytta?", "question_2": "Innehåll?", "question_3": "Rekommendera?"}
    survey = Survey.objects.create(
        network=network,
        title="Efter uppstart",
        free_text_question="Övrigt?",
        closes_at=now + timedelta(days=7),
        **questions,
    )
    SurveyResponse.objects.create(
        survey=survey,
        participant=anna,
        membership=membership,
        answered_at=now,
        score_1=8,
        score_2=9,
        score_3=10,
        comment="Bra",
    )
    SurveyResponse.objects.create(survey=survey, participant=bo, membership=membership)
    other = MembershipParticipantFactory(
        membership=MembershipFactory(network=network, municipality=municipality("0184"))
    )
    SurveyResponse.objects.create(survey=survey, participant=other, membership=other.membership, answered_at=now)
    followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 1), text="Äldst")
    followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 2, 1), text="Nyast")

    follow_up = followup.member_follow_up(membership)
    (group,) = follow_up.surveys
    assert group.survey == survey
    assert [r.participant for r in group.responses] == [anna, bo]
    assert group.answered == 1
    assert [note.text for note in follow_up.notes] == ["Nyast", "Äldst"]


def test_network_follow_up_lists_every_member(network, membership, decision, steering):
    solna = MembershipFactory(network=network, municipality=municipality("0184"))
    MembershipCommitment.objects.create(membership=solna, commitment=decision, received_at=timezone.now())
    overview = followup.network_follow_up(network)
    assert [m.membership for m in overview.members] == [solna, membership]  # by name: Solna, Upplands Väsby
    assert [r.status for r in overview.members[0].rows] == [CommitmentStatus.RECEIVED, CommitmentStatus.MISSING]
    assert [m.outstanding for m in overview.members] == [1, 2]


# --- Commitment reminders --------------------------------------------------------------------


@pytest.fixture
def reps():
    """Two representatives of Upplands Väsby, one who no longer may log in, and one of Solna."""
    return {
        "anna": representative("0114", email="anna@upplandsvasby.se"),
        "bo": representative("0114", email="bo@upplandsvasby.se"),
        "inactive": representative("0114", email="gammal@upplandsvasby.se", is_active=False),
        "solna": representative("0184", email="cecilia@solna.se"),
    }


def test_reminder_lists_all_outstanding_commitments_in_one_email_to_the_representatives(
    membership, decision, steering, reps
):
    MembershipCommitment.objects.filter(membership=membership, commitment=decision).update(
        decision_date=date(2025, 2, 20), decision_reference="KS 2025/12"
    )
    with time_machine.travel(MONDAY):
        assert followup.send_commitment_reminders() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@upplandsvasby.se", "bo@upplandsvasby.se"]
    body = mail.outbox[0].body
    assert "Kommunledningsbeslut" in body and "Styrgrupp" in body
    assert "KS 2025/12" in body
    assert reverse("members:detail", args=[membership.pk]) in body


def test_reminders_go_weekly_once_a_week(membership, reps):
    with time_machine.travel(MONDAY):
        assert followup.send_commitment_reminders() == 2
        assert followup.send_commitment_reminders() == 0  # the task ran twice
    with time_machine.travel(MONDAY + timedelta(days=3)):
        assert followup.send_commitment_reminders() == 0  # same ISO week
    with time_machine.travel(MONDAY + timedelta(days=7)):
        assert followup.send_commitment_reminders() == 2
    assert len(mail.outbox) == 4


def test_reminders_stop_when_everything_is_received(membership, decision, steering, reps, lead):
    with time_machine.travel(MONDAY):
        followup.send_commitment_reminders()
    followup.mark_commitment_received(membership_commitment=answer(membership, decision), actor=lead)
    with time_machine.travel(MONDAY + timedelta(days=7)):
        assert followup.send_commitment_reminders() == 2  # the steering group is still not confirmed
    assert "Kommunledningsbeslut" not in mail.outbox[-1].body
    assert "Styrgrupp" in mail.outbox[-1].body
    MembershipCommitment.objects.filter(membership=membership, commitment=steering).update(confirmed=True)
    with time_machine.travel(MONDAY + timedelta(days=14)):
        assert followup.send_commitment_reminders() == 0


def test_a_confirmed_decision_is_reminded_until_received(membership, decision, steering, reps):
    MembershipCommitment.objects.filter(membership=membership).update(confirmed=True)
    with time_machine.travel(MONDAY):
        assert followup.send_commitment_reminders() == 2
    assert "Kommunledningsbeslut" in mail.outbox[0].body and "Styrgrupp" not in mail.outbox[0].body


def test_reminders_stop_when_the_membership_ends(membership, reps):
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT, left_on=date(2025, 2, 1))
    with time_machine.travel(MONDAY):
        assert followup.send_commitment_reminders() == 0


@pytest.mark.parametrize(
    ("status", "sent"),
    [
        (Network.Status.DRAFT, 0),
        (Network.Status.OPEN, 0),
        (Network.Status.SELECTION, 2),
        (Network.Status.RUNNING, 2),
        (Network.Status.FINISHED, 0),
        (Network.Status.ARCHIVED, 0),
    ],
)
def test_reminders_by_network_status(network, membership, reps, status, sent):
    Network.objects.filter(pk=network.pk).update(status=status)
    with time_machine.travel(MONDAY):
        assert followup.send_commitment_reminders() == sent


def test_reminder_says_so_once_the_kickoff_has_begun(network, membership, reps):
    start = MONDAY + timedelta(days=3)
    MeetingFactory(network=network, month=None, starts_at=start, ends_at=start + timedelta(hours=3))
    with time_machine.travel(MONDAY):
        followup.send_commitment_reminders()
    before = mail.outbox[0].body
    with time_machine.travel(MONDAY + timedelta(days=7)):
        followup.send_commitment_reminders()
    after = mail.outbox[-1].body
    assert after != before and len(after) > len(before)  # the decision should have been in place by now


def test_the_weekly_task_and_its_schedule(membership, reps):
    from meetings.tasks import send_commitment_reminders

    with time_machine.travel(MONDAY):
        assert send_commitment_reminders.delay().get() == 2
        assert send_commitment_reminders.delay().get() == 0
    (spec,) = [s for s in collect_specs() if s.task == "meetings.tasks.send_commitment_reminders"]
    assert (spec.day_of_week, spec.hour, spec.minute) == ("1", "8", "0")


# --- Personal links --------------------------------------------------------------------------


@pytest.fixture
def anna(membership):
    return MembershipParticipantFactory(membership=membership, name="Anna Andersson", email="anna.a@example.se")


def test_revoking_links_kills_the_old_link_and_the_calendar_feed(client, anna, lead):
    old = personal_token(anna)
    assert client.get(reverse("participant:home", kwargs={"token": old})).status_code == 200
    feed = CalendarFeed.objects.get(participant=anna, revoked_at__isnull=True)  # made by the page
    followup.revoke_participant_links(participant=anna, actor=lead)
    anna.refresh_from_db()
    assert anna.link_version == 2
    assert participant_from_token(old) is None
    assert client.get(reverse("participant:home", kwargs={"token": old})).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert anna.history.order_by("-history_date").first().history_user == lead
    assert client.get(reverse("participant:home", kwargs={"token": personal_token(anna)})).status_code == 200


def test_revoking_links_is_for_the_networks_leads(anna):
    for outsider in (staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()), representative("0114"), None):
        with pytest.raises(PermissionDenied):
            followup.revoke_participant_links(participant=anna, actor=outsider)
    anna.refresh_from_db()
    assert anna.link_version == 1


def link_in(message) -> str:
    """The path of the personal link in an e-mail."""
    return urlparse(next(line for line in message.body.splitlines() if "/deltagare/" in line).strip()).path


def test_a_new_link_is_sent_once_per_link_version(client, anna, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert followup.send_personal_link(participant=anna, actor=lead) is True
    (message,) = mail.outbox
    assert message.to == ["anna.a@example.se"]
    first_link = link_in(message)
    with django_capture_on_commit_callbacks(execute=True):
        assert followup.send_personal_link(participant=anna, actor=lead) is False
    assert len(mail.outbox) == 1
    followup.revoke_participant_links(participant=anna, actor=lead)
    assert client.get(first_link).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert followup.send_personal_link(participant=anna, actor=lead) is True
    assert len(mail.outbox) == 2
    second_link = link_in(mail.outbox[1])
    assert second_link != first_link
    assert client.get(second_link).status_code == 200


def test_a_link_revoked_before_delivery_is_not_sent(anna, lead):
    assert followup.deliver_personal_link(participant_id=anna.pk, link_version=anna.link_version + 1) is False
    followup.revoke_participant_links(participant=anna, actor=lead)
    assert followup.deliver_personal_link(participant_id=anna.pk, link_version=1) is False
    assert followup.deliver_personal_link(participant_id=anna.pk, link_version=2) is True
    assert len(mail.outbox) == 1


def test_no_link_for_an_ended_membership_or_an_outsider(anna, lead, membership):
    with pytest.raises(PermissionDenied):
        followup.send_personal_link(participant=anna, actor=staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()))
    with pytest.raises(PermissionDenied):
        followup.send_personal_link(participant=anna, actor=UserFactory(email=anna.email))
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LEFT)
    with pytest.raises(ValidationError):
        followup.send_personal_link(participant=anna, actor=lead)
    assert mail.outbox == []
