"""The municipality's side of applying: the form, the receipt, withdrawal, attachments, changes."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import roles
from applications import selectors, services, waitlist
from applications.forms import ApplicationForm, CommitmentForm, participant_formset
from applications.models import Application, ApplicationCommitment
from core.pagecache import cached_page
from municipalities.efficiency import efficiency_profile

DEFAULT_MAX_PARTICIPANTS = 20


def reader_required(view):
    """Signed in, and a representative or staff member (others have nothing to read here: 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (roles.is_representative(request.user) or roles.is_staff_member(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- The application form ---------------------------------------------------------------


class ApplyForms:
    """The form, one form per commitment and the participants formset, bound or not."""

    def __init__(self, *, network, application, municipality, data=None, files=None):
        self.network = network
        self.application = application
        instance = application or Application(
            network=network, municipality=municipality, **services.register_invoice_details(municipality)
        )
        # The applicant's followed key figures beside the problem description (two queries).
        profile = efficiency_profile(municipality=municipality) if network.requires_problem_description else []
        self.form = ApplicationForm(data=data, files=files, instance=instance, network=network, profile=profile)
        if "referenced_kpis" in self.form.fields:
            checkboxes = {str(w.data["value"]): w for w in self.form["referenced_kpis"]}
            self.kpi_rows = [(row, checkboxes[str(row.kpi.pk)]) for row in profile]
        else:
            self.kpi_rows = []
        answers = selectors.commitments_by_id(application)
        self.commitments = [
            (
                commitment,
                CommitmentForm(
                    data=data,
                    instance=answers.get(commitment.pk) or ApplicationCommitment(commitment=commitment),
                    commitment=commitment,
                    prefix=f"c{commitment.pk}",
                ),
            )
            for commitment in selectors.network_commitments(network)
        ]
        role_choices = list(network.participant_roles.values_list("title", flat=True))
        existing = len(application.participants.all()) if application else 0
        limit = network.participants_max or DEFAULT_MAX_PARTICIPANTS
        wanted = min(limit, max(existing + 2, network.participants_min or 0))
        self.participants = participant_formset(
            network,
            data=data,
            instance=application or Application(network=network),
            role_choices=role_choices,
            extra=max(0, wanted - existing),
        )

    def is_valid(self) -> bool:
        results = [self.form.is_valid(), self.participants.is_valid()]
        results += [form.is_valid() for _c, form in self.commitments]
        return all(results)

    def errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page."""
        found = []
        for field in self.form:
            found += [(field.auto_id, f"{field.label}: {error}") for error in field.errors]
        found += [("", str(error)) for error in self.form.non_field_errors()]
        for commitment, form in self.commitments:
            for field in form:
                found += [(field.auto_id, f"{commitment}: {field.label}: {error}") for error in field.errors]
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

    def service_kwargs(self, request) -> dict:
        fields = {name: value for name, value in self.form.cleaned_data.items() if name != "attachment"}
        uploaded = self.form.cleaned_data.get("attachment")
        return {
            "fields": fields,
            "commitments": {commitment.pk: form.answers() for commitment, form in self.commitments},
            "participants": self.participants.rows(),
            "add_files": [uploaded] if uploaded else [],
            "remove_tokens": request.POST.getlist("remove_attachment"),
        }


def _comparable(data: dict) -> dict:
    """A snapshot without the key figures' values: a later sync is no unsubmitted change."""
    return {**data, "key_figures": [figure.get("kpi") for figure in data.get("key_figures", [])]}


def _render_apply(request, network, application, forms=None, *, missing=(), notice=None, status=200):
    forms = forms or ApplyForms(network=network, application=application, municipality=request.user.municipality)
    versions = selectors.application_versions(application) if application else []
    changed = False
    if application and versions:
        current = services.application_snapshot(selectors.application_with_content(application.pk))
        changed = _comparable(current) != _comparable(versions[-1].data)
    context = {
        "network": network,
        "application": application,
        "forms": forms,
        "form": forms.form,
        "commitment_forms": forms.commitments,
        "kpi_rows": forms.kpi_rows,
        "participants": forms.participants,
        "attachments": list(application.attachments.all()) if application else [],
        "errors": forms.errors() if forms.form.is_bound else [],
        "missing": missing,
        "notice": notice,
        "latest_version": versions[-1] if versions else None,
        "unsubmitted_changes": changed,
        "is_open": network.accepts_applications(),
        "started_by_colleague": application and application.created_by_id != request.user.pk,
    }
    return render(request, "applications/apply.html", context, status=status)


@cached_page
@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.network_for_apply_or_404(slug)
    if not roles.is_representative(request.user):
        raise PermissionDenied
    municipality = request.user.municipality
    if not network.accepts_municipality(municipality):
        return render(request, "applications/not_possible.html", {"network": network, "reason": "eligibility"})
    application = selectors.application_of(network=network, municipality=municipality)
    if application is None and not network.accepts_applications():
        return render(request, "applications/not_possible.html", {"network": network, "reason": "closed"})
    if request.method == "GET":
        return _render_apply(request, network, application)
    return _apply_post(request, network, application)


def _apply_post(request, network, application):
    forms = ApplyForms(
        network=network,
        application=application,
        municipality=request.user.municipality,
        data=request.POST,
        files=request.FILES,
    )
    posted_id = request.POST.get("application", "")
    if application is not None and posted_id != str(application.pk):
        # A colleague started the application while this page was open: keep what was typed, save nothing.
        notice = _("A colleague started this application meanwhile. Check the form and save again.")
        return _render_apply(request, network, application, forms, notice=notice)
    if not network.accepts_applications():
        notice = _("The network no longer accepts applications; nothing was saved.")
        return _render_apply(request, network, application, forms, notice=notice)
    if not forms.is_valid():
        return _render_apply(request, network, application, forms)
    try:
        if application is None:
            application, created = services.application_start(network=network, actor=request.user)
            if not created:
                notice = _("A colleague started this application meanwhile. Check the form and save again.")
                return _render_apply(request, network, application, forms, notice=notice)
        services.application_save_draft(application=application, actor=request.user, **forms.service_kwargs(request))
        if request.POST.get("action") != "submit":
            messages.success(request, _("The draft was saved."))
            return redirect("applications:apply", slug=network.slug)
        services.application_submit(application=application, actor=request.user)
    except services.ApplicationIncomplete as incomplete:
        application.refresh_from_db()
        return _render_apply(
            request,
            network,
            application,
            missing=incomplete.missing,
            notice=_("Your changes were saved as a draft, but the application is not complete yet:"),
        )
    except services.ApplicationError as error:
        return _render_apply(request, network, application, forms, notice=str(error.message))
    except ValidationError as error:
        return _render_apply(request, network, application, forms, notice=" ".join(error.messages))
    messages.success(request, _("Thank you! The application was submitted. A receipt is on its way by e-mail."))
    return redirect("applications:detail", pk=application.pk)


# --- Reading, withdrawing, attachments, changes ------------------------------------------


def _parse_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@reader_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_readable_or_404(request.user, pk)
    is_own = roles.is_representative(request.user, application.municipality_id)
    version = selectors.application_version(application, _parse_int(request.GET.get("version")))
    if version is not None:
        data = version.data
    elif is_own:
        data = services.application_snapshot(selectors.application_with_content(application.pk))
    else:
        data = None  # the organiser sees submitted versions only
    context = {
        "application": application,
        "network": application.network,
        "version": version,
        "versions": selectors.application_versions(application),
        "data": data,
        "is_own": is_own,
        "can_edit": is_own and application.network.accepts_applications(),
        "attachments": list(application.attachments.all()),
        "offers": list(application.waitlist_offers.order_by("-offered_at")) if application.published_decision else [],
    }
    return render(request, "applications/detail.html", context)


@roles.representative_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_representative_or_404(request.user, pk)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, actor=request.user)
        except services.ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The application was withdrawn."))
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/withdraw.html", {"application": application, "network": application.network})


@roles.representative_required
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    """The representative answers the offer of a place from the waiting list."""
    application = selectors.application_for_representative_or_404(request.user, pk)
    found = application.waitlist_offers.filter(pk=offer_pk).first()
    if found is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                waitlist.offer_accept(offer=found, actor=request.user)
                messages.success(
                    request,
                    _("Welcome! %(municipality)s is now a member of the network.")
                    % {"municipality": application.municipality.name},
                )
            elif action == "decline":
                waitlist.offer_decline(offer=found, actor=request.user)
                messages.success(request, _("You have declined the place. Thank you for letting us know."))
            else:
                messages.error(request, _("Choose whether you take the place or not."))
                return redirect("applications:offer", pk=application.pk, offer_pk=found.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("applications:detail", pk=application.pk)
    context = {"application": application, "network": application.network, "offer": found, "now": timezone.now()}
    return render(request, "applications/offer.html", context)


@reader_required
def attachment(request: HttpRequest, pk: int, token: str) -> FileResponse:
    application = selectors.application_readable_or_404(request.user, pk)
    found = application.attachments.filter(token=token).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=found.original_name, content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@reader_required
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_readable_or_404(request.user, pk)
    versions = selectors.application_versions(application)
    by_number = {v.number: v for v in versions}
    new = by_number.get(_parse_int(request.GET.get("to"))) or (versions[-1] if versions else None)
    old = by_number.get(_parse_int(request.GET.get("from")))
    if old is None and new is not None:
        old = by_number.get(new.number - 1)
    changes = services.version_diff(old.data, new.data) if old and new else []
    context = {
        "application": application,
        "network": application.network,
        "versions": versions,
        "old": old,
        "new": new,
        "changes": changes,
    }
    return render(request, "applications/diff.html", context)


@roles.representative_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_of_municipality(request.user)
    return render(request, "applications/my_applications.html", {"applications": applications})
