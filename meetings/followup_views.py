"""The network leads' follow-up pages: one member's work (commitments, participants, attendance, homework,
evaluations, notes) and every member's commitments of a network.

Only the leads of the network see them; a membership, commitment, note or participant of
another network (or another membership) is a 404, as is a network of another organiser.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from meetings import followup
from meetings.followup_forms import NoteForm, ReceiptForm
from meetings.models import FollowUpNote, Invitation
from networks.models import Membership, MembershipCommitment, MembershipParticipant
from networks.permissions import membership_for_lead_or_404, network_for_lead_or_404


def _page(membership: Membership, anchor: str = "") -> str:
    url = reverse("followup:member", kwargs={"slug": membership.network.slug, "pk": membership.pk})
    return f"{url}#{anchor}" if anchor else url


def _render(request: HttpRequest, membership: Membership, *, note_form=None, status=200) -> HttpResponse:
    context = {
        "membership": membership,
        "network": membership.network,
        "follow_up": followup.member_follow_up(membership),
        "note_form": note_form or NoteForm(),
        "yes": Invitation.Response.YES,
        "no": Invitation.Response.NO,
    }
    return render(request, "meetings/followup/member.html", context, status=status)


@require_GET
@roles.network_lead_required
def member_follow_up(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _render(request, membership_for_lead_or_404(request.user, slug, pk))


@require_GET
@roles.network_lead_required
def network_follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    context = {"network": network, "follow_up": followup.network_follow_up(network)}
    return render(request, "meetings/followup/network.html", context)


@require_POST
@roles.network_lead_required
def commitment_received(request: HttpRequest, slug: str, pk: int, mc_pk: int) -> HttpResponse:
    membership = membership_for_lead_or_404(request.user, slug, pk)
    answer = get_object_or_404(
        MembershipCommitment.objects.filter(membership=membership).select_related("commitment"), pk=mc_pk
    )
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was not understood. Reload the page and try again."))
        return redirect(_page(membership, "commitments"))
    received = form.cleaned_data["received"]
    followup.mark_commitment_received(membership_commitment=answer, actor=request.user, received=received)
    if received:
        message = _("“%(commitment)s” is marked as received.")
    else:
        message = _("The receipt of “%(commitment)s” was undone.")
    messages.success(request, message % {"commitment": answer.commitment.title})
    return redirect(_page(membership, "commitments"))


@require_POST
@roles.network_lead_required
def note_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for_lead_or_404(request.user, slug, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            followup.add_note(
                membership=membership,
                actor=request.user,
                noted_on=form.cleaned_data["noted_on"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            for name, field_messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, field_messages)
        else:
            messages.success(request, _("The note was saved."))
            return redirect(_page(membership, "notes"))
    return _render(request, membership, note_form=form)


@require_POST
@roles.network_lead_required
def note_delete(request: HttpRequest, slug: str, pk: int, note_pk: int) -> HttpResponse:
    membership = membership_for_lead_or_404(request.user, slug, pk)
    note = get_object_or_404(FollowUpNote.objects.filter(membership=membership), pk=note_pk)
    followup.delete_note(note=note, actor=request.user)
    messages.success(request, _("The note was deleted."))
    return redirect(_page(membership, "notes"))


def _participant_or_404(membership: Membership, participant_pk: int) -> MembershipParticipant:
    return get_object_or_404(MembershipParticipant.objects.filter(membership=membership), pk=participant_pk)


@require_POST
@roles.network_lead_required
def participant_revoke_links(request: HttpRequest, slug: str, pk: int, participant_pk: int) -> HttpResponse:
    membership = membership_for_lead_or_404(request.user, slug, pk)
    participant = _participant_or_404(membership, participant_pk)
    followup.revoke_participant_links(participant=participant, actor=request.user)
    messages.success(
        request,
        _("%(name)s’s personal links no longer work. Send a new link when they need one.") % {"name": participant.name},
    )
    return redirect(_page(membership, "participants"))


@require_POST
@roles.network_lead_required
def participant_send_link(request: HttpRequest, slug: str, pk: int, participant_pk: int) -> HttpResponse:
    membership = membership_for_lead_or_404(request.user, slug, pk)
    participant = _participant_or_404(membership, participant_pk)
    try:
        sent = followup.send_personal_link(participant=participant, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if sent:
            messages.success(
                request,
                _("The personal link is being e-mailed to %(name)s (%(email)s).")
                % {"name": participant.name, "email": participant.email},
            )
        else:
            messages.info(
                request,
                _("%(name)s has already been e-mailed this link. To send a new one, first revoke the links.")
                % {"name": participant.name},
            )
    return redirect(_page(membership, "participants"))
