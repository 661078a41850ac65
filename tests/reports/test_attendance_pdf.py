"""The attendance list for signing as a PDF: a demo meeting, place or "Digitalt", hostile text, access, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.models import StaffRole, User
from meetings.attendance import attendance_sheet
from meetings.models import Invitation, Meeting
from networks.models import Network
from reports.attendance import BLANK_ROWS, attendance_list_html, attendance_list_pdf
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
from tests.reports import pdfs

pytestmark = pytest.mark.django_db
Role = StaffRole.Role

FINISHED = "en-effektivare-administration-2017"  # a finished demo cohort: meetings held, attendance recorded
RUNNING = "en-effektivare-administration"
LEAD = "projektledare@example.se"  # SKR's network lead in the demo
OTHER_LEAD = "projektledare.ksl@example.se"  # KSL's: sees none of SKR's networks


def pdf_url(meeting: Meeting) -> str:
    return reverse("reports:attendance_pdf", args=[meeting.network.slug, meeting.pk])


def demo_meeting(slug: str = FINISHED) -> Meeting:
    meeting = (
        Meeting.objects.filter(network__slug=slug, starts_at__isnull=False, invitations__isnull=False)
        .select_related("network__organizer")
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    return meeting


def test_demo_meeting_list_has_title_date_time_place_and_everyone_to_sign(seeded):
    meeting = demo_meeting()
    data = attendance_list_pdf(meeting)
    text = pdfs.text(data)
    assert 1 <= pdfs.page_count(data) <= 10
    assert pdfs.title(data) == f"Närvarolista: {meeting.title}"
    assert pdfs.language(data) == "sv"
    starts = timezone.localtime(meeting.starts_at)
    with translation.override("sv"):
        day = date_format(starts, "j F Y")
    assert day in text and starts.strftime("%H.%M") in text
    assert meeting.title in text and meeting.network.title in text
    assert meeting.address.splitlines()[0].strip() in text
    assert "Underskrift" in text and "Övriga närvarande" in text
    sheet = attendance_sheet(meeting)
    assert len(sheet) == 10
    for group in sheet:
        assert group.municipality in text
        for row in group.rows:
            assert row.participant.name in text
    html = attendance_list_html(meeting)
    assert html.count('<td class="signature"></td>') == sum(len(g.rows) for g in sheet) + BLANK_ROWS
    assert 'class="signing"' in html


def test_digital_meeting_says_digitalt(seeded):
    meeting = demo_meeting(RUNNING)
    meeting.mode, meeting.address = Meeting.Mode.DIGITAL, ""
    meeting.save()
    text = pdfs.text(attendance_list_pdf(meeting))
    assert "Digitalt" in text


def test_those_who_said_yes_come_first(seeded):
    meeting = demo_meeting()
    group = next(g for g in attendance_sheet(meeting) if sum(row.invited for row in g.rows) >= 2)
    invited = sorted((row for row in group.rows if row.invited), key=lambda row: row.participant.name.lower())
    Invitation.objects.filter(pk__in=[row.invitation.pk for row in invited]).update(response="no")
    Invitation.objects.filter(pk=invited[-1].invitation.pk).update(response="yes")
    text = pdfs.text(attendance_list_pdf(meeting))
    section = text[text.index(group.municipality) :]
    assert section.index(invited[-1].participant.name) < section.index(invited[0].participant.name)


def test_hostile_texts_make_no_request_and_read_no_file(seeded, hit_server):
    meeting = demo_meeting()
    hostile = hit_server.hostile_texts()
    meeting.title, meeting.address = hostile[0][:200], "\n".join(hostile)
    meeting.save()
    for index, group in enumerate(attendance_sheet(meeting)):
        for row in group.rows:
            participant = row.participant
            participant.name = hostile[index % len(hostile)][:150]
            participant.title = hostile[(index + 3) % len(hostile)][:150]
            participant.save()
    data = attendance_list_pdf(meeting)
    assert hit_server.hits == []
    text = pdfs.text(data)
    assert "root:" not in text and "127.0.0.1" in text


def test_download_for_the_networks_leads_only(seeded, client):
    meeting = demo_meeting()
    url = pdf_url(meeting)
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for user in (representative("0114"), UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(User.objects.get(email=OTHER_LEAD))
    assert client.get(url).status_code == 404
    client.force_login(User.objects.get(email=LEAD))
    # Another network's meeting under this slug, and a meeting that does not exist.
    other = Meeting.objects.exclude(network=meeting.network).filter(network__organizer_id=meeting.network.organizer_id)
    other = other.first()
    assert client.get(reverse("reports:attendance_pdf", args=[meeting.network.slug, other.pk])).status_code == 404
    assert client.get(reverse("reports:attendance_pdf", args=[meeting.network.slug, 999999])).status_code == 404
    assert client.post(url).status_code == 405
    response = client.get(url)
    data = pdfs.response_pdf(response)
    assert response["Content-Disposition"].startswith('attachment; filename="narvarolista-')
    assert meeting.title in pdfs.text(data)


def test_attendance_pages_offer_the_pdf(seeded, client):
    meeting = demo_meeting()
    client.force_login(User.objects.get(email=LEAD))
    for name in ("meetings:attendance", "meetings:attendance_list"):
        body = client.get(reverse(name, args=[meeting.network.slug, meeting.pk])).content.decode()
        assert f'href="{pdf_url(meeting)}"' in body


def test_english_request_still_gives_a_swedish_pdf(seeded, client):
    meeting = demo_meeting()
    client.force_login(User.objects.get(email=LEAD))
    text = pdfs.text(pdfs.response_pdf(client.get(pdf_url(meeting), HTTP_ACCEPT_LANGUAGE="en")))
    assert "Sida 1 av" in text and "Närvarolista" in text and "Underskrift" in text
    with translation.override("en"):
        text = pdfs.text(attendance_list_pdf(meeting))
    starts = timezone.localtime(meeting.starts_at)
    with translation.override("sv"):
        assert date_format(starts, "j F Y") in text


def test_preliminary_meeting_without_members_still_renders(client):
    organizer = OrganizerFactory()
    meeting = MeetingFactory(network=NetworkFactory(organizer=organizer, status=Network.Status.RUNNING))
    client.force_login(staff(Role.NETWORK_LEAD, organizer=organizer))
    text = pdfs.text(pdfs.response_pdf(client.get(pdf_url(meeting))))
    assert "Juni 2018" in text and "Sida 1 av 1" in text


def test_same_number_of_queries_for_1_and_3_members(client, django_assert_num_queries):
    organizer = OrganizerFactory()
    lead = staff(Role.NETWORK_LEAD, organizer=organizer)
    meetings = []
    for codes in (["0114"], ["0114", "0180", "1480"]):
        network = NetworkFactory(organizer=organizer, status=Network.Status.RUNNING)
        meeting = MeetingFactory(network=network, month=None, starts_at=timezone.now(), ends_at=timezone.now())
        for code in codes:
            membership = MembershipFactory(network=network, municipality=municipality(code))
            for _n in range(len(codes)):
                participant = MembershipParticipantFactory(membership=membership)
                Invitation.objects.create(meeting=meeting, participant=participant, response="yes")
        meetings.append(meeting)
    client.force_login(lead)
    client.get(pdf_url(meetings[0]))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(pdf_url(meetings[0])).status_code == 200
    with django_assert_num_queries(len(queries)):
        assert client.get(pdf_url(meetings[1])).status_code == 200
