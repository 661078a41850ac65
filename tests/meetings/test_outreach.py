"""A lead's message to a meeting's invitees (issue 6): to everyone, to those who have not answered or to those
attending, each e-mailed once with their personal link; only the network's leads; bad input refused with a message;
the page's permissions and constant queries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from meetings import outreach
from meetings.links import participant_from_token
from meetings.models import Invitation, Meeting, MeetingMessage
from meetings.tasks import send_meeting_message
from networks.models import Membership
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MembershipParticipantFactory,
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


@pytest.fixture
def org():
    return OrganizerFactory()


@pytest.fixture
def network(org):
    return NetworkFactory(organizer=org, slug="styrsystem", status="running", title="Styrsystem")


@pytest.fixture
def lead(org):
    return staff(Role.NETWORK_LEAD, organizer=org, name="Lena Lead")


@pytest.fixture
def people(network):
    vasby = MembershipFactory(network=network, municipality=municipality("0114"))
    solna = MembershipFactory(network=network, municipality=municipality("0184"))
    left = MembershipFactory(network=network, municipality=municipality("0180"), status=Membership.Status.LEFT)
    return {
        "anna": MembershipParticipantFactory(membership=vasby, email="anna@vasby.se"),
        "bo": MembershipParticipantFactory(membership=vasby, email="bo@vasby.se"),
        "cilla": MembershipParticipantFactory(membership=vasby, email="cilla@vasby.se"),
        "david": MembershipParticipantFactory(membership=solna, email="david@solna.se"),
        "erik": MembershipParticipantFactory(membership=left, email="erik@left.se"),
    }


@pytest.fixture
def meeting(network, people):
    start = timezone.now() + timedelta(days=14)
    meeting = MeetingFactory(
        network=network, month=None, starts_at=start, ends_at=start + timedelta(hours=2), title="Nätverksträff 3"
    )
    answers = {"anna": "", "bo": "yes", "cilla": "no", "david": "", "erik": ""}
    for key, response in answers.items():
        Invitation.objects.create(meeting=meeting, participant=people[key], response=response)
    return meeting


def page(meeting) -> str:
    return reverse("outreach:message", kwargs={"slug": meeting.network.slug, "pk": meeting.pk})


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- The service ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to", "expected"),
    [
        ("all", ["anna@vasby.se", "bo@vasby.se", "cilla@vasby.se", "david@solna.se"]),
        ("no_answer", ["anna@vasby.se", "david@solna.se"]),
        ("attending", ["bo@vasby.se"]),
    ],
)
def test_each_group_gets_the_message_once(meeting, lead, people, to, expected, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outreach.send_message(meeting=meeting, actor=lead, subject="Ny lokal", body="Vi ses i sal B.", to=to)
    assert message.recipient_count == len(expected) and message.sent_by == lead
    assert recipients() == expected  # never the municipality that left
    first = next(m for m in mail.outbox if m.to == [expected[0]])
    assert "Ny lokal" in first.subject and "Nätverksträff 3" in first.subject
    assert "Vi ses i sal B." in first.body and "Lena Lead" in first.body
    link = next(line for line in first.body.splitlines() if "/deltagare/" in line and "/svar/" not in line)
    assert participant_from_token(link.rstrip("/").rsplit("/", 1)[1]).email == expected[0]
    invitation_ids = list(outreach.recipients(meeting, to).values_list("pk", flat=True))
    assert send_meeting_message.delay(message.pk, invitation_ids).get() == 0  # the task again: nothing twice
    assert len(mail.outbox) == len(expected)


def test_the_recipients_are_fixed_when_the_message_is_written(
    meeting, lead, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outreach.send_message(meeting=meeting, actor=lead, subject="Påminnelse", body="Svara gärna.", to="no_answer")
    Invitation.objects.filter(meeting=meeting, participant=people["anna"]).update(response="yes")
    for callback in callbacks:
        callback()
    assert recipients() == ["anna@vasby.se", "david@solna.se"]


def test_a_cancelled_meeting_may_be_messaged_to_say_why(meeting, lead, django_capture_on_commit_callbacks):
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    with django_capture_on_commit_callbacks(execute=True):
        outreach.send_message(meeting=meeting, actor=lead, subject="Inställt", body="Talaren är sjuk.", to="all")
    assert len(mail.outbox) == 4
    assert all("/svar/" not in m.body and "/deltagare/" in m.body for m in mail.outbox)


def test_only_the_networks_leads_may_write(meeting, org):
    for actor in (
        staff(Role.NETWORK_LEAD),
        staff(Role.FINANCE, organizer=org),
        representative("0114"),
        UserFactory(email="anna@vasby.se"),  # a participant with an account
    ):
        with pytest.raises(PermissionDenied):
            outreach.send_message(meeting=meeting, actor=actor, subject="Hej", body="Hej", to="all")
    assert not MeetingMessage.objects.exists()


@pytest.mark.parametrize(
    ("subject", "body", "to", "field"),
    [
        ("", "Text", "all", "subject"),
        ("   ", "Text", "all", "subject"),
        ("Ämne", "", "all", "body"),
        ("x" * 201, "Text", "all", "subject"),
        ("Ämne", HUGE, "all", "body"),
        ("Ämne", "Text", "everyone'; DROP TABLE meetings_meeting; --", "to"),
        ("Ämne", "Text", "", "to"),
    ],
)
def test_bad_input_is_refused_by_the_service(meeting, lead, subject, body, to, field):
    with pytest.raises(ValidationError) as error:
        outreach.send_message(meeting=meeting, actor=lead, subject=subject, body=body, to=to)
    assert field in error.value.message_dict
    assert not MeetingMessage.objects.exists()


def test_an_empty_group_and_a_double_click_are_refused(meeting, lead, django_capture_on_commit_callbacks):
    Invitation.objects.filter(meeting=meeting).exclude(response="").update(response="no")
    with pytest.raises(ValidationError):
        outreach.send_message(meeting=meeting, actor=lead, subject="Hej", body="Hej", to="attending")
    with django_capture_on_commit_callbacks(execute=True):
        outreach.send_message(meeting=meeting, actor=lead, subject="Hej", body="Hej", to="all")
    with pytest.raises(ValidationError):
        outreach.send_message(meeting=meeting, actor=lead, subject="Hej", body="Hej", to="all")
    assert MeetingMessage.objects.count() == 1 and len(mail.outbox) == 4


def test_the_subject_is_one_line(meeting, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outreach.send_message(
            meeting=meeting, actor=lead, subject="Hej\r\nBcc: evil@example.com", body="Text", to="attending"
        )
    assert message.subject == "Hej Bcc: evil@example.com"
    (sent,) = mail.outbox
    assert sent.to == ["bo@vasby.se"] and sent.bcc == [] and "\n" not in sent.subject


def test_counts_per_group(meeting, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert outreach.recipient_counts(meeting) == {"all": 4, "no_answer": 2, "attending": 1}


# --- The page ------------------------------------------------------------------------------------


def test_the_page_permissions(client, meeting, org, network):
    url = page(meeting)
    response = client.get(url)
    assert response.status_code == 302 and "/konto/" in response["Location"]
    assert client.post(url, {"to": "all", "subject": "Hej", "body": "Hej"}).status_code == 302
    for user, status in (
        (representative("0114"), 403),
        (UserFactory(email="anna@vasby.se"), 403),  # a participant with an account
        (staff(Role.FINANCE, organizer=org), 403),
        (staff(Role.NETWORK_LEAD, organizer=OrganizerFactory()), 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {"to": "all", "subject": "Hej", "body": "Hej"}).status_code == status
    assert not MeetingMessage.objects.exists()
    # Another network's meeting under this network's address does not exist.
    client.force_login(staff(Role.NETWORK_LEAD, organizer=org))
    foreign = MeetingFactory(network=NetworkFactory(organizer=org, slug="annat"))
    assert client.get(reverse("outreach:message", kwargs={"slug": network.slug, "pk": foreign.pk})).status_code == 404


def test_the_page_sends_and_lists_the_message(client, meeting, lead, django_capture_on_commit_callbacks):
    client.force_login(lead)
    edit = client.get(reverse("meetings:meeting_edit", kwargs={"slug": meeting.network.slug, "pk": meeting.pk}))
    assert page(meeting) in edit.content.decode()
    response = client.get(page(meeting))
    content = response.content.decode()
    assert response.status_code == 200 and 'value="no_answer"' in content
    assert "(4 " in content and "(2 " in content and "(1 " in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page(meeting), {"to": "no_answer", "subject": f"Svara {SCRIPT}", "body": f"Hej!\n{SCRIPT}"}
        )
    assert response.status_code == 302 and response["Location"] == page(meeting)
    assert recipients() == ["anna@vasby.se", "david@solna.se"]
    assert SCRIPT in mail.outbox[0].body  # plain text, as written
    content = client.get(page(meeting)).content.decode()
    assert SCRIPT not in content and "&lt;script&gt;" in content
    message = MeetingMessage.objects.get()
    assert message.recipient_count == 2 and message.subject == f"Svara {SCRIPT}"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"to": "all", "subject": "", "body": "Text"}, "subject"),
        ({"to": "all", "body": "Text"}, "subject"),
        ({"to": "all", "subject": "Ämne", "body": HUGE}, "body"),
        ({"to": "all", "subject": HUGE, "body": "Text"}, "subject"),
        ({"to": "<script>", "subject": "Ämne", "body": "Text"}, "to"),
        ({"to": "1 OR 1=1", "subject": "Ämne", "body": "Text"}, "to"),
        ({"subject": "Ämne", "body": "Text"}, "to"),
        ({"to": "all", "subject": "Ämne\x00", "body": "Text"}, "subject"),
    ],
)
def test_the_page_refuses_bad_input_with_a_message(client, meeting, lead, data, field):
    client.force_login(lead)
    response = client.post(page(meeting), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    content = response.content.decode()
    assert "is-invalid" in content and "<script>alert" not in content
    assert not MeetingMessage.objects.exists() and mail.outbox == []


def test_a_group_with_no_one_is_a_message_on_the_page(client, meeting, lead):
    Invitation.objects.filter(meeting=meeting, response="yes").update(response="no")
    client.force_login(lead)
    response = client.post(page(meeting), {"to": "attending", "subject": "Hej", "body": "Hej"})
    assert response.status_code == 400 and response.context["form"].errors["to"]
    assert not MeetingMessage.objects.exists()


def test_a_meeting_without_invitees_has_no_form(client, network, lead):
    meeting = MeetingFactory(network=network)
    client.force_login(lead)
    response = client.get(page(meeting))
    assert response.status_code == 200 and 'name="subject"' not in response.content.decode()


def test_the_page_takes_a_constant_number_of_queries(client, meeting, lead):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(meeting)).status_code == 200
        return len(captured)

    client.force_login(lead)
    MeetingMessage.objects.create(meeting=meeting, subject="Ett", body="Text", sent_by=lead, recipient_count=4)
    one = queries()
    for n in range(4):
        sender = staff(Role.NETWORK_LEAD, organizer=meeting.network.organizer)
        MeetingMessage.objects.create(meeting=meeting, subject=f"M {n}", body="Text", sent_by=sender, recipient_count=1)
    assert queries() == one
