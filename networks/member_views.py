"""The municipality representative's membership pages: their memberships, and one to complete.

A representative sees only their own municipality's memberships (any other id is a 404). The
membership page has three sections (participants, commitments, invoice details), each a form of
its own that posts to its own address; an error re-renders the page with that section's input
kept. A membership that has ended is read-only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from networks import services
from networks.forms import (
    MembershipCommitmentForm,
    MembershipInvoiceForm,
    membership_participant_formset,
)
from networks.models import Membership
from networks.permissions import membership_for_representative_or_404, memberships_of_own_municipality, with_progress

SECTIONS = ("participants", "commitments", "invoice")


class MembershipSummary:
    """A membership as its representative sees it: parts, progress and what is still missing.

    Three queries whatever the number of participants or commitments: the participants, the
    network's commitments and the member's answers (the network's roles when editing, a fourth).
    """

    def __init__(self, membership: Membership):
        self.membership = membership
        self.network = membership.network
        self.is_active = membership.status == Membership.Status.ACTIVE
        self.participants = list(membership.participants.all())
        answers = {answer.commitment_id: answer for answer in membership.commitments.all()}
        self.commitments = [(c, answers.get(c.pk)) for c in self.network.commitments.all()]
        self.confirmed = sum(1 for _c, answer in self.commitments if answer and answer.confirmed)
        self.missing = self._missing() if self.is_active else []

    def _missing(self) -> list[tuple[str, str]]:
        """(section anchor, message) for the banner; participant numbers are guidance, not a rule."""
        found = []
        count, low, high = len(self.participants), self.network.participants_min, self.network.participants_max
        if not count:
            found.append(("participants", _("Add the participants.")))
        elif low and count < low:
            found.append(
                (
                    "participants",
                    _("The network asks for at least %(min)s participants; %(n)s are registered.")
                    % {"min": low, "n": count},
                )
            )
        if high and count > high:
            found.append(
                (
                    "participants",
                    _("The network asks for at most %(max)s participants; %(n)s are registered.")
                    % {"max": high, "n": count},
                )
            )
        if self.confirmed < len(self.commitments):
            found.append(
                (
                    "commitments",
                    _("Confirm the commitments (%(confirmed)s of %(total)s confirmed).")
                    % {"confirmed": self.confirmed, "total": len(self.commitments)},
                )
            )
        if not self.membership.invoice_details_complete:
            found.append(("invoice", _("Fill in the invoice details.")))
        return found


class MembershipForms:
    """The three sections' forms; only ``section`` is bound to ``data``."""

    def __init__(self, summary: MembershipSummary, *, section: str | None = None, data=None):
        membership = summary.membership

        def bound(name):
            return data if section == name else None

        self.invoice = MembershipInvoiceForm(
            data=bound("invoice"), initial={name: getattr(membership, name) for name in services.INVOICE_FIELDS}
        )
        self.commitments = [
            (
                commitment,
                MembershipCommitmentForm(
                    data=bound("commitments"),
                    initial={name: getattr(answer, name) for name in services.COMMITMENT_FIELDS} if answer else {},
                    commitment=commitment,
                    prefix=f"c{commitment.pk}",
                ),
            )
            for commitment, answer in summary.commitments
        ]
        network = summary.network
        wanted = max(1, (network.participants_min or 0) - len(summary.participants))
        self.participants = membership_participant_formset(
            participants=summary.participants,
            role_choices=[role.title for role in network.participant_roles.all()],
            data=bound("participants"),
            extra=wanted,
        )

    def errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page."""
        found = [(field.auto_id, f"{field.label}: {error}") for field in self.invoice for error in field.errors]
        found += [("invoice", str(error)) for error in self.invoice.non_field_errors()]
        for commitment, form in self.commitments:
            found += [(f.auto_id, f"{commitment}: {f.label}: {error}") for f in form for error in f.errors]
        for number, form in enumerate(self.participants.forms, start=1):
            for field in form:
                found += [
                    (
                        field.auto_id,
                        _("Participant %(n)s: %(label)s: %(error)s")
                        % {"n": number, "label": field.label, "error": error},
                    )
                    for error in field.errors
                ]
        found += [("participants", str(error)) for error in self.participants.non_form_errors()]
        return found

    def commitments_valid(self) -> bool:
        results = [form.is_valid() for _c, form in self.commitments]  # every form, so all errors show
        return all(results)


def _render(request, summary, forms=None, *, notice=None, status=200) -> HttpResponse:
    context = {
        "membership": summary.membership,
        "network": summary.network,
        "summary": summary,
        "forms": forms or (MembershipForms(summary) if summary.is_active else None),
        "notice": notice,
    }
    return render(request, "networks/member/detail.html", context, status=status)


@roles.representative_required
def membership_list(request: HttpRequest) -> HttpResponse:
    memberships = with_progress(memberships_of_own_municipality(request.user)).order_by("-started_on", "network__title")
    return render(request, "networks/member/list.html", {"memberships": memberships})


@roles.representative_required
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for_representative_or_404(request.user, pk)
    return _render(request, MembershipSummary(membership))


def _save_section(request: HttpRequest, pk: int, section: str, is_valid, save) -> HttpResponse:
    """Bind ``section``'s form, save it through ``save(membership, forms)`` or show the page with the errors."""
    membership = membership_for_representative_or_404(request.user, pk)
    summary = MembershipSummary(membership)
    detail = reverse("members:detail", args=[membership.pk])
    if not summary.is_active:
        messages.error(request, _("The membership has ended and can no longer be changed."))
        return redirect(detail)
    forms = MembershipForms(summary, section=section, data=request.POST)
    if not is_valid(forms):
        return _render(request, summary, forms)
    try:
        save(membership, forms)
    except ValidationError as error:
        return _render(request, summary, forms, notice=" ".join(error.messages))
    messages.success(request, _("Saved."))
    return redirect(f"{detail}#{section}")


@require_POST
@roles.representative_required
def save_participants(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_section(
        request,
        pk,
        "participants",
        lambda forms: forms.participants.is_valid(),
        lambda membership, forms: services.membership_save_participants(
            membership=membership, actor=request.user, rows=forms.participants.rows()
        ),
    )


@require_POST
@roles.representative_required
def save_commitments(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_section(
        request,
        pk,
        "commitments",
        MembershipForms.commitments_valid,
        lambda membership, forms: services.membership_save_commitments(
            membership=membership,
            actor=request.user,
            answers={commitment.pk: form.answers() for commitment, form in forms.commitments},
        ),
    )


@require_POST
@roles.representative_required
def save_invoice_details(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_section(
        request,
        pk,
        "invoice",
        lambda forms: forms.invoice.is_valid(),
        lambda membership, forms: services.membership_update_invoice_details(
            membership=membership, actor=request.user, data=forms.invoice.cleaned_data
        ),
    )
