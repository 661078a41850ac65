"""Network leads' selection (urval): the workbench, decisions, publishing, the waiting list and the report.

Access as on the review pages: the network's leads and superusers. Others' networks, and
applications or offers of another network in the URL, are a 404; users without a lead role
get a 403; anonymous users go to the login page. Every change is a POST to a service in
``applications.decisions`` or ``applications.waitlist``; a ``DecisionError`` becomes a
message or a form error, never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from applications import decisions, selection_report, waitlist, workbench
from applications.models import Application, SelectionRun, WaitlistOffer
from core.pagecache import cached_page
from municipalities.classification import BLOC_LABELS, SIZE_CLASS_CHOICES
from municipalities.models import County
from networks.models import Membership, Network
from networks.permissions import network_for_lead_or_404

Decision = Application.Decision
TEXT_MAX_LENGTH = 4000
QUERY_KEYS = ("q", "county", "area", "size", "bloc", "decision", "proposed", "sort")


# Forms --------------------------------------------------------------------------------------


class WorkbenchFilterForm(forms.Form):
    """The table's filters (GET); an invalid value is ignored, never an error page."""

    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=100)
    area = forms.ChoiceField(label=gettext_lazy("National area (riksområde)"), required=False)
    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)
    size = forms.ChoiceField(label=gettext_lazy("Size class"), required=False)
    bloc = forms.ChoiceField(label=gettext_lazy("Political majority"), required=False)
    proposed = forms.ChoiceField(label=gettext_lazy("In the proposal"), required=False)
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), required=False)

    def __init__(self, *args, counties: list[County], **kwargs):
        super().__init__(*args, **kwargs)
        areas = sorted({(county.nuts2_code, county.riksomrade) for county in counties if county.nuts2_code})
        self.fields["area"].choices = [("", _("All areas")), *areas]
        self.fields["county"].choices = [("", _("All counties")), *[(c.code, c.name) for c in counties]]
        self.fields["size"].choices = [("", _("All sizes")), *SIZE_CLASS_CHOICES]
        self.fields["bloc"].choices = [
            ("", _("All")),
            ("left", BLOC_LABELS["left"]),
            ("right", BLOC_LABELS["right"]),
            (workbench.NEITHER, BLOC_LABELS[""]),
        ]
        self.fields["proposed"].choices = [("", _("All")), ("yes", _("Proposed")), ("no", _("Not proposed"))]
        self.fields["decision"].choices = [
            ("", _("All")),
            *Decision.choices,
            (workbench.NO_DECISION, _("Not decided")),
        ]
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "form-select"

    def valid_data(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields if name not in self.errors}

    def filters(self) -> workbench.WorkbenchFilters:
        data = self.valid_data()
        return workbench.WorkbenchFilters(**{name: data.get(name, "") for name in self.fields})


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    rank = forms.IntegerField(
        label=gettext_lazy("Place on the waiting list"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=gettext_lazy("Only for the waiting list. Leave it empty to put the municipality last on the list."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the decision"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Optional. It is written in the decision letter to the municipality."),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Reason for departing from the proposal"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, proposed: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["override_reason"]
        if proposed:
            field.help_text = _(
                "Required when your decision departs from the proposal (%(proposed)s). "
                "“Not accepted” instead of the waiting list is not a departure. "
                "Kept in the selection report, not sent to the municipality."
            ) % {"proposed": Decision(proposed).label}
        else:
            field.help_text = _("There is no proposal to depart from; this reason is not needed.")


# Helpers ------------------------------------------------------------------------------------


def _error_text(error: decisions.DecisionError) -> str:
    return " ".join(str(message) for message in error.messages)


def _clean_query(raw: str) -> str:
    """A querystring of the workbench's own keys only (hostile input is dropped, not echoed)."""
    query = QueryDict(raw[:2000], mutable=True)
    clean = QueryDict(mutable=True)
    for key in QUERY_KEYS:
        value = query.get(key, "")
        if value and len(value) <= 100:
            clean[key] = value
    return clean.urlencode()


def _back_to_workbench(request: HttpRequest, network: Network, anchor: str = "") -> HttpResponse:
    url = reverse("selection:workbench", args=[network.slug])
    query = _clean_query(request.POST.get("back", ""))
    return redirect(url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else ""))


def _submitted_or_404(network: Network, pk: int) -> Application:
    application = get_object_or_404(
        decisions.submitted_applications(network).select_related("municipality__county"), pk=pk
    )
    application.network = network
    return application


def _members_url(network: Network) -> str:
    try:
        return reverse("leads:members", args=[network.slug])
    except NoReverseMatch:
        return ""


def _decisions_open(network: Network) -> bool:
    return network.status in (Network.Status.SELECTION, Network.Status.RUNNING)


def _sort_links(bench: workbench.Workbench, query: QueryDict) -> dict:
    """Per sortable column: the link that sorts by it (again: the other way round) and its aria-sort."""
    links = {}
    for key in workbench.SORTS:
        current = bench.sort.lstrip("-") == key
        descending = bench.sort.startswith("-")
        params = query.copy()
        params["sort"] = f"-{key}" if current and not descending else key
        links[key] = {
            "url": f"?{params.urlencode()}",
            "aria": ("descending" if descending else "ascending") if current else "",
        }
    return links


def _status_line(bench: workbench.Workbench) -> str:
    if not bench.applicants:
        return _("No submitted applications yet.")
    if bench.published and not bench.unpublished:
        return _("The decisions are published.")
    if bench.published:
        return _("Published; some decisions have changed since and are not published yet.")
    if bench.undecided < bench.applicants:
        return _("Decisions being made: %(decided)s of %(applicants)s decided.") % {
            "decided": bench.applicants - bench.undecided,
            "applicants": bench.applicants,
        }
    if bench.run is not None:
        return _("A proposal is ready; no decisions yet.")
    return _("No proposal and no decisions yet.")


# The workbench ------------------------------------------------------------------------------


@cached_page
@roles.network_lead_required
@require_GET
def workbench_page(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    form = WorkbenchFilterForm(request.GET or None, counties=list(County.objects.all()))
    sort = request.GET.get("sort", "")
    bench = workbench.workbench(network, filters=form.filters(), sort=sort if isinstance(sort, str) else "")
    query = QueryDict(mutable=True)
    for key, value in form.valid_data().items():
        if value:
            query[key] = value
    filtered_query = query.copy()
    query["sort"] = bench.sort
    offers_list = list(waitlist.waiting_list(network))
    members = Membership.objects.filter(network=network, status=Membership.Status.ACTIVE).count()
    context = {
        "network": network,
        "bench": bench,
        "run": bench.run,
        "form": form,
        "filtered": bool(filtered_query),
        "query": query.urlencode(),
        "sort_links": _sort_links(bench, filtered_query),
        "sections": selection_report.distribution_sections(bench),
        "out_of_date": workbench.out_of_date(bench),
        "status_line": _status_line(bench),
        "decisions_open": _decisions_open(network),
        "members": members,
        "waiting_list": offers_list,
        "free_places": waitlist.free_places(network) if bench.published else None,
        "members_url": _members_url(network),
        "show_need": bench.show_need,
        "open_keys": ("area", "size", "bloc"),
        **selection_report.run_context(bench),
    }
    return render(request, "applications/selection/workbench.html", context)


@roles.network_lead_required
@require_POST
def run(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    try:
        result = decisions.selection_run(network=network, actor=request.user)
    except decisions.DecisionError as error:
        messages.error(request, _error_text(error))
        return _back_to_workbench(request, network)
    if result.status == SelectionRun.Status.INFEASIBLE:
        messages.warning(request, _("The rules cannot all hold together. The conflicting rules are named below."))
    else:
        messages.success(
            request,
            _("The proposal is ready: %(chosen)s of %(applicants)s applicants for %(places)s places.")
            % {"chosen": len(result.chosen), "applicants": result.applicants, "places": result.capacity},
        )
    return _back_to_workbench(request, network, "proposal")


@roles.network_lead_required
@require_POST
def accept_all(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    try:
        accepted = decisions.decisions_accept_all(network=network, actor=request.user)
    except decisions.DecisionError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s application is accepted. Publish the decisions when you are ready.",
                "All %(n)s applications are accepted. Publish the decisions when you are ready.",
                accepted,
            )
            % {"n": accepted},
        )
    return _back_to_workbench(request, network)


@roles.network_lead_required
@require_POST
def use_proposal(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    try:
        changed = decisions.decisions_from_proposal(network=network, actor=request.user)
    except decisions.DecisionError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            ngettext(
                "The proposal is now the decision for %(n)s application. Adjust single decisions if needed, "
                "then publish.",
                "The proposal is now the decision for %(n)s applications. Adjust single decisions if needed, "
                "then publish.",
                changed,
            )
            % {"n": changed},
        )
    return _back_to_workbench(request, network, "applicants")


@roles.network_lead_required
@require_POST
def lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    application = _submitted_or_404(network, pk)
    value = request.POST.get("lock", "")
    if value not in ("", *Application.Lock.values):
        messages.error(request, _("Choose locked in, locked out or no lock."))
        return _back_to_workbench(request, network)
    try:
        decisions.lock_set(application=application, actor=request.user, lock=value)
    except decisions.DecisionError as error:
        messages.error(request, _error_text(error))
    else:
        name = application.municipality.name
        text = {
            Application.Lock.IN: _("%(name)s is locked in: the next proposal always includes it."),
            Application.Lock.OUT: _("%(name)s is locked out: the next proposal never includes it."),
        }.get(value, _("%(name)s is no longer locked."))
        messages.success(request, text % {"name": name} + " " + _("Run the proposal again to see the effect."))
    return _back_to_workbench(request, network, f"application-{application.pk}")


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    application = _submitted_or_404(network, pk)
    bench = workbench.workbench(network)
    row = next((row for row in bench.all_rows if row.application.pk == application.pk), None)
    if row is None:  # withdrawn meanwhile
        raise Http404
    # What decision_set compares with ("" when the latest run proposes nothing for the application).
    proposed = decisions.proposed_decision(bench.run, application.pk)
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST, proposed=proposed)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decisions.decision_set(
                    application=application,
                    actor=request.user,
                    decision=data["decision"],
                    rank=data["rank"],
                    reason=data["reason"],
                    override_reason=data["override_reason"],
                )
            except decisions.DecisionError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("The decision for %(name)s is saved. It is published when you publish the decisions.")
                    % {"name": application.municipality.name},
                )
                return redirect(reverse("selection:workbench", args=[network.slug]) + f"#application-{application.pk}")
        status = 400
    else:
        form = DecisionForm(
            initial={
                "decision": application.decision or row.proposed,
                "rank": application.waitlist_rank,
                "reason": application.decision_reason,
                "override_reason": application.override_reason,
            },
            proposed=proposed,
        )
    context = {
        "network": network,
        "application": application,
        "row": row,
        "bench": bench,
        "run": bench.run,
        "form": form,
    }
    return render(request, "applications/selection/decide.html", context, status=status)


# Publishing ---------------------------------------------------------------------------------


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    if request.method == "POST":
        try:
            result = decisions.decisions_publish(network=network, actor=request.user)
        except decisions.DecisionError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("selection:publish", slug=network.slug)
        if result.published:
            messages.success(
                request,
                ngettext(
                    "The decisions are published; %(n)s decision letter is being sent.",
                    "The decisions are published; %(n)s decision letters are being sent.",
                    result.published,
                )
                % {"n": result.published},
            )
        else:
            messages.info(request, _("Nothing new to publish: every decision was already published."))
        return redirect("selection:workbench", slug=network.slug)
    applications = list(decisions.submitted_applications(network).select_related("municipality"))
    bench = workbench.workbench(network)
    context = {
        "network": network,
        "bench": bench,
        "problems": decisions.publish_problems(network, applications) if applications else [],
        "decisions_open": _decisions_open(network),
        "groups": [(value, label, bench.by_decision(value)) for value, label in Decision.choices],
        "changes": [row for row in bench.all_rows if row.unpublished],
    }
    return render(request, "applications/selection/publish.html", context)


# The waiting list ---------------------------------------------------------------------------


@roles.network_lead_required
@require_POST
def offer_withdraw(request: HttpRequest, slug: str, offer_pk: int) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    # Looked up within the network: another network's offer in the URL is a 404.
    offer = get_object_or_404(
        WaitlistOffer.objects.filter(network=network).select_related("application__municipality"), pk=offer_pk
    )
    try:
        waitlist.offer_withdraw(offer=offer, actor=request.user)
    except decisions.DecisionError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The offer to %(name)s is withdrawn. The place is not offered on automatically.")
            % {"name": offer.application.municipality.name},
        )
    return _back_to_workbench(request, network, "waiting-list")


@roles.network_lead_required
@require_POST
def offer_next(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    offer = waitlist.offer_next_place(network=network)
    if offer is None:
        messages.error(request, _("No offer was made: there is no free place, or nobody left on the waiting list."))
    else:
        messages.success(
            request,
            _("%(name)s is offered the place and has until %(deadline)s to answer; the offer is being e-mailed.")
            % {
                "name": offer.application.municipality.name,
                "deadline": timezone.localtime(offer.deadline).strftime("%Y-%m-%d %H:%M"),
            },
        )
    return _back_to_workbench(request, network, "waiting-list")


# Runs and the report ------------------------------------------------------------------------


@roles.network_lead_required
@require_GET
def runs(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    history = list(
        SelectionRun.objects.filter(network=network).select_related("created_by").order_by("-created_at", "-pk")[:100]
    )
    for item in history:
        item.chosen_names = sorted(
            (item.candidates.get(str(pk), {}).get("label", str(pk)) for pk in item.chosen),
            key=workbench.sort_name_key,
        )
    return render(request, "applications/selection/runs.html", {"network": network, "runs": history})


@roles.network_lead_required
@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    return render(request, "applications/selection/report.html", selection_report.report_context(network))
