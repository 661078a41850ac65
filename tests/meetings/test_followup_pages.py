"""The lead's follow-up pages (issue 6): a member's follow-up page and its actions, the network's
overview of commitments, the links to them, bad input, permissions and constant queries."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import followup
from meetings.links import personal_token
from meetings.models import FollowUpNote, Homework, HomeworkSubmission, Invitation, Meeting, Survey, SurveyResponse
from networks.models import MembershipCommitment, Network, NetworkCommitment
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
HUGE = "x" * 100_000
SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE meetings_followupnote; --"


@pytest.fixture
def network():
    return NetworkFactory(organizer=OrganizerFactory(), slug="styrsystem", status=Network.Status.RUNNING)


@pytest.fixture
def lead(network):
    return staff(Role.NETWORK_LEAD, organizer=network.organizer)


@pytest.fixture
def decision(network):
    return NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.DECISION, title="Ledningsbeslut")


@pytest.fixture
def membership(network, decision):
    membership = MembershipFactory(network=network, municipality=municipality("0114"))
    MembershipCommitment.objects.create(membership=membership, commitment=decision)
    return membership


@pytest.fixture
def anna(membership):
    return MembershipParticipantFactory(membership=membership, name="Anna Andersson", groups=["steering_group"])


@pytest.fixture
def other(network):
    """Another member of the same network, with a participant, a commitment answer and a note."""
    membership = MembershipFactory(network=network, municipality=municipality("0184"))
    commitment = network.commitments.first() or NetworkCommitmentFactory(network=network)
    return {
        "membership": membership,
        "participant": MembershipParticipantFactory(membership=membership, name="Olle Annan"),
        "answer": MembershipCommitment.objects.create(membership=membership, commitment=commitment),
        "note": FollowUpNote.objects.create(
            membership=membership, noted_on=date(2025, 1, 1), text="Annan", author=UserFactory()
        ),
    }


def page(membership) -> str:
    return reverse("followup:member", kwargs={"slug": membership.network.slug, "pk": membership.pk})


def kwargs_of(membership, **extra) -> dict:
    return {"slug": membership.network.slug, "pk": membership.pk, **extra}


# --- The page --------------------------------------------------------------------------------


def test_the_follow_up_page_shows_every_section(client, network, membership, anna, lead):
    meeting = MeetingFactory(
        network=network,
        title="Uppstartsträff",
        month=None,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )
    Invitation.objects.create(meeting=meeting, participant=anna, response="yes", attended=True)
    homework = Homework.objects.create(
        meeting=meeting, title="Nulägesanalys", due_at=timezone.now() + timedelta(days=9)
    )
    HomeworkSubmission.objects.create(homework=homework, membership=membership, submitted_at=timezone.now())
    survey = Survey.objects.create(
        network=network,
        meeting=meeting,
        title="Utvärdering av uppstarten",
        question_1="Nytta?",
        question_2="Innehåll?",
        question_3="Rekommendera?",
        free_text_question="Övrigt?",
        closes_at=timezone.now() + timedelta(days=7),
    )
    SurveyResponse.objects.create(
        survey=survey,
        participant=anna,
        membership=membership,
        answered_at=timezone.now(),
        score_1=7,
        comment="Lärorikt",
    )
    followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 10), text="Ringde kommundirektören")
    client.force_login(lead)
    response = client.get(page(membership))
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "Ledningsbeslut",
        "Anna Andersson",
        "Uppstartsträff",
        "Nulägesanalys",
        "Utvärdering av uppstarten",
        "Lärorikt",
        "Ringde kommundirektören",
        reverse("meetings:attendance", kwargs={"slug": network.slug, "pk": meeting.pk}),
        reverse("followup:revoke_links", kwargs=kwargs_of(membership, participant_pk=anna.pk)),
        reverse("followup:send_link", kwargs=kwargs_of(membership, participant_pk=anna.pk)),
    ):
        assert text in content


def test_mark_received_and_undo_on_the_page(client, membership, decision, lead):
    mc = MembershipCommitment.objects.get(membership=membership, commitment=decision)
    url = reverse("followup:commitment_received", kwargs=kwargs_of(membership, mc_pk=mc.pk))
    client.force_login(lead)
    response = client.post(url, {"received": "1"})
    assert response.status_code == 302 and response.url.endswith("#commitments")
    mc.refresh_from_db()
    assert mc.received_by == lead and mc.received_at is not None
    assert 'name="received" value="0"' in client.get(page(membership)).content.decode()  # the undo button
    client.post(url, {"received": "0"})
    mc.refresh_from_db()
    assert mc.received_at is None
    assert mc.history.filter(history_user=lead).count() == 2


@pytest.mark.parametrize("value", ["", "2", "ja", HUGE, SCRIPT])
def test_a_receipt_the_form_does_not_send_changes_nothing(client, membership, decision, lead, value):
    mc = MembershipCommitment.objects.get(membership=membership, commitment=decision)
    client.force_login(lead)
    url = reverse("followup:commitment_received", kwargs=kwargs_of(membership, mc_pk=mc.pk))
    response = client.post(url, {"received": value}, follow=True)
    assert response.status_code == 200
    mc.refresh_from_db()
    assert mc.received_at is None


def test_add_a_note_on_the_page_escapes_hostile_text(client, membership, lead):
    client.force_login(lead)
    url = reverse("followup:note_add", kwargs=kwargs_of(membership))
    response = client.post(url, {"noted_on": "2025-01-15", "text": f"{SCRIPT}\n{SQL}"})
    assert response.status_code == 302 and response.url.endswith("#notes")
    note = FollowUpNote.objects.get()
    assert (note.author, note.noted_on, note.text) == (lead, date(2025, 1, 15), f"{SCRIPT}\n{SQL}")
    content = client.get(page(membership)).content.decode()
    assert SCRIPT not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"noted_on": "2025-01-15", "text": ""}, "text"),
        ({"noted_on": "2025-01-15", "text": "   "}, "text"),
        ({"noted_on": "2025-01-15"}, "text"),
        ({"noted_on": "2025-01-15", "text": HUGE}, "text"),
        ({"noted_on": "", "text": "Text"}, "noted_on"),
        ({"noted_on": "2025-13-45", "text": "Text"}, "noted_on"),
        ({"noted_on": "i morgon", "text": "Text"}, "noted_on"),
        ({"noted_on": "9999-12-31", "text": "Text"}, "noted_on"),
        ({"noted_on": str(timezone.localdate() + timedelta(days=400)), "text": "Text"}, "noted_on"),
        ({"noted_on": "1899-01-01", "text": "Text"}, "noted_on"),
        ({"noted_on": HUGE, "text": "Text"}, "noted_on"),
        ({"noted_on": SCRIPT, "text": "Text"}, "noted_on"),
    ],
)
def test_bad_notes_are_refused_with_a_message(client, membership, lead, data, field):
    client.force_login(lead)
    response = client.post(reverse("followup:note_add", kwargs=kwargs_of(membership)), data)
    assert response.status_code == 200
    form = response.context["note_form"]
    assert form.errors.get(field)
    assert not FollowUpNote.objects.exists()
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert SCRIPT not in content


def test_delete_a_note_by_its_author_and_by_another_lead(client, network, membership, lead):
    other_lead = staff(Role.NETWORK_LEAD, organizer=network.organizer)
    own = followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 1), text="Egen")
    theirs = followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 2), text="Annans")
    client.force_login(lead)
    response = client.post(reverse("followup:note_delete", kwargs=kwargs_of(membership, note_pk=own.pk)))
    assert response.status_code == 302
    client.force_login(other_lead)
    client.post(reverse("followup:note_delete", kwargs=kwargs_of(membership, note_pk=theirs.pk)))
    assert not FollowUpNote.objects.exists()


def test_revoke_and_send_a_new_link_on_the_page(client, membership, anna, lead, django_capture_on_commit_callbacks):
    old = personal_token(anna)
    client.force_login(lead)
    revoke = reverse("followup:revoke_links", kwargs=kwargs_of(membership, participant_pk=anna.pk))
    send = reverse("followup:send_link", kwargs=kwargs_of(membership, participant_pk=anna.pk))
    response = client.post(revoke)
    assert response.status_code == 302 and response.url.endswith("#participants")
    client.logout()
    assert client.get(reverse("participant:home", kwargs={"token": old})).status_code == 404
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, follow=True)  # the same link again: not sent twice
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [anna.email]
    anna.refresh_from_db()
    assert personal_token(anna).split(":")[0] in mail.outbox[0].body  # the current link version


def test_no_new_link_for_an_ended_membership(client, membership, anna, lead, django_capture_on_commit_callbacks):
    membership.status = "left"
    membership.save()
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("followup:send_link", kwargs=kwargs_of(membership, participant_pk=anna.pk)), follow=True
        )
    assert response.status_code == 200
    assert mail.outbox == []


def test_the_network_overview_of_commitments(client, network, membership, decision, lead, other):
    MembershipCommitment.objects.filter(pk=other["answer"].pk).update(received_at=timezone.now())
    client.force_login(lead)
    response = client.get(reverse("followup:network", kwargs={"slug": network.slug}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ledningsbeslut" in content
    assert page(membership) in content and page(other["membership"]) in content


def test_links_to_the_follow_up_pages(client, network, membership, decision, lead):
    MembershipCommitment.objects.filter(membership=membership).update(confirmed=True)
    NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.TIME, title="Tid")  # no answer yet
    client.force_login(lead)
    detail = client.get(reverse("leads:member_detail", kwargs={"slug": network.slug, "pk": membership.pk}))
    assert page(membership) in detail.content.decode()
    members = client.get(reverse("leads:members", kwargs={"slug": network.slug}))
    assert page(membership) in members.content.decode()
    (member,) = members.context["members"]
    assert member.commitments_outstanding == 2  # the decision until received, and the unanswered one
    MembershipCommitment.objects.filter(membership=membership).update(received_at=timezone.now())
    (member,) = client.get(reverse("leads:members", kwargs={"slug": network.slug})).context["members"]
    assert member.commitments_outstanding == 1
    assert followup.member_follow_up(membership).outstanding == 1  # the same rule as the follow-up page
    overview = client.get(reverse("leads:network_overview", kwargs={"slug": network.slug}))
    assert reverse("followup:network", kwargs={"slug": network.slug}) in overview.content.decode()


# --- Permissions -----------------------------------------------------------------------------


def _urls(membership, anna, other) -> list[tuple[str, str]]:
    mc = MembershipCommitment.objects.filter(membership=membership).first()
    note = FollowUpNote.objects.create(membership=membership, noted_on=date(2025, 1, 1), text="N", author=UserFactory())
    return [
        ("get", reverse("followup:member", kwargs=kwargs_of(membership))),
        ("get", reverse("followup:network", kwargs={"slug": membership.network.slug})),
        ("post", reverse("followup:commitment_received", kwargs=kwargs_of(membership, mc_pk=mc.pk))),
        ("post", reverse("followup:note_add", kwargs=kwargs_of(membership))),
        ("post", reverse("followup:note_delete", kwargs=kwargs_of(membership, note_pk=note.pk))),
        ("post", reverse("followup:revoke_links", kwargs=kwargs_of(membership, participant_pk=anna.pk))),
        ("post", reverse("followup:send_link", kwargs=kwargs_of(membership, participant_pk=anna.pk))),
    ]


def _call(client, method, url):
    data = {"received": "1", "noted_on": "2025-01-01", "text": "Intrång"}
    return client.get(url) if method == "get" else client.post(url, data)


def _nothing_changed(membership, anna):
    anna.refresh_from_db()
    assert anna.link_version == 1
    assert not MembershipCommitment.objects.filter(membership=membership, received_at__isnull=False).exists()
    assert FollowUpNote.objects.filter(membership=membership).count() == 1
    assert not FollowUpNote.objects.filter(text="Intrång").exists()
    assert mail.outbox == []


def test_anonymous_users_are_sent_to_log_in(client, membership, anna, other):
    for method, url in _urls(membership, anna, other):
        response = _call(client, method, url)
        assert response.status_code == 302 and "/konto/" in response.url, url
    _nothing_changed(membership, anna)


def test_a_lead_of_another_organiser_gets_404(client, membership, anna, other):
    client.force_login(staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()))
    for method, url in _urls(membership, anna, other):
        assert _call(client, method, url).status_code == 404, url
    _nothing_changed(membership, anna)


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: representative("0114"),  # the member's own representative
        lambda: representative("0184"),  # another municipality's
        lambda: UserFactory(email="anna.deltagare@example.se"),  # a participant with an account, no role
    ],
)
def test_representatives_and_participants_are_refused(client, membership, anna, other, network, make_user):
    client.force_login(make_user())
    for method, url in _urls(membership, anna, other):
        assert _call(client, method, url).status_code == 403, url
    _nothing_changed(membership, anna)


def test_a_finance_user_of_the_organiser_is_refused(client, network, membership, anna, other):
    client.force_login(staff(Role.FINANCE, organizer=network.organizer))
    for method, url in _urls(membership, anna, other):
        assert _call(client, method, url).status_code == 403, url


def test_a_participant_token_opens_no_lead_page(client, membership, anna, other):
    token = personal_token(anna)
    for method, url in _urls(membership, anna, other):
        response = _call(client, method, f"{url}?token={token}")
        assert response.status_code == 302 and "/konto/" in response.url
    _nothing_changed(membership, anna)


def test_objects_of_another_membership_or_network_are_404(client, network, membership, anna, lead, other):
    other_network = NetworkFactory(organizer=network.organizer, slug="annat", status=Network.Status.RUNNING)
    elsewhere = MembershipFactory(network=other_network, municipality=municipality("0114"))
    client.force_login(lead)
    urls = [
        reverse("followup:member", kwargs={"slug": network.slug, "pk": elsewhere.pk}),
        reverse("followup:member", kwargs={"slug": other_network.slug, "pk": membership.pk}),
        reverse("followup:member", kwargs={"slug": "finns-inte", "pk": membership.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("followup:commitment_received", kwargs=kwargs_of(membership, mc_pk=other["answer"].pk)),
        reverse("followup:note_delete", kwargs=kwargs_of(membership, note_pk=other["note"].pk)),
        reverse("followup:revoke_links", kwargs=kwargs_of(membership, participant_pk=other["participant"].pk)),
        reverse("followup:send_link", kwargs=kwargs_of(membership, participant_pk=other["participant"].pk)),
        reverse("followup:commitment_received", kwargs=kwargs_of(membership, mc_pk=999_999)),
    ]
    for url in posts:
        assert client.post(url, {"received": "1"}).status_code == 404, url
    other["participant"].refresh_from_db()
    assert other["participant"].link_version == 1
    assert FollowUpNote.objects.filter(pk=other["note"].pk).exists()
    other["answer"].refresh_from_db()
    assert other["answer"].received_at is None


def test_actions_take_post_only(client, membership, anna, lead, other):
    client.force_login(lead)
    for method, url in _urls(membership, anna, other):
        if method == "post":
            assert client.get(url).status_code == 405, url
    _nothing_changed(membership, anna)


# --- Constant queries ------------------------------------------------------------------------


def _fill(network, membership, lead, n: int) -> None:
    """``n`` each of dated meetings, participants (invited, attended), homework with hand-ins, surveys, notes."""
    participants = [MembershipParticipantFactory(membership=membership, groups=["steering_group"]) for _ in range(n)]
    for i in range(n):
        start = timezone.now() + timedelta(days=i - 2)
        meeting = MeetingFactory(network=network, month=None, starts_at=start, ends_at=start + timedelta(hours=2))
        for participant in participants:
            Invitation.objects.create(meeting=meeting, participant=participant, response="yes", attended=i < 2)
        homework = Homework.objects.create(meeting=meeting, title=f"Uppgift {i}", due_at=start + timedelta(days=7))
        HomeworkSubmission.objects.create(homework=homework, membership=membership, submitted_at=start)
        survey = Survey.objects.create(
            network=network,
            meeting=meeting,
            title=f"Enkät {i}",
            question_1="1?",
            question_2="2?",
            question_3="3?",
            free_text_question="?",
            closes_at=start + timedelta(days=7),
        )
        for participant in participants:
            SurveyResponse.objects.create(survey=survey, participant=participant, membership=membership, score_1=5)
        NetworkCommitmentFactory(network=network, kind=NetworkCommitment.Kind.OTHER, title=f"Åtagande {i}")
        followup.add_note(membership=membership, actor=lead, noted_on=date(2025, 1, 1 + i), text=f"Anteckning {i}")


def _queries(client, url) -> int:
    client.get(url)  # once first: what a session looks up once (and keeps) is not the page's cost
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_follow_up_page_costs_constant_queries(client, lead, django_assert_max_num_queries):
    counts = []
    for n, code in ((1, "0114"), (5, "0184")):
        network = NetworkFactory(organizer=lead_organizer(lead), status=Network.Status.RUNNING)
        membership = MembershipFactory(network=network, municipality=municipality(code))
        _fill(network, membership, lead, n)
        client.force_login(lead)
        counts.append(_queries(client, page(membership)))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(page(membership))


def test_the_overview_and_member_list_cost_constant_queries(client, lead):
    counts = []
    for n in (1, 5):
        network = NetworkFactory(organizer=lead_organizer(lead), status=Network.Status.RUNNING)
        for code in ("0114", "0184", "0180", "0181", "0182")[:n]:
            membership = MembershipFactory(network=network, municipality=municipality(code))
            commitment = NetworkCommitmentFactory(network=network, title=f"Åtagande {code}")
            MembershipCommitment.objects.create(membership=membership, commitment=commitment, confirmed=True)
        client.force_login(lead)
        counts.append(
            (
                _queries(client, reverse("followup:network", kwargs={"slug": network.slug})),
                _queries(client, reverse("leads:members", kwargs={"slug": network.slug})),
            )
        )
    assert counts[0] == counts[1]


def lead_organizer(lead):
    return StaffRole.objects.get(user=lead).organizer


def test_the_kickoff_meeting_is_not_a_check_in(client, network, membership, lead):
    start = timezone.now() + timedelta(days=1)
    check_in = MeetingFactory(
        network=network,
        kind=Meeting.Kind.CHECK_IN,
        membership=membership,
        month=None,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    client.force_login(lead)
    response = client.get(page(membership))
    assert response.context["follow_up"].kickoff is None
    assert check_in.title in response.content.decode()
