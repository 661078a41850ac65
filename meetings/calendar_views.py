"""Calendar files: subscribable feeds behind secret addresses, one meeting's .ics, and the leads' feed page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from meetings import calendar_services
from meetings.calendar import absolute_url, calendar_for
from meetings.models import CalendarFeed, Meeting
from networks.models import Membership, MembershipParticipant, Network
from networks.permissions import network_for_lead_or_404, public_networks

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _exact_meetings() -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(starts_at__isnull=False)
        .select_related("network")
        .prefetch_related("agenda")
        .order_by("starts_at", "pk")
    )


def feed_meetings(feed: CalendarFeed) -> QuerySet[Meeting]:
    """What a feed holds: every exactly dated meeting (cancelled ones too, marked so) of

    - a network feed: its network;
    - a participant feed: the networks in which the person (the participant's e-mail
      address, in any municipality) is a participant of an active membership. All the
      meetings of those networks are included, whoever they are for.

    Preliminary meetings are not included until they have a start and an end.
    """
    if feed.network_id is not None:
        return _exact_meetings().filter(network_id=feed.network_id)
    networks = MembershipParticipant.objects.filter(
        email__iexact=feed.participant.email, membership__status=Membership.Status.ACTIVE
    ).values("membership__network_id")
    return _exact_meetings().filter(network_id__in=networks)


def _feed_name(feed: CalendarFeed) -> str:
    if feed.network_id is not None:
        return f"{feed.network.title} – {settings.SITE_NAME}"
    return _("My network meetings – %(site)s") % {"site": settings.SITE_NAME}


def _ics_response(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A subscribable calendar: no login, the secret address is the key; revoked and unknown look alike."""
    found = (
        CalendarFeed.objects.select_related("network", "participant")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if found is None:
        raise Http404
    return _ics_response(calendar_for(feed_meetings(found), name=_feed_name(found)))


@require_GET
def meeting_ics(request: HttpRequest, uid) -> HttpResponse:
    """One meeting of a published network as a file to import (preliminary meetings have none).

    Anyone may download it (the public invitation links it), so it leaves out the link to a digital
    meeting: that is for the participants (their page, e-mails and calendar feed) only."""
    meeting = get_object_or_404(_exact_meetings().filter(network__in=public_networks()), uid=uid)
    response = _ics_response(calendar_for([meeting], name=meeting.title, with_link=False))
    filename = slugify(meeting.title)[:60].strip("-") or "meeting"
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def feed_urls(feed: CalendarFeed) -> dict[str, str]:
    """The feed's absolute address, and the same as webcal:// (which opens a calendar app to subscribe)."""
    url = absolute_url(reverse("calendar:feed", kwargs={"token": feed.token}))
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def _active_feed(network: Network) -> CalendarFeed | None:
    return network.calendar_feeds.filter(revoked_at__isnull=True).first()


def _manage(request: HttpRequest, network: Network) -> None:
    action = request.POST.get("action")
    active = _active_feed(network)
    if action == "create":
        calendar_services.feed_for_network(network=network, actor=request.user)
        messages.success(request, _("The calendar feed is ready to share."))
    elif action == "revoke" and active is not None:
        calendar_services.feed_revoke(feed=active, actor=request.user)
        messages.success(request, _("The calendar feed was turned off. Its address no longer works."))
    elif action == "rotate" and active is not None:
        calendar_services.feed_rotate(feed=active, actor=request.user)
        messages.success(request, _("The calendar feed has a new address. The old address no longer works."))
    else:
        messages.error(request, _("Nothing was changed."))


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def network_feeds(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    if request.method == "POST":
        try:
            _manage(request, network)
        except PermissionDenied as error:
            messages.error(request, str(error))
        return redirect("calendar:network_feeds", slug=network.slug)
    active = _active_feed(network)
    context = {
        "network": network,
        "feed": active,
        "urls": feed_urls(active) if active else None,
        "revoked_count": network.calendar_feeds.filter(revoked_at__isnull=False).count(),
    }
    return render(request, "meetings/calendar/network_feeds.html", context)
