"""Open seminars (issue 6): the public sign-up with its capacity, duplicates, closed seminars, bad input,
the rate limit and honeypot, the confirmation e-mail with its .ics, and cancelling through the secret link."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import seminar_views, seminars
from meetings.calendar import event_uid
from meetings.invitations import purge_dietary_needs
from meetings.models import Invitation, Meeting, SeminarRegistration
from meetings.tasks import send_seminar_confirmation
from networks.models import Network
from tests.factories import (
    MeetingFactory,
    MembershipParticipantFactory,
    NetworkFactory,
    OrganizerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return NetworkFactory(organizer=OrganizerFactory(), slug="effektivitet", status=Network.Status.RUNNING)


def seminar(network, *, days=10, **kwargs):
    """Seed 000's "Slutseminarium", open to other municipalities, ``days`` from now."""
    start = timezone.now() + timedelta(days=days)
    defaults = {
        "network": network,
        "kind": Meeting.Kind.FINAL_SEMINAR,
        "title": "Slutseminarium",
        "month": None,
        "starts_at": start,
        "ends_at": start + timedelta(hours=6),
        "mode": Meeting.Mode.PHYSICAL,
        "address": "Hornsgatan 20, Stockholm",
        "audience": ["all_participants", "public"],
    }
    return MeetingFactory(**{**defaults, **kwargs})


def sign_up(meeting, email="anna@example.se", **kwargs):
    data = {"name": "Anna Andersson", "organisation": "Solna stad", "email": email, "dietary_needs": "", **kwargs}
    return seminars.register(meeting=meeting, **data)


def register_url(meeting) -> str:
    return reverse("seminars:register", kwargs={"slug": meeting.network.slug, "uid": meeting.uid})


def form(**kwargs) -> dict:
    return {"name": "Anna Andersson", "organisation": "Solna stad", "email": "anna@example.se", **kwargs}


# --- Open or closed ---------------------------------------------------------------------------


def test_an_upcoming_public_seminar_is_open(network):
    meeting = seminar(network)
    assert seminars.is_open_for_registration(meeting)
    assert seminars.closed_reason(meeting) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"audience": ["all_participants"]},  # not public
        {"status": Meeting.Status.CANCELLED},
        {"starts_at": None, "ends_at": None, "month": timezone.localdate().replace(day=1)},  # preliminary
        {"days": -3},  # over
        {"days": 0, "starts_at": timezone.now() - timedelta(hours=1)},  # begun, not over
    ],
    ids=["not-public", "cancelled", "preliminary", "past", "begun"],
)
def test_closed_seminars_refuse_sign_ups(network, changes):
    changes = dict(changes)
    days = changes.pop("days", 10)
    meeting = seminar(network, days=days, **changes)
    assert not seminars.is_open_for_registration(meeting)
    with pytest.raises(ValidationError) as error:
        sign_up(meeting)
    assert error.value.code == "closed"
    assert not SeminarRegistration.objects.exists()


def test_a_seminar_of_a_draft_network_refuses(network):
    meeting = seminar(network)
    Network.objects.filter(pk=network.pk).update(status=Network.Status.DRAFT)
    with pytest.raises(ValidationError):
        sign_up(meeting)


# --- Signing up -------------------------------------------------------------------------------


def test_sign_up_and_the_confirmation_e_mail_with_the_ics(network, django_capture_on_commit_callbacks):
    meeting = seminar(network, description="Resultat från nätverket.")
    meeting.agenda.create(title="Välkommen", order=1)
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(meeting, dietary_needs="Glutenfri", email=" Anna@Example.se ")
    assert (registration.name, registration.organisation, registration.email) == (
        "Anna Andersson",
        "Solna stad",
        "Anna@Example.se",
    )
    assert registration.dietary_needs == "Glutenfri" and registration.cancelled_at is None
    assert len(registration.token) >= 40
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Anna@Example.se"] and "Slutseminarium" in message.subject
    assert "Hornsgatan 20" in message.body and "Välkommen" in message.body
    assert reverse("seminars:cancel", kwargs={"token": registration.token}) in message.body
    (name, content, mimetype), *rest = message.attachments
    assert not rest and name == "slutseminarium.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1 and str(events[0]["UID"]) == event_uid(meeting)
    assert events[0].decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    # Sent once: the task again sends nothing.
    assert send_seminar_confirmation.delay(registration.pk).get() is False
    assert len(mail.outbox) == 1


def test_the_confirmation_of_a_digital_seminar_has_its_link_and_no_diet(network, django_capture_on_commit_callbacks):
    meeting = seminar(network, mode=Meeting.Mode.DIGITAL, address="", link="https://meet.example.se/slut")
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(meeting, dietary_needs="Vegan")
    assert registration.dietary_needs == ""  # no lunch at a digital seminar
    assert "https://meet.example.se/slut" in mail.outbox[0].body


def test_no_e_mail_for_a_registration_cancelled_before_the_task_ran(network):
    meeting = seminar(network)
    registration = sign_up(meeting)  # on_commit not run: the task has not run yet
    seminars.cancel(registration.token)
    assert seminars.send_confirmation(registration_id=registration.pk) is False
    assert mail.outbox == []


def test_capacity_at_the_boundary(network):
    meeting = seminar(network, capacity=3)
    member = MembershipParticipantFactory(membership__network=network)
    Invitation.objects.create(meeting=meeting, participant=member, response="yes")  # a member takes a place
    assert seminars.places_left(meeting) == 2
    sign_up(meeting, email="a@example.se")
    assert seminars.places_left(meeting) == 1
    sign_up(meeting, email="b@example.se")
    assert seminars.places_left(meeting) == 0
    with pytest.raises(ValidationError) as error:
        sign_up(meeting, email="c@example.se")
    assert error.value.code == "full"
    assert seminars.active_registrations(meeting).count() == 2
    # A cancellation frees the place.
    seminars.cancel(SeminarRegistration.objects.get(email="a@example.se").token)
    assert seminars.places_left(meeting) == 1
    sign_up(meeting, email="c@example.se")
    assert seminars.places_left(meeting) == 0


def test_no_capacity_is_no_limit(network):
    meeting = seminar(network, capacity=None)
    assert seminars.places_left(meeting) is None
    for index in range(3):
        sign_up(meeting, email=f"p{index}@example.se")
    assert seminars.places_left(meeting) is None


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_at_once_cannot_take_the_same_last_place():
    network = NetworkFactory(status=Network.Status.RUNNING)
    meeting = seminar(network, capacity=1)
    barrier = threading.Barrier(2)
    results: list = []

    def attempt(email):
        try:
            barrier.wait(timeout=10)
            results.append(sign_up(meeting, email=email))
        except ValidationError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"p{index}@example.se",)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(result if isinstance(result, str) else "ok" for result in results) == ["full", "ok"]
    assert SeminarRegistration.objects.filter(meeting=meeting).count() == 1


def test_a_duplicate_is_refused_whatever_the_case(network, django_capture_on_commit_callbacks):
    meeting = seminar(network)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(meeting, email="anna@example.se")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        sign_up(meeting, email="ANNA@Example.SE", name="Someone Else")
    assert error.value.error_dict["email"][0].code == "duplicate"
    assert SeminarRegistration.objects.count() == 1
    assert len(mail.outbox) == 1  # nothing sent for the refused attempt


def test_the_same_address_may_sign_up_for_another_seminar(network):
    sign_up(seminar(network))
    sign_up(seminar(network, title="Vårseminarium"))
    assert SeminarRegistration.objects.count() == 2


def test_sign_up_again_after_cancelling(network, django_capture_on_commit_callbacks):
    meeting = seminar(network)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(meeting)
    seminars.cancel(first.token)
    with django_capture_on_commit_callbacks(execute=True):
        second = sign_up(meeting, email="ANNA@example.se")
    assert second.pk != first.pk and second.token != first.token
    assert len(mail.outbox) == 2  # a confirmation for the new sign-up, with its own cancel link
    assert second.token in mail.outbox[1].body


def test_cancel_is_idempotent(network):
    registration = sign_up(seminar(network))
    cancelled = seminars.cancel(registration.token)
    first_time = cancelled.cancelled_at
    assert first_time is not None
    again = seminars.cancel(registration.token)
    assert again.cancelled_at == first_time


def test_cancel_with_an_unknown_token_is_none(network):
    registration = sign_up(seminar(network))
    assert seminars.cancel("x" * 43) is None
    assert seminars.cancel(registration.token[:-1] + ("A" if registration.token[-1] != "A" else "B")) is None
    assert seminars.cancel("") is None
    registration.refresh_from_db()
    assert registration.cancelled_at is None


def test_cancel_is_refused_once_the_seminar_has_begun(network):
    meeting = seminar(network)
    registration = sign_up(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError):
        seminars.cancel(registration.token)
    registration.refresh_from_db()
    assert registration.cancelled_at is None


def test_the_service_refuses_bad_input(network):
    meeting = seminar(network)
    with pytest.raises(ValidationError) as error:
        sign_up(meeting, name="  ", organisation="", email="not-an-address")
    assert set(error.value.message_dict) == {"name", "organisation", "email"}
    with pytest.raises(ValidationError) as error:
        sign_up(meeting, name="x" * 100_000, dietary_needs="y" * 100_000)
    assert set(error.value.message_dict) == {"name", "dietary_needs"}
    assert not SeminarRegistration.objects.exists()


def test_the_nightly_purge_clears_the_dietary_needs_of_past_seminars(network):
    meeting = seminar(network)
    registration = sign_up(meeting, dietary_needs="Nötallergi")
    later = seminar(network, days=20, title="Senare")
    kept = sign_up(later, dietary_needs="Vegan")
    assert purge_dietary_needs(now=meeting.ends_at - timedelta(minutes=1)) == 0
    assert purge_dietary_needs(now=meeting.ends_at + timedelta(hours=1)) == 1
    registration.refresh_from_db()
    kept.refresh_from_db()
    assert (registration.dietary_needs, registration.name) == ("", "Anna Andersson")
    assert kept.dietary_needs == "Vegan"


# --- The public page --------------------------------------------------------------------------


def test_the_page_shows_the_seminar_programme_places_and_form(client, network):
    meeting = seminar(network, capacity=40, description="**Resultat** från nätverket.")
    meeting.agenda.create(title="Välkommen", audience="SKR", order=1)
    sign_up(meeting)
    response = client.get(register_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Slutseminarium" in html and "Hornsgatan 20" in html and "Välkommen" in html
    assert "<strong>Resultat</strong>" in html
    assert response.context["places_left"] == 39 and "39" in html
    assert 'name="email"' in html and 'name="dietary_needs"' in html and 'name="website"' in html


def test_a_digital_seminar_asks_no_dietary_needs(client, network):
    meeting = seminar(network, mode=Meeting.Mode.DIGITAL, address="", link="https://meet.example.se/x")
    html = client.get(register_url(meeting)).content.decode()
    assert 'name="dietary_needs"' not in html
    assert "https://meet.example.se/x" not in html  # the link comes with the confirmation only
    client.post(register_url(meeting), form(dietary_needs="Vegan"))
    assert SeminarRegistration.objects.get().dietary_needs == ""


def test_signing_up_on_the_page_shows_the_thank_you_page(client, network, django_capture_on_commit_callbacks):
    meeting = seminar(network)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(meeting), form(dietary_needs="Laktosfri"))
    thanks = reverse("seminars:registered", kwargs={"slug": network.slug, "uid": meeting.uid})
    assert response.status_code == 302 and response["Location"] == thanks
    registration = SeminarRegistration.objects.get()
    assert registration.dietary_needs == "Laktosfri"
    assert len(mail.outbox) == 1
    page = client.get(thanks)
    assert page.status_code == 200 and "anna@example.se" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    # Without a sign-up in the session the thank-you page is the sign-up page.
    client.session.flush()
    other = client.get(thanks)
    assert other.status_code == 302 and other["Location"] == register_url(meeting)


def test_a_duplicate_on_the_page_says_so(client, network):
    meeting = seminar(network)
    sign_up(meeting)
    response = client.post(register_url(meeting), form(email="ANNA@EXAMPLE.SE"))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert SeminarRegistration.objects.count() == 1


def test_a_fully_booked_seminar_says_so_and_refuses(client, network):
    meeting = seminar(network, capacity=1)
    sign_up(meeting, email="first@example.se")
    response = client.get(register_url(meeting))
    assert response.status_code == 200 and response.context["full"]
    assert 'name="email"' not in response.content.decode()
    response = client.post(register_url(meeting), form())
    assert response.status_code == 200
    assert SeminarRegistration.objects.count() == 1


@pytest.mark.parametrize("changes", [{"status": Meeting.Status.CANCELLED}, {"days": -2}])
def test_a_closed_seminar_shows_a_message_and_no_form(client, network, changes):
    changes = dict(changes)
    days = changes.pop("days", 10)
    meeting = seminar(network, days=days, **changes)
    response = client.get(register_url(meeting))
    assert response.status_code == 200 and response.context["closed"]
    assert 'name="email"' not in response.content.decode()
    client.post(register_url(meeting), form())
    assert not SeminarRegistration.objects.exists()


def test_a_preliminary_seminar_shows_a_message(client, network):
    meeting = seminar(network, starts_at=None, ends_at=None, month=timezone.localdate().replace(day=1))
    response = client.get(register_url(meeting))
    assert response.status_code == 200 and response.context["closed"]


def test_not_public_or_unpublished_is_404(client, network):
    internal = seminar(network, audience=["all_participants"])
    assert client.get(register_url(internal)).status_code == 404
    assert client.post(register_url(internal), form()).status_code == 404
    draft = seminar(NetworkFactory(status=Network.Status.DRAFT))
    assert client.get(register_url(draft)).status_code == 404
    # Another network's slug with this seminar's uid.
    other = NetworkFactory(status=Network.Status.RUNNING)
    meeting = seminar(network)
    url = reverse("seminars:register", kwargs={"slug": other.slug, "uid": meeting.uid})
    assert client.get(url).status_code == 404
    assert not SeminarRegistration.objects.exists()


def test_missing_and_invalid_values_give_messages(client, network):
    meeting = seminar(network)
    response = client.post(register_url(meeting), {"name": "", "organisation": "", "email": "anna@"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "organisation", "email"}
    assert not SeminarRegistration.objects.exists()


@pytest.mark.parametrize("field", ["name", "organisation", "email", "dietary_needs"])
def test_huge_values_are_refused_with_a_message(client, network, field):
    meeting = seminar(network)
    value = "a" * 100_000 if field != "email" else "a" * 100_000 + "@example.se"
    response = client.post(register_url(meeting), form(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not SeminarRegistration.objects.exists()


def test_hostile_values_are_stored_as_text_and_escaped(client, network):
    meeting = seminar(network)
    hostile = "<script>alert(1)</script>"
    response = client.post(
        register_url(meeting),
        form(
            name=hostile,
            organisation="'; DROP TABLE meetings_meeting; --",
            dietary_needs="<img src=x onerror=alert(2)>",
        ),
        follow=True,
    )
    assert response.status_code == 200
    registration = SeminarRegistration.objects.get()
    assert registration.name == hostile and registration.organisation.startswith("'; DROP")
    html = response.content.decode()
    assert hostile not in html and "&lt;script&gt;" in html
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_honeypot_refuses_and_saves_nothing(client, network):
    meeting = seminar(network)
    response = client.post(register_url(meeting), form(website="https://spam.example.com"))
    assert response.status_code == 400
    assert not SeminarRegistration.objects.exists()


def test_the_rate_limit_per_address_returns_429_and_keeps_what_was_typed(client, network, monkeypatch):
    monkeypatch.setattr(seminar_views, "RATE_PER_IP", "3/h")
    meeting = seminar(network)
    for index in range(3):
        response = client.post(register_url(meeting), form(email=f"p{index}@example.se"))
        assert response.status_code == 302
    response = client.post(register_url(meeting), form(name="Bo Berg", email="bo@example.se"))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    html = response.content.decode()
    assert 'value="Bo Berg"' in html and 'value="bo@example.se"' in html
    assert response.context["limited"]
    assert SeminarRegistration.objects.count() == 3
    # Another client address is not limited; GET never is.
    assert client.get(register_url(meeting)).status_code == 200
    other = client.post(register_url(meeting), form(name="Bo Berg", email="bo@example.se"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    assert SeminarRegistration.objects.count() == 4


def test_the_default_rate_limit_is_ten_an_hour_per_address(client, network):
    meeting = seminar(network)
    statuses = [
        client.post(register_url(meeting), form(email=f"p{index}@example.se")).status_code for index in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    assert SeminarRegistration.objects.count() == 10


def test_the_rate_limit_per_e_mail_address(client, network, monkeypatch):
    monkeypatch.setattr(seminar_views, "RATE_PER_EMAIL", "2/h")
    meeting = seminar(network)
    other_meeting = seminar(network, title="Vårseminarium")
    assert client.post(register_url(meeting), form(), REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.post(register_url(other_meeting), form(), REMOTE_ADDR="192.0.2.2").status_code == 302
    third = seminar(network, title="Höstseminarium")
    response = client.post(register_url(third), form(email="ANNA@example.se"), REMOTE_ADDR="192.0.2.3")
    assert response.status_code == 429
    assert SeminarRegistration.objects.count() == 2


@pytest.mark.usefixtures("page_cache_off")  # counts or inspects what a render does
def test_the_timetable_of_the_invitation_links_open_seminars(client, network, django_assert_max_num_queries):
    open_one = seminar(network)
    internal = seminar(network, title="Nätverksträff", audience=["all_participants"])
    preliminary = seminar(
        network, title="Höst", starts_at=None, ends_at=None, month=timezone.localdate().replace(day=1)
    )
    html = client.get(reverse("portal:invitation", args=[network.slug])).content.decode()
    assert register_url(open_one) in html
    assert register_url(internal) not in html and register_url(preliminary) not in html
    # One more open seminar costs no query.
    with django_assert_max_num_queries(50) as one:
        client.get(reverse("portal:invitation", args=[network.slug]))
    seminar(network, title="Extra", days=12)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("portal:invitation", args=[network.slug])).content.decode()
    assert html.count("/seminarium/") == 2


def test_the_leads_preview_has_no_sign_up_link(client, network):
    from accounts.models import StaffRole
    from tests.factories import staff

    meeting = seminar(network)
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer))
    html = client.get(reverse("leads:network_preview", args=[network.slug])).content.decode()
    assert "Slutseminarium" in html and register_url(meeting) not in html


# --- Cancelling on the page ---------------------------------------------------------------------


def cancel_url(registration) -> str:
    return reverse("seminars:cancel", kwargs={"token": registration.token})


def test_the_cancel_link_asks_then_cancels(client, network):
    registration = sign_up(seminar(network, capacity=1))
    url = cancel_url(registration)
    page = client.get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "same-origin"
    assert "<form" in page.content.decode().split('id="main"', 1)[1]
    registration.refresh_from_db()
    assert registration.cancelled_at is None  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    registration.refresh_from_db()
    first = registration.cancelled_at
    assert first is not None
    assert client.post(url).status_code == 302  # twice: nothing more happens
    registration.refresh_from_db()
    assert registration.cancelled_at == first
    assert seminars.places_left(registration.meeting) == 1
    again = client.get(url)
    assert again.status_code == 200 and again.context["open"]
    assert register_url(registration.meeting) in again.content.decode()


def test_unknown_and_tampered_tokens_get_a_friendly_404(client, network):
    registration = sign_up(seminar(network))
    tampered = registration.token[:-2] + ("zz" if not registration.token.endswith("zz") else "yy")
    for token in ("a" * 43, tampered):
        response = client.get(reverse("seminars:cancel", kwargs={"token": token}))
        assert response.status_code == 404
        assert "meetings/seminars/link_invalid.html" in [t.name for t in response.templates]
        assert client.post(reverse("seminars:cancel", kwargs={"token": token})).status_code == 404
    assert client.get("/anmalan/kort/avboka/").status_code == 404
    registration.refresh_from_db()
    assert registration.cancelled_at is None


def test_cancel_after_the_start_shows_a_message(client, network):
    meeting = seminar(network)
    registration = sign_up(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    page = client.get(cancel_url(registration))
    assert page.status_code == 200 and not page.context["may_cancel"]
    assert client.post(cancel_url(registration)).status_code == 400
    registration.refresh_from_db()
    assert registration.cancelled_at is None
