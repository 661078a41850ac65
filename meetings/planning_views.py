"""The network leads' timetable pages: the whole timetable, quick add, a meeting with agenda and homework,
cancel, delete, move several, copy from an earlier cohort."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from core.pagecache import cached_page
from meetings import invitations, selectors, services
from meetings.forms import CopyForm, HomeworkForm, MeetingForm, QuickAddForm, ShiftForm, agenda_formset
from meetings.models import Homework, Meeting
from networks.models import Network
from networks.permissions import network_for_lead_or_404, networks_led_by


def _meeting_or_404(request: HttpRequest, slug: str, pk: int) -> tuple[Network, Meeting]:
    """A meeting of a network the user leads, looked up within that network (others' ids are a 404)."""
    network = network_for_lead_or_404(request.user, slug)
    meeting = get_object_or_404(Meeting.objects.filter(network=network).select_related("membership"), pk=pk)
    meeting.network = network
    return network, meeting


# Where a service's error on a model field shows on a form that names its fields differently.
FIELD_FOR = {
    "starts_at": ("day", "when"),
    "ends_at": ("end_time", "when"),
    "month": ("month", "when"),
    "last_month": ("last_month", "when"),
    "due_at": ("due_day",),
}


def _add_errors(form, error: ValidationError) -> None:
    """A service's errors on the form's fields where the form has them, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        candidates = (name, *FIELD_FOR.get(name, ()))
        form.add_error(next((c for c in candidates if c in form.fields), None), field_messages)


def _sources(request: HttpRequest, network: Network):
    """Networks to copy from: the previous cohort and any other network the user leads."""
    led = networks_led_by(request.user).values("pk")
    return Network.objects.filter(pk__in=led).exclude(pk=network.pk).order_by("title")


def _render_timetable(request, network, *, quick_form=None, shift_form=None, status=200) -> HttpResponse:
    context = {
        "network": network,
        "meetings": selectors.timetable_for_lead(network),
        "quick_form": quick_form or QuickAddForm(),
        "shift_form": shift_form or ShiftForm(network=network),
        "chosen": set(shift_form.data.getlist("meetings")) if shift_form else set(),
    }
    return render(request, "meetings/planning/timetable.html", context, status=status)


@cached_page
@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def timetable(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole timetable on one page; a POST is the quick add of one meeting."""
    network = network_for_lead_or_404(request.user, slug)
    if request.method != "POST":
        return _render_timetable(request, network)
    form = QuickAddForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.meeting_save(network=network, actor=request.user, data=form.meeting_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was added to the timetable.") % {"title": meeting.title})
            return redirect("meetings:timetable", slug=network.slug)
    return _render_timetable(request, network, quick_form=form)


def _render_meeting(request, network, meeting, *, form=None, agenda=None, homework_form=None) -> HttpResponse:
    if form is None:
        initial = MeetingForm.initial_for(meeting) if meeting.pk else {}
        if meeting.pk and request.GET.get("exakt"):
            initial["dating"] = "exact"
        form = MeetingForm(initial=initial, network=network)
    context = {"network": network, "meeting": meeting, "form": form}
    if meeting.pk:
        context["agenda"] = agenda or agenda_formset(meeting=meeting)
        context["homework_form"] = homework_form or HomeworkForm()
        context["homework"] = list(meeting.homework.order_by("due_at", "pk"))
        context["can_delete"] = services.meeting_can_delete(meeting)
        context["invitation_counts"] = invitations.counts_per_municipality(meeting)
        context["invitation_total"] = invitations.counts_total(context["invitation_counts"])
    return render(request, "meetings/planning/meeting_form.html", context)


def _save_meeting(request: HttpRequest, network: Network, meeting: Meeting) -> HttpResponse:
    form = MeetingForm(request.POST, network=network)
    if form.is_valid():
        try:
            saved = services.meeting_save(
                network=network, actor=request.user, meeting=meeting if meeting.pk else None, data=form.meeting_data()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("meetings:meeting_edit", slug=network.slug, pk=saved.pk)
    if meeting.pk:
        meeting.refresh_from_db()  # the service may have changed the instance before refusing
    return _render_meeting(request, network, meeting, form=form)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    meeting = Meeting(network=network)
    if request.method == "POST":
        return _save_meeting(request, network, meeting)
    return _render_meeting(request, network, meeting)


def _save_agenda(request, network, meeting) -> HttpResponse:
    agenda = agenda_formset(meeting=meeting, data=request.POST)
    if agenda.is_valid():
        try:
            services.agenda_save(meeting=meeting, actor=request.user, rows=agenda.rows())
        except ValidationError as error:
            agenda._non_form_errors = agenda.error_class(error.messages)
        else:
            messages.success(request, _("The agenda was saved."))
            return redirect("meetings:meeting_edit", slug=network.slug, pk=meeting.pk)
    return _render_meeting(request, network, meeting, agenda=agenda)


def _save_homework(request, network, meeting) -> HttpResponse:
    form = HomeworkForm(request.POST)
    if form.is_valid():
        try:
            services.homework_save(meeting=meeting, actor=request.user, data=form.homework_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The homework was added."))
            return redirect("meetings:meeting_edit", slug=network.slug, pk=meeting.pk)
    return _render_meeting(request, network, meeting, homework_form=form)


def _delete_homework(request, network, meeting) -> HttpResponse:
    try:
        homework_id = int(request.POST.get("homework", ""))
    except ValueError:
        homework_id = 0
    homework = get_object_or_404(Homework.objects.filter(meeting=meeting), pk=homework_id)
    homework.meeting = meeting
    services.homework_delete(homework=homework, actor=request.user)
    messages.success(request, _("The homework was removed."))
    return redirect("meetings:meeting_edit", slug=network.slug, pk=meeting.pk)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One meeting: its details (firming up a preliminary one), its agenda and its homework.

    The page has several forms; a POST says which by its ``part``.
    """
    network, meeting = _meeting_or_404(request, slug, pk)
    if request.method != "POST":
        return _render_meeting(request, network, meeting)
    part = request.POST.get("part", "meeting")
    if part == "agenda":
        return _save_agenda(request, network, meeting)
    if part == "homework":
        return _save_homework(request, network, meeting)
    if part == "homework_delete":
        return _delete_homework(request, network, meeting)
    return _save_meeting(request, network, meeting)


@require_POST
@roles.network_lead_required
def meeting_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Cancel a meeting, or with ``restore`` plan it again."""
    network, meeting = _meeting_or_404(request, slug, pk)
    if request.POST.get("restore"):
        services.meeting_restore(meeting=meeting, actor=request.user)
        messages.success(request, _("“%(title)s” is planned again.") % {"title": meeting.title})
    else:
        services.meeting_cancel(meeting=meeting, actor=request.user)
        messages.success(request, _("“%(title)s” was cancelled.") % {"title": meeting.title})
    return redirect("meetings:timetable", slug=network.slug)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network, meeting = _meeting_or_404(request, slug, pk)
    error = None
    if request.method == "POST":
        try:
            services.meeting_delete(meeting=meeting, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("“%(title)s” was deleted.") % {"title": meeting.title})
            return redirect("meetings:timetable", slug=network.slug)
    context = {
        "network": network,
        "meeting": meeting,
        "can_delete": services.meeting_can_delete(meeting),
        "error": error,
    }
    return render(request, "meetings/planning/meeting_delete.html", context)


@require_POST
@roles.network_lead_required
def meetings_shift(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    form = ShiftForm(request.POST, network=network)
    if form.is_valid():
        try:
            moved = services.meetings_shift(
                network=network,
                actor=request.user,
                meetings=list(form.cleaned_data["meetings"]),
                months=form.cleaned_data["months"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s meeting was moved.", "%(count)s meetings were moved.", len(moved))
                % {"count": len(moved)},
            )
            return redirect("meetings:timetable", slug=network.slug)
    return _render_timetable(request, network, shift_form=form)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def meetings_copy(request: HttpRequest, slug: str) -> HttpResponse:
    """Copy an earlier cohort's timetable: choose, preview the shifted dates, confirm."""
    network = network_for_lead_or_404(request.user, slug)
    sources = _sources(request, network)
    form = CopyForm(request.POST or None, network=network, sources=sources)
    context = {"network": network, "form": form, "previews": None}
    if form.is_bound and form.is_valid():
        source = form.cleaned_data["source"]
        chosen = services.copy_source_meetings(source)
        shift = form.cleaned_data["shift_months"]
        if shift is None:
            shift = services.copy_shift_months(meetings=chosen, target_network=network)
        if request.POST.get("confirm"):
            try:
                with transaction.atomic():
                    copies = services.meetings_copy(
                        source_network=source, target_network=network, actor=request.user, shift_months=shift
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext("%(count)s meeting was copied.", "%(count)s meetings were copied.", len(copies))
                    % {"count": len(copies)},
                )
                return redirect("meetings:timetable", slug=network.slug)
        previews = services.meetings_copy_preview(meetings=chosen, target_network=network, shift_months=shift)
        for preview in previews:
            preview.when = selectors.meeting_when(Meeting(**preview.data))
            preview.was = selectors.meeting_when(preview.meeting)
        context.update(previews=previews, shift=shift, source=source, blocked=any(p.error for p in previews))
    return render(request, "meetings/planning/copy.html", context)


@require_POST
@roles.network_lead_required
def meeting_invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send the invitations: everyone the meeting is for who is not invited yet (see meetings.invitations)."""
    network, meeting = _meeting_or_404(request, slug, pk)
    try:
        added = invitations.invite(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if added:
            messages.success(
                request,
                ngettext("%(count)s invitation was sent.", "%(count)s invitations were sent.", added)
                % {"count": added},
            )
        else:
            messages.info(request, _("Everyone the meeting is for is already invited."))
    return redirect("meetings:meeting_edit", slug=network.slug, pk=meeting.pk)
