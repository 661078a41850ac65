"""Open seminars: the public sign-up page, the thank-you page, cancelling through the secret link, and the
leads' list of sign-ups (with attendance and a CSV file).

The public POST is rate limited per client IP address and per e-mail address
(django-ratelimit, on the default cache): over the limit the page says so with
status 429 and shows the form again with what was typed, so nothing is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import TooManyFieldsSent, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from accounts import roles
from core.spreadsheet import csv_bytes
from meetings import selectors, seminars
from meetings.models import Meeting, SeminarRegistration
from meetings.seminar_forms import RegistrationForm
from networks.permissions import network_for_lead_or_404, public_networks

# Sign-ups (POSTs of the public form) allowed per client IP address and per e-mail address.
RATE_PER_IP = "10/h"
RATE_PER_EMAIL = "5/h"
RATE_GROUP = "meetings.seminar_register"
SESSION_KEY = "seminar_registered"


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with a person's sign-up (or its secret address) are never stored, nor sent to other sites as a Referer."""
    response["Cache-Control"] = "private, no-store"
    # same-origin, not no-referrer: the token never leaves the site, and a browser still sends the
    # page's Origin with its forms' POSTs (with no-referrer it sends "Origin: null", which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- The public pages --------------------------------------------------------------------------


def _public_meeting_or_404(slug: str, uid) -> Meeting:
    """A public seminar of a published network; anything else does not exist here."""
    meeting = get_object_or_404(
        Meeting.objects.filter(network__in=public_networks(), network__slug=slug)
        .select_related("network")
        .prefetch_related("agenda"),
        uid=uid,
    )
    if not seminars.is_public(meeting):
        raise Http404
    return meeting


def _email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()[:320]


def _rate_limited(request: HttpRequest) -> bool:
    """Count this POST against the client's address and the e-mail address; True when one is over its limit."""
    by_ip = is_ratelimited(request, group=RATE_GROUP, key="ip", rate=RATE_PER_IP, method="POST", increment=True)
    by_email = bool(_email_key(RATE_GROUP, request)) and is_ratelimited(
        request, group=RATE_GROUP + ".email", key=_email_key, rate=RATE_PER_EMAIL, method="POST", increment=True
    )
    return by_ip or by_email


def _render_register(request, meeting, form, *, limited=False, status=200) -> HttpResponse:
    left = seminars.places_left(meeting)
    closed = seminars.closed_reason(meeting)
    context = {
        "network": meeting.network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "agenda": list(meeting.agenda.all()),  # in the model's order: by start time
        "places_left": left,
        "closed": closed,
        "full": closed is None and left == 0,
        "form": form,
        "limited": limited,
    }
    return render(request, "meetings/seminars/register.html", context, status=status)


def _add_errors(form: RegistrationForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_messages)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str, uid) -> HttpResponse:
    """The seminar, its programme and places left, and the sign-up form."""
    meeting = _public_meeting_or_404(slug, uid)
    if request.method != "POST":
        return _render_register(request, meeting, RegistrationForm(meeting=meeting))
    if _rate_limited(request):
        form = RegistrationForm(initial=RegistrationForm.initial_from(request.POST), meeting=meeting)
        response = _render_register(request, meeting, form, limited=True, status=429)
        response["Retry-After"] = "3600"
        return response
    form = RegistrationForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _render_register(request, meeting, form, status=400 if form.is_spam else 200)
    try:
        registration = seminars.register(meeting=meeting, **form.registration_data())
    except ValidationError as error:
        _add_errors(form, error)
        return _render_register(request, meeting, form)
    request.session[SESSION_KEY] = registration.pk
    return redirect("seminars:registered", slug=meeting.network.slug, uid=meeting.uid)


@require_GET
def registered(request: HttpRequest, slug: str, uid) -> HttpResponse:
    """The thank-you page after signing up (from the session); without one, the sign-up page."""
    meeting = _public_meeting_or_404(slug, uid)
    registration = None
    pk = request.session.get(SESSION_KEY)
    if isinstance(pk, int):
        registration = SeminarRegistration.objects.filter(pk=pk, meeting=meeting, cancelled_at__isnull=True).first()
    if registration is None:
        return redirect("seminars:register", slug=meeting.network.slug, uid=meeting.uid)
    context = {
        "network": meeting.network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "agenda": list(meeting.agenda.all()),
        "registration": registration,
    }
    return _private(render(request, "meetings/seminars/registered.html", context))


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The secret link from the confirmation: GET asks, POST cancels (a second time changes nothing)."""
    registration = seminars.registration_from_token(token)
    if registration is None:
        return _private(render(request, "meetings/seminars/link_invalid.html", status=404))
    error = None
    if request.method == "POST":
        try:
            seminars.cancel(token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your registration is cancelled."))
            return _private(redirect("seminars:cancel", token=token))
    meeting = registration.meeting
    context = {
        "registration": registration,
        "meeting": meeting,
        "network": meeting.network,
        "when": selectors.meeting_when(meeting),
        "agenda": list(meeting.agenda.all()),
        "may_cancel": seminars.may_cancel(registration),
        "open": seminars.is_open_for_registration(meeting) and meeting.network.status in seminars.PUBLIC_STATUSES,
        "error": error,
    }
    return _private(render(request, "meetings/seminars/cancel.html", context, status=400 if error else 200))


# --- The leads' pages --------------------------------------------------------------------------


def _lead_meeting_or_404(request: HttpRequest, slug: str, pk: int) -> Meeting:
    """A meeting of a network the user leads, looked up within that network (others' ids are a 404)."""
    network = network_for_lead_or_404(request.user, slug)
    meeting = get_object_or_404(Meeting.objects.filter(network=network), pk=pk)
    meeting.network = network
    return meeting


def _ticked(request: HttpRequest, limit: int) -> set[int] | None:
    """The ticked sign-up ids of the POST, or None for a request no form of ours sends."""
    try:
        values = request.POST.getlist("attended")
    except TooManyFieldsSent:
        return None
    if len(values) > limit:
        return None
    ids = set()
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 12:
            return None
        ids.add(int(value))
    return ids


def _render_registrations(request, meeting, registrations, *, error=None, ticked=None, status=200) -> HttpResponse:
    if ticked is None:
        ticked = {registration.pk for registration in registrations if registration.attended}
    context = {
        "network": meeting.network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "registrations": registrations,
        "counts": seminars.counts(meeting, registrations),
        "refusal": seminars.attendance_refusal(meeting),
        "is_public": seminars.is_public(meeting),
        "public_url": seminars.registration_url(meeting) if seminars.is_public(meeting) else "",
        "asks_diet": meeting.mode in seminars.DIETARY_MODES,
        "ticked": ticked,
        "error": error,
    }
    return render(request, "meetings/seminars/registrations.html", context, status=status)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def registrations(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The seminar's sign-ups with the counts against the capacity; a POST records who attended."""
    meeting = _lead_meeting_or_404(request, slug, pk)
    rows = list(meeting.registrations.order_by("created_at", "pk"))
    if request.method != "POST":
        return _render_registrations(request, meeting, rows)
    ids = _ticked(request, len(rows))
    if ids is None:
        error = _("The form was not understood. Reload the page and try again.")
        return _render_registrations(request, meeting, rows, error=error, status=400)
    try:
        count = seminars.attendance_save(meeting=meeting, actor=request.user, attended=ids)
    except ValidationError as exc:
        return _render_registrations(request, meeting, rows, error=" ".join(exc.messages), ticked=ids, status=400)
    messages.success(request, _("The attendance was saved: %(count)s attended.") % {"count": count})
    return redirect("seminars:registrations", slug=meeting.network.slug, pk=meeting.pk)


def registrations_csv_bytes(meeting: Meeting) -> bytes:
    """The active sign-ups for Swedish Excel (core.spreadsheet): UTF-8 with BOM, ``;``, formulas neutralised."""
    rows = (
        seminars.active_registrations(meeting)
        .order_by("created_at", "pk")
        .values_list("name", "organisation", "email", "dietary_needs")
    )
    return csv_bytes([_("Name"), _("Organisation"), _("E-mail"), _("Dietary needs")], rows)


@roles.network_lead_required
@require_GET
def registrations_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = _lead_meeting_or_404(request, slug, pk)
    response = HttpResponse(registrations_csv_bytes(meeting), content_type="text/csv; charset=utf-8")
    filename = (slugify(meeting.title)[:60].strip("-") or "seminar") + "-anmalningar.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
