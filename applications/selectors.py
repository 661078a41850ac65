"""Reads the application flow needs (the reviewing side has its own, in reviews.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationCommitment, ApplicationVersion
from applications.permissions import applications_of_own_municipality, applications_visible_to
from networks.models import Network, NetworkCommitment
from networks.permissions import public_networks


def network_for_apply_or_404(slug: str) -> Network:
    return get_object_or_404(public_networks().select_related("organizer"), slug=slug)


def application_of(*, network: Network, municipality) -> Application | None:
    return (
        Application.objects.select_related("created_by", "submitted_by")
        .filter(network=network, municipality=municipality)
        .first()
    )


def application_for_representative_or_404(user, pk) -> Application:
    return get_object_or_404(applications_of_own_municipality(user).select_related("network", "municipality"), pk=pk)


def application_readable_or_404(user, pk) -> Application:
    """Own municipality's application, or one in a network the user leads; 404 otherwise."""
    visible = applications_visible_to(user).values("pk")
    application = (
        Application.objects.select_related("network", "municipality", "created_by", "submitted_by")
        .filter(pk=pk, pk__in=visible)
        .first()
    )
    if application is None:
        raise Http404
    return application


def applications_of_municipality(user) -> QuerySet[Application]:
    return applications_of_own_municipality(user).select_related("network", "created_by").order_by("-created_at")


def network_commitments(network: Network) -> list[NetworkCommitment]:
    return list(network.commitments.all())


def commitments_by_id(application: Application | None) -> dict[int, ApplicationCommitment]:
    if application is None or application.pk is None:
        return {}
    return {c.commitment_id: c for c in application.commitments.all()}


def application_versions(application: Application) -> list[ApplicationVersion]:
    return list(application.versions.select_related("submitted_by").order_by("number"))


def application_version(application: Application, number: int | None) -> ApplicationVersion | None:
    versions = application.versions.select_related("submitted_by")
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()


def application_with_content(pk: int) -> Application:
    return (
        Application.objects.select_related("network", "municipality")
        .prefetch_related(
            Prefetch("commitments", queryset=ApplicationCommitment.objects.select_related("commitment")),
            "participants",
            "attachments",
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class MissingItem:
    anchor: str  # the id of the field to link to
    message: str


def application_missing_items(application: Application) -> list[MissingItem]:
    """Everything that keeps ``application`` from being complete, all at once."""
    network = application.network
    missing: list[MissingItem] = []

    def need(anchor, message):
        missing.append(MissingItem(anchor, message))

    if not application.motivation.strip():
        need("id_motivation", _("Describe why the municipality wants to join."))
    if network.requires_problem_description:
        for field, message in (
            ("problem_area", _("Name the area of the current-state analysis.")),
            ("current_state", _("Describe the current state.")),
            ("problem", _("Describe the problem.")),
            ("goal", _("Describe the goal.")),
        ):
            if not getattr(application, field).strip():
                need(f"id_{field}", message)
    missing += _missing_commitments(application)
    missing += _missing_participants(application)
    for field, message in (
        ("invoice_orgnr", _("Give the organisation number.")),
        ("buyer_reference", _("Give your reference (“er referens”) for the invoice.")),
    ):
        if not getattr(application, field).strip():
            need(f"id_{field}", message)
    if not application.invoice_email.strip() and not application.invoice_address.strip():
        need("id_invoice_email", _("Give an invoice e-mail or an invoice address."))
    return missing


def _missing_commitments(application: Application) -> list[MissingItem]:
    given = commitments_by_id(application)
    missing = []
    detail_kinds = {
        NetworkCommitment.Kind.STEERING_GROUP,
        NetworkCommitment.Kind.CONTACT_PERSON,
        NetworkCommitment.Kind.WORKING_GROUP,
        NetworkCommitment.Kind.PROJECT_GROUP,
    }
    for commitment in network_commitments(application.network):
        answer = given.get(commitment.pk)
        anchor = f"id_c{commitment.pk}-confirmed"
        if answer is None or not answer.confirmed:
            missing.append(MissingItem(anchor, _("Confirm the commitment “%(title)s”.") % {"title": commitment}))
            continue
        if commitment.kind == NetworkCommitment.Kind.DECISION:
            decided = answer.decision_date and answer.decision_reference.strip()
            pending = answer.decision_pending and answer.expected_date
            if not (decided or pending):
                missing.append(
                    MissingItem(
                        f"id_c{commitment.pk}-decision_date",
                        _(
                            "“%(title)s”: give the date and reference number of the decision, "
                            "or that the decision is expected and when."
                        )
                        % {"title": commitment},
                    )
                )
        elif commitment.kind in detail_kinds and not answer.details.strip():
            missing.append(
                MissingItem(
                    f"id_c{commitment.pk}-details",
                    _("“%(title)s”: give the names.") % {"title": commitment},
                )
            )
    return missing


def _missing_participants(application: Application) -> list[MissingItem]:
    network = application.network
    participants = list(application.participants.all())
    missing = []
    count = len(participants)
    if network.participants_min and count < network.participants_min:
        missing.append(
            MissingItem(
                "participants",
                _("Propose at least %(min)s participants (now %(count)s).")
                % {"min": network.participants_min, "count": count},
            )
        )
    if network.participants_max and count > network.participants_max:
        missing.append(
            MissingItem(
                "participants",
                _("Propose at most %(max)s participants (now %(count)s).")
                % {"max": network.participants_max, "count": count},
            )
        )
    for number, participant in enumerate(participants, start=1):
        if not participant.name.strip() or not participant.email.strip():
            missing.append(MissingItem("participants", _("Participant %(n)s: give name and e-mail.") % {"n": number}))
    return missing
