"""The selection's decisions: runs of the optimiser, decisions per application, publishing.

A lead runs the optimiser (``selection_run``): the proposal, the rules, the
locks and the applicants' facts are stored as a ``SelectionRun``, the record a
public body needs to explain its urval. From the latest run (or, when there are
no more applicants than places, from "anta alla") the lead sets each submitted
application to accepted / waiting list (ranked) / not accepted
(``decisions_from_proposal``, ``decisions_accept_all``, ``decision_set``).
A decision that departs from the latest proposal is an override and needs a
reason. ``decisions_publish`` makes the decisions final: each accepted
application becomes a ``Membership`` with its participants, commitments and
invoice details (once; publishing again changes nothing), and the decision
letters go out by Celery after the commit, once per application and decision.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, SelectionRun
from applications.selection_data import network_proposal, selection_rules
from core.audit import acting_as
from networks.models import Membership, MembershipCommitment, MembershipParticipant, Network
from networks.permissions import can_lead

Decision = Application.Decision
Lock = Application.Lock
SUBMITTED = Application.Status.SUBMITTED


class DecisionError(ValidationError):
    """A decision that cannot be made or published; the message says why, in Swedish."""


def _check_lead(actor, network: Network) -> None:
    if not can_lead(actor, network):
        raise DecisionError(_("Only the network's leads may decide on its applications."))


def _check_open(network: Network) -> None:
    if network.status not in (Network.Status.SELECTION, Network.Status.RUNNING):
        raise DecisionError(
            _("Decisions are made once the application period has closed (the network is in selection or running).")
        )


def submitted_applications(network: Network):
    return Application.objects.filter(network=network, status=SUBMITTED)


def latest_run(network: Network) -> SelectionRun | None:
    return (
        SelectionRun.objects.filter(network=network).select_related("created_by").order_by("-created_at", "-pk").first()
    )


# --- running the optimiser --------------------------------------------------------------


def rules_snapshot(network: Network) -> dict:
    rules = selection_rules(network)
    return {
        "saved": rules.pk is not None,
        "capacity": network.capacity,
        "weight_score": rules.weight_score,
        "weight_need": rules.weight_need,
        "coverage": rules.coverage,
        "coverage_bonus": rules.coverage_bonus,
        "size_min": dict(rules.size_min or {}),
        "size_max": dict(rules.size_max or {}),
        "bloc_max_difference": rules.bloc_max_difference,
        "county_max": rules.county_max,
    }


def _result_snapshot(proposal) -> dict:
    def swap(value):
        if value is None:
            return None
        return {"replaces": value.replaces, "objective": value.objective, "cost": value.cost}

    return {
        "contributions": {
            str(key): {"score": part.score, "need": part.need, "coverage": part.coverage, "total": part.total}
            for key, part in proposal.contributions.items()
        },
        "binding": list(proposal.binding),
        "binding_gains": dict(proposal.binding_gains),
        "conflicts": list(proposal.conflicts),
        "violations": list(proposal.violations),
        "swaps": {str(key): swap(value) for key, value in proposal.swaps.items()},
        "missing_filled": sorted(proposal.missing_filled),
        "values": {str(key): value for key, value in proposal.values.items()},
        "solves": proposal.solves,
    }


@transaction.atomic
def selection_run(*, network: Network, actor) -> SelectionRun:
    """Run the optimiser under the network's rules and the applications' locks, and keep the record."""
    _check_lead(actor, network)
    _check_open(network)
    locks = dict(submitted_applications(network).exclude(selection_lock="").values_list("pk", "selection_lock"))
    locked_in = [pk for pk, lock in locks.items() if lock == Lock.IN]
    locked_out = [pk for pk, lock in locks.items() if lock == Lock.OUT]
    started = time.perf_counter()
    pool, proposal = network_proposal(network, locked_in=locked_in, locked_out=locked_out)
    seconds = time.perf_counter() - started
    if not pool:
        raise DecisionError(_("There are no submitted applications to select from."))
    rules = rules_snapshot(network) | {"locked_in": sorted(locked_in), "locked_out": sorted(locked_out)}
    candidates = {
        str(c.key): {
            "label": c.label,
            "score": c.score,
            "need": c.need,
            "county": c.county,
            "area": c.area,
            "size_class": c.size_class,
            "bloc": c.bloc,
        }
        for c in pool
    }
    return SelectionRun.objects.create(
        network=network,
        created_by=actor,
        status=proposal.status,
        capacity=network.capacity,
        applicants=len(pool),
        objective=None if proposal.status == SelectionRun.Status.INFEASIBLE else proposal.objective,
        seconds=seconds,
        rules=rules,
        candidates=candidates,
        chosen=list(proposal.chosen),
        result=_result_snapshot(proposal),
    )


# --- deciding -----------------------------------------------------------------------------


def proposed_decision(run: SelectionRun | None, application_id: int) -> str:
    """What the run proposes for the application: accepted when chosen, else the waiting list.

    "" (nothing proposed, so no decision departs from it) without a run, after an
    infeasible run, and for an application the run did not include (submitted after it).
    """
    if run is None or run.status == SelectionRun.Status.INFEASIBLE or str(application_id) not in run.candidates:
        return ""
    return Decision.ACCEPTED if application_id in run.chosen else Decision.WAITLIST


def _waitlist_order(run: SelectionRun) -> list[int]:
    """The applicants left out, closest to a place first: cheapest best swap, then highest value."""
    swaps = run.result.get("swaps", {})
    values = run.result.get("values", {})
    left_out = [int(key) for key in run.candidates if int(key) not in run.chosen]

    def closeness(key: int):
        swap = swaps.get(str(key))
        cost = swap["cost"] if swap else float("inf")
        return (cost, -values.get(str(key), 0.0), key)

    return sorted(left_out, key=closeness)


def _published_accepted(application: Application) -> bool:
    return application.published_decision == Decision.ACCEPTED


def _save_decision(application: Application, *, actor, decision: str, rank, reason: str, run, override_reason: str):
    if _published_accepted(application) and decision != Decision.ACCEPTED:
        raise DecisionError(
            _("%(name)s is already a member. End the membership on the members page instead.")
            % {"name": application.municipality.name}
        )
    proposed = proposed_decision(run, application.pk)
    overrides = (
        bool(proposed)
        and decision != proposed
        and not (decision == Decision.REJECTED and proposed == Decision.WAITLIST)
    )
    if overrides and not override_reason.strip():
        raise DecisionError(
            _("The decision for %(name)s departs from the proposal: give the reason.")
            % {"name": application.municipality.name}
        )
    application.decision = decision
    application.waitlist_rank = rank if decision == Decision.WAITLIST else None
    application.decision_reason = reason.strip()
    application.overrides_proposal = overrides
    application.override_reason = override_reason.strip() if overrides else ""
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()


@transaction.atomic
def decisions_from_proposal(*, network: Network, actor, run: SelectionRun | None = None) -> int:
    """Set every undecided-or-unpublished application to what ``run`` (the latest) proposes; return how many.

    The chosen are accepted; the others go on the waiting list, ranked by how
    close they came to a place (the cheapest swap first). Published acceptances stay.
    """
    _check_lead(actor, network)
    _check_open(network)
    run = run or latest_run(network)
    if run is None:
        raise DecisionError(_("Run the selection proposal first."))
    if run.status == SelectionRun.Status.INFEASIBLE:
        raise DecisionError(
            _("The latest proposal could not keep every rule; change the rules or locks and run it again.")
        )
    applications = {a.pk: a for a in submitted_applications(network).select_related("municipality")}
    ranks = {key: rank for rank, key in enumerate(_waitlist_order(run), start=1)}
    changed = 0
    with acting_as(actor):
        for pk, application in applications.items():
            if _published_accepted(application) or str(pk) not in run.candidates:
                continue
            decision = Decision.ACCEPTED if pk in run.chosen else Decision.WAITLIST
            _save_decision(
                application, actor=actor, decision=decision, rank=ranks.get(pk), reason="", run=run, override_reason=""
            )
            changed += 1
    return changed


@transaction.atomic
def decisions_accept_all(*, network: Network, actor) -> int:
    """ "Anta alla": with no more submitted applications than places, accept every one of them."""
    _check_lead(actor, network)
    _check_open(network)
    applications = list(submitted_applications(network).select_related("municipality"))
    if not applications:
        raise DecisionError(_("There are no submitted applications."))
    if len(applications) > network.capacity:
        raise DecisionError(
            _("There are %(applicants)s applicants for %(places)s places: run the selection proposal instead.")
            % {"applicants": len(applications), "places": network.capacity}
        )
    with acting_as(actor):
        for application in applications:
            _save_decision(
                application, actor=actor, decision=Decision.ACCEPTED, rank=None, reason="", run=None, override_reason=""
            )
    return len(applications)


@transaction.atomic
def decision_set(
    *, application: Application, actor, decision: str, rank=None, reason: str = "", override_reason: str = ""
) -> Application:
    """The lead's decision for one application; a departure from the latest proposal needs ``override_reason``."""
    network = application.network
    _check_lead(actor, network)
    _check_open(network)
    application = (
        Application.objects.select_for_update().select_related("municipality", "network").get(pk=application.pk)
    )
    if application.status != SUBMITTED:
        raise DecisionError(_("Only submitted applications can be decided on."))
    if decision not in Decision.values:
        raise DecisionError(_("Choose a decision."))
    if decision == Decision.WAITLIST and rank is None:
        rank = (submitted_applications(network).aggregate(last=Max("waitlist_rank"))["last"] or 0) + 1
    with acting_as(actor):
        _save_decision(
            application,
            actor=actor,
            decision=decision,
            rank=rank,
            reason=reason,
            run=latest_run(network),
            override_reason=override_reason,
        )
        _renumber_waitlist(network, first=application if decision == Decision.WAITLIST else None)
    return application


def _renumber_waitlist(network: Network, *, first: Application | None) -> None:
    """Ranks 1, 2, 3 … without gaps or ties; ``first`` (just given its rank) goes before others of the same rank."""
    waiting = list(
        submitted_applications(network)
        .filter(decision=Decision.WAITLIST)
        .select_for_update()
        .order_by("waitlist_rank", "pk")
    )
    waiting.sort(key=lambda a: (a.waitlist_rank or 10**6, first is None or a.pk != first.pk, a.pk))
    for number, application in enumerate(waiting, start=1):
        if application.waitlist_rank != number:
            application.waitlist_rank = number
            application.save(update_fields=["waitlist_rank", "updated_at"])


@transaction.atomic
def lock_set(*, application: Application, actor, lock: str) -> Application:
    """Lock an application in or out of the next run ("" removes the lock)."""
    _check_lead(actor, application.network)
    _check_open(application.network)
    if lock not in ("", *Lock.values):
        raise DecisionError(_("Choose locked in, locked out or no lock."))
    if application.status != SUBMITTED:
        raise DecisionError(_("Only submitted applications can be locked."))
    application.selection_lock = lock
    with acting_as(actor):
        application.save(update_fields=["selection_lock", "updated_at"])
    return application


# --- publishing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    published: int  # applications whose decision was published now
    members_created: int


def publish_problems(network: Network, applications: list[Application]) -> list[str]:
    """Why the decisions cannot be published yet (empty when they can)."""
    problems = []
    undecided = [a.municipality.name for a in applications if not a.decision]
    if undecided:
        problems.append(_("Not decided yet: %(names)s.") % {"names": ", ".join(undecided)})
    accepted = {a.municipality_id for a in applications if a.decision == Decision.ACCEPTED}
    # Members without an accepted application (added directly) take places too.
    others = (
        Membership.objects.filter(network=network, status=Membership.Status.ACTIVE)
        .exclude(municipality_id__in=accepted)
        .count()
    )
    if len(accepted) + others > network.capacity:
        problems.append(
            _("%(accepted)s are accepted but the network has %(places)s places.")
            % {"accepted": len(accepted), "places": network.capacity}
            + (
                " " + _("%(members)s members were added without an application.") % {"members": others}
                if others
                else ""
            )
        )
    missing_reason = [a.municipality.name for a in applications if a.overrides_proposal and not a.override_reason]
    if missing_reason:
        problems.append(
            _("A reason for departing from the proposal is missing: %(names)s.") % {"names": ", ".join(missing_reason)}
        )
    return problems


def membership_from_application(
    application: Application, *, started_on=None, commitments=None
) -> tuple[Membership, bool]:
    """The accepted application's membership with its participants, commitments and invoice details (once)."""
    membership, created = Membership.objects.get_or_create(
        network_id=application.network_id,
        municipality_id=application.municipality_id,
        defaults={
            "source": Membership.Source.DECISION,
            "status": Membership.Status.ACTIVE,
            "application": application,
            "started_on": started_on or application.network.period_start or timezone.localdate(),
            "invoice_orgnr": application.invoice_orgnr,
            "invoice_email": application.invoice_email,
            "invoice_address": application.invoice_address,
            "buyer_reference": application.buyer_reference,
            "peppol_id": application.peppol_id,
        },
    )
    if not created:
        if membership.status != Membership.Status.ACTIVE or membership.application_id != application.pk:
            membership.status = Membership.Status.ACTIVE
            membership.application = application
            membership.left_on = None
            membership.left_reason = ""
            membership.save()
        return membership, False
    seen = set()
    participants = []
    for participant in application.participants.all():
        if participant.email.lower() in seen:
            continue
        seen.add(participant.email.lower())
        participants.append(
            MembershipParticipant(
                membership=membership,
                name=participant.name,
                email=participant.email,
                title=participant.title,
                role=participant.role,
            )
        )
    MembershipParticipant.objects.bulk_create(participants)
    answers = {answer.commitment_id: answer for answer in application.commitments.all()}
    MembershipCommitment.objects.bulk_create(
        [
            MembershipCommitment(
                membership=membership,
                commitment=commitment,
                confirmed=getattr(answers.get(commitment.pk), "confirmed", False),
                decision_date=getattr(answers.get(commitment.pk), "decision_date", None),
                decision_reference=getattr(answers.get(commitment.pk), "decision_reference", ""),
                decision_pending=getattr(answers.get(commitment.pk), "decision_pending", False),
                expected_date=getattr(answers.get(commitment.pk), "expected_date", None),
                details=getattr(answers.get(commitment.pk), "details", ""),
            )
            for commitment in (application.network.commitments.all() if commitments is None else commitments)
        ]
    )
    return membership, True


@transaction.atomic
def decisions_publish(*, network: Network, actor, now=None) -> PublishResult:
    """Make the decisions final: memberships for the accepted, letters after the commit.

    Only decisions that differ from what was published before are published
    (and written to); publishing twice changes nothing and sends nothing new.
    """
    from applications.tasks import send_decision_letters

    _check_lead(actor, network)
    network = Network.objects.select_for_update().get(pk=network.pk)
    _check_open(network)
    now = now or timezone.now()
    applications = list(
        submitted_applications(network)
        .select_related("municipality", "network")
        .prefetch_related("participants", "commitments")
        .order_by("pk")
    )
    problems = publish_problems(network, applications)
    if problems:
        raise DecisionError(problems)
    commitments = list(network.commitments.all())  # once, not once per new member
    published = created = 0
    with acting_as(actor):
        for application in applications:
            if application.published_decision == application.decision and application.decision_published_at:
                continue
            application.published_decision = application.decision
            application.decision_published_at = now
            application.save(update_fields=["published_decision", "decision_published_at", "updated_at"])
            published += 1
            if application.decision == Decision.ACCEPTED:
                created += membership_from_application(application, commitments=commitments)[1]
        if network.status == Network.Status.SELECTION:
            network.status = Network.Status.RUNNING
            network.save(update_fields=["status", "updated_at"])
    if published:
        network_id = network.pk
        transaction.on_commit(lambda: send_decision_letters.delay(network_id))
    return PublishResult(published=published, members_created=created)
