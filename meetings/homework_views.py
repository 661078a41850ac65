"""Hand-in pages: the lead's overview and receipts, and a member municipality's hand-in.

- The network's leads see every homework × member municipality with its status,
  open a hand-in, download its file and mark it received (or undo that). A lead
  of another organiser gets 404, like the other planning pages.
- A member municipality hands in through two doors with the same pages: a
  participant's signed personal link (no login; private responses, see
  ``participant_views._private``) and the logged-in representative's membership
  pages (their own municipality only; any other id is a 404).
- A hand-in's file is downloaded as an attachment under its (safe) original name,
  with private, never-stored, nosniff responses; whoever may not see it gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from meetings import homework as services
from meetings.homework_forms import HandInForm, ReceiptForm
from meetings.models import Homework, HomeworkSubmission
from meetings.participant_views import _private
from networks.models import Membership
from networks.permissions import membership_for_representative_or_404, network_for_lead_or_404

# --- Files ---------------------------------------------------------------------------------


def _file_response(submission: HomeworkSubmission | None) -> FileResponse:
    if submission is None or not submission.file:
        raise Http404
    try:
        handle = submission.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=submission.file_name or "file",
        content_type=submission.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- The lead ------------------------------------------------------------------------------


@roles.network_lead_required
@require_GET
def lead_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Every homework of the network (by meeting) × its member municipalities, with status."""
    network = network_for_lead_or_404(request.user, slug)
    context = {"network": network, "overview": services.overview(network)}
    return render(request, "meetings/homework/lead_overview.html", context)


@roles.network_lead_required
@require_GET
def lead_submission(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One hand-in: its answer, its file, and the receipt."""
    submission = services.submission_for_lead_or_404(request.user, slug, pk)
    item = services.Item(submission.homework, submission, timezone.now(), submission.membership)
    context = {
        "network": submission.homework.meeting.network,
        "homework": submission.homework,
        "meeting": submission.homework.meeting,
        "membership": submission.membership,
        "submission": submission,
        "item": item,
    }
    return render(request, "meetings/homework/lead_submission.html", context)


@require_POST
@roles.network_lead_required
def lead_receive(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a hand-in received (``received=1``) or not received (``received=0``)."""
    submission = services.submission_for_lead_or_404(request.user, slug, pk)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was not understood. Reload the page and try again."))
    else:
        received = form.cleaned_data["received"]
        try:
            services.mark_received(submission=submission, actor=request.user, received=received)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            names = {"municipality": submission.membership.municipality.name, "title": submission.homework.title}
            if received:
                messages.success(request, _("%(municipality)s’s “%(title)s” is marked as received.") % names)
            else:
                messages.success(request, _("%(municipality)s’s “%(title)s” is no longer marked as received.") % names)
    if request.POST.get("back") == "overview":
        return redirect("homework:lead_overview", slug=slug)
    return redirect("homework:lead_submission", slug=slug, pk=submission.pk)


@roles.network_lead_required
@require_GET
def lead_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    return _file_response(services.submission_for_lead_or_404(request.user, slug, pk))


# --- A member municipality: shared by the participant's and the representative's pages -----


class Door:
    """How the member reached the page: the addresses to use, and who acts."""

    def __init__(self, *, membership: Membership, user=None, participant=None, token: str = ""):
        self.membership = membership
        self.user = user
        self.participant = participant
        self.token = token

    def list_url(self) -> str:
        if self.participant is not None:
            return reverse("homework:participant_list", kwargs={"token": self.token})
        return reverse("homework:member_list", kwargs={"membership_pk": self.membership.pk})

    def hand_in_url(self, homework: Homework) -> str:
        if self.participant is not None:
            return reverse("homework:participant_hand_in", kwargs={"token": self.token, "homework_pk": homework.pk})
        return reverse(
            "homework:member_hand_in", kwargs={"membership_pk": self.membership.pk, "homework_pk": homework.pk}
        )

    def file_url(self, homework: Homework) -> str:
        if self.participant is not None:
            return reverse("homework:participant_file", kwargs={"token": self.token, "homework_pk": homework.pk})
        return reverse("homework:member_file", kwargs={"membership_pk": self.membership.pk, "homework_pk": homework.pk})

    def home_url(self) -> str:
        if self.participant is not None:
            return reverse("participant:home", kwargs={"token": self.token})
        return reverse("members:detail", args=[self.membership.pk])


def _list_page(request: HttpRequest, door: Door) -> HttpResponse:
    items = services.submissions_for_membership(door.membership)
    for item in items:
        item.url = door.hand_in_url(item.homework)
    context = {
        "membership": door.membership,
        "network": door.membership.network,
        "municipality": door.membership.municipality,
        "participant": door.participant,
        "items": items,
        "home_url": door.home_url(),
        "is_active": door.membership.status == Membership.Status.ACTIVE,
    }
    return render(request, "meetings/homework/list.html", context)


def _add_errors(form: HandInForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_messages)
    else:
        form.add_error(None, error)


def _hand_in_page(request: HttpRequest, door: Door, homework: Homework) -> HttpResponse:
    membership = door.membership
    submission = services.submission_of(homework, membership)
    is_active = membership.status == Membership.Status.ACTIVE
    form = None
    if request.method == "POST":
        if not is_active:
            messages.error(request, _("The membership has ended, so nothing more can be handed in."))
            return redirect(door.hand_in_url(homework))
        was_received = submission is not None and submission.received_at is not None
        remove = request.POST.get("action") == "remove_file"
        form = HandInForm(request.POST, request.FILES, submission=submission)
        if remove or form.is_valid():
            try:
                if remove:
                    if submission is None:
                        raise Http404
                    saved = services.remove_hand_in_file(
                        submission=submission, user=door.user, participant=door.participant
                    )
                else:
                    saved = services.hand_in(
                        homework=homework,
                        membership=membership,
                        text=form.cleaned_data["text"],
                        uploaded=form.cleaned_data.get("file"),
                        user=door.user,
                        participant=door.participant,
                    )
            except ValidationError as error:
                if remove:
                    messages.error(request, " ".join(error.messages))
                    return redirect(door.hand_in_url(homework))
                _add_errors(form, error)
            else:
                if remove:
                    messages.success(request, _("The file was removed."))
                else:
                    messages.success(request, _("Thank you, your hand-in was saved."))
                if was_received and saved.received_at is None:
                    messages.info(request, _("The project leader had marked it as received; they will see the change."))
                return redirect(door.list_url())
    if form is None:
        form = HandInForm(submission=submission)
    item = services.Item(homework, submission, timezone.now(), membership)
    context = {
        "membership": membership,
        "network": membership.network,
        "municipality": membership.municipality,
        "participant": door.participant,
        "homework": homework,
        "meeting": homework.meeting,
        "submission": submission,
        "item": item,
        "form": form,
        "is_active": is_active,
        "list_url": door.list_url(),
        "action_url": door.hand_in_url(homework),
        "file_url": door.file_url(homework) if submission is not None and submission.file else "",
    }
    return render(request, "meetings/homework/hand_in.html", context)


# --- The representative (logged in) --------------------------------------------------------


@roles.representative_required
@require_GET
def member_list(request: HttpRequest, membership_pk: int) -> HttpResponse:
    membership = membership_for_representative_or_404(request.user, membership_pk)
    return _list_page(request, Door(membership=membership, user=request.user))


@roles.representative_required
@require_http_methods(["GET", "POST"])
def member_hand_in(request: HttpRequest, membership_pk: int, homework_pk: int) -> HttpResponse:
    membership = membership_for_representative_or_404(request.user, membership_pk)
    homework = services.homework_for_membership_or_404(membership, homework_pk)
    return _hand_in_page(request, Door(membership=membership, user=request.user), homework)


@roles.representative_required
@require_GET
def member_file(request: HttpRequest, membership_pk: int, homework_pk: int) -> FileResponse:
    membership = membership_for_representative_or_404(request.user, membership_pk)
    homework = services.homework_for_membership_or_404(membership, homework_pk)
    return _file_response(services.submission_of(homework, membership))


# --- The participant (personal link, no login) ---------------------------------------------


def _participant_door(request: HttpRequest, token: str) -> Door:
    participant = request.participant
    return Door(membership=participant.membership, participant=participant, token=token)


@require_GET
@_private
def participant_list(request: HttpRequest, token: str) -> HttpResponse:
    return _list_page(request, _participant_door(request, token))


@require_http_methods(["GET", "POST"])
@_private
def participant_hand_in(request: HttpRequest, token: str, homework_pk: int) -> HttpResponse:
    door = _participant_door(request, token)
    homework = services.homework_for_membership_or_404(door.membership, homework_pk)
    return _hand_in_page(request, door, homework)


@require_GET
@_private
def participant_file(request: HttpRequest, token: str, homework_pk: int) -> HttpResponse:
    membership = request.participant.membership
    homework = services.homework_for_membership_or_404(membership, homework_pk)
    return _file_response(services.submission_of(homework, membership))
