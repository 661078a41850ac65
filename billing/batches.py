"""Finance's batches of invoices: create from what is due, review, approve (numbers are assigned, all or
nothing), export and send.

- ``batch_create`` drafts an invoice per member and network for the charges due up to a date (billing.due);
  an empty result is refused, so that no empty batch is left behind.
- While the batch is a draft, finance may remove an invoice (its charges are due again) or discard the
  whole batch (all its charges are due again).
- ``batch_approve`` issues every draft of the batch in one transaction (billing.invoicing.issue_invoices):
  if one of them cannot be issued, none is, and the batch stays a draft.
- ``batch_send`` queues one Celery task per issued, not yet sent invoice that has a buyer e-mail, after the
  commit (billing.sending claims each invoice, so an invoice is never e-mailed twice). Invoices without an
  e-mail are listed: they go through the organiser's PEPPOL access point or finance system with the export.
  The batch is "sent" once every invoice that has a buyer e-mail is sent.

Finance staff act only on their own organisers' batches (``accounts.roles.is_finance``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import roles
from billing.models import Invoice, InvoiceBatch
from core.audit import acting_as
from networks.models import Network, Organizer

FINANCE_ROLES = {roles.Role.FINANCE, roles.Role.ADMINISTRATOR}


def require_finance(actor, organizer) -> None:
    if not roles.is_finance(actor, organizer):
        raise PermissionDenied(_("Only the organiser's finance staff may do this."))


def batches_for(user) -> QuerySet[InvoiceBatch]:
    """The batches of the organisers where ``user`` is finance (or administrator); all for a superuser."""
    return roles.scope_to_organizers(InvoiceBatch.objects.all(), user, roles=FINANCE_ROLES)


def finance_organizers(user) -> QuerySet[Organizer]:
    return roles.scope_to_organizers(Organizer.objects.order_by("name"), user, field="pk", roles=FINANCE_ROLES)


def default_title(*, due_on: date, network: Network | None = None) -> str:
    when = date_format(due_on, "j F Y")
    if network is not None:
        return _("%(network)s: due up to %(date)s") % {"network": network.title, "date": when}
    return _("Due up to %(date)s") % {"date": when}


def batch_create(
    *, organizer: Organizer, actor, due_on: date, network: Network | None = None, title: str | None = None
) -> InvoiceBatch:
    """A draft batch with an invoice per member for what is due up to ``due_on`` (of ``network`` only, if
    given). Raises ValidationError when nothing is due."""
    from billing.due import draft_invoices, due_charges

    require_finance(actor, organizer)
    if network is not None and network.organizer_id != organizer.pk:
        raise ValidationError({"network": _("The network is not invoiced by this organiser.")})
    title = (title or "").strip() or default_title(due_on=due_on, network=network)
    if len(title) > InvoiceBatch._meta.get_field("title").max_length:
        raise ValidationError({"title": _("The title is too long.")})
    with transaction.atomic(), acting_as(actor):
        # One batch at a time per organiser: two finance staff cannot draft the same charges twice.
        Organizer.objects.select_for_update().filter(pk=organizer.pk).first()
        charges = due_charges(organizer=organizer, on=due_on, network=network)
        if not charges:
            raise ValidationError(
                _("Nothing is due up to %(date)s: every charge up to then is already on an invoice or batch.")
                % {"date": date_format(due_on, "j F Y")}
            )
        batch = InvoiceBatch.objects.create(
            organizer=organizer, title=title, due_on=due_on, network=network, created_by=actor
        )
        try:
            with transaction.atomic():
                invoices = draft_invoices(charges, batch=batch, actor=actor)
        except IntegrityError as error:
            raise ValidationError(
                _("Some of the charges were put on another batch at the same time. Try again.")
            ) from error
        if not invoices:
            raise ValidationError(_("Nothing is due up to %(date)s.") % {"date": date_format(due_on, "j F Y")})
    return batch


def _locked_draft(batch: InvoiceBatch) -> InvoiceBatch:
    locked = InvoiceBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != InvoiceBatch.Status.DRAFT:
        raise ValidationError(_("The batch is approved already and can no longer be changed."))
    return locked


def batch_remove_invoice(batch: InvoiceBatch, invoice: Invoice, actor) -> None:
    """Remove a draft invoice from a draft batch; its charges are due again (and go on a later batch)."""
    require_finance(actor, batch.organizer_id)
    with transaction.atomic(), acting_as(actor):
        _locked_draft(batch)
        locked = Invoice.objects.select_for_update().filter(pk=invoice.pk, batch=batch).first()
        if locked is None:
            raise ValidationError(_("The invoice is not in this batch."))
        if locked.status != Invoice.Status.DRAFT:
            raise ValidationError(_("Only a draft invoice can be removed."))
        locked.delete()  # its lines go with it, so their charges are due again


def batch_discard(batch: InvoiceBatch, actor) -> None:
    """Discard a draft batch and its draft invoices; all their charges are due again."""
    require_finance(actor, batch.organizer_id)
    with transaction.atomic(), acting_as(actor):
        locked = _locked_draft(batch)
        if locked.invoices.exclude(status=Invoice.Status.DRAFT).exists():
            raise ValidationError(_("The batch has issued invoices and cannot be discarded."))
        for invoice in locked.invoices.all():
            invoice.delete()
        locked.delete()


def batch_approve(batch: InvoiceBatch, actor) -> InvoiceBatch:
    """Issue all the batch's drafts (numbers, dates, OCR) and approve the batch; all or nothing."""
    from billing.invoicing import issue_invoices

    require_finance(actor, batch.organizer_id)
    with transaction.atomic(), acting_as(actor):
        locked = _locked_draft(batch)
        drafts = list(locked.invoices.filter(status=Invoice.Status.DRAFT).order_by("pk"))
        if not drafts:
            raise ValidationError(_("The batch has no invoices to approve."))
        issue_invoices(drafts, actor=actor)
        locked.status = InvoiceBatch.Status.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
    return locked


def sendable(batch: InvoiceBatch) -> QuerySet[Invoice]:
    """The batch's invoices still to e-mail: issued, not sent, with a buyer e-mail."""
    return batch.invoices.filter(status=Invoice.Status.ISSUED, sent_at__isnull=True).exclude(buyer_email="")


def without_email(batch: InvoiceBatch) -> QuerySet[Invoice]:
    return batch.invoices.filter(status=Invoice.Status.ISSUED, sent_at__isnull=True, buyer_email="")


@dataclass
class SendResult:
    queued: list[int] = field(default_factory=list)
    without_email: list[Invoice] = field(default_factory=list)


def batch_send(batch: InvoiceBatch, actor) -> SendResult:
    """Queue the e-mail of each issued, not yet sent invoice of an approved batch (after the commit)."""
    from billing.tasks import send_invoice

    require_finance(actor, batch.organizer_id)
    with transaction.atomic(), acting_as(actor):
        locked = InvoiceBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == InvoiceBatch.Status.DRAFT:
            raise ValidationError(_("Approve the batch before sending it."))
        result = SendResult(
            queued=list(sendable(locked).order_by("sequence", "pk").values_list("pk", flat=True)),
            without_email=list(without_email(locked).order_by("sequence", "pk")),
        )
        # A failed send is retried from the start: its error is cleared when it is queued again.
        Invoice.objects.filter(pk__in=result.queued).exclude(send_error="").update(send_error="")
        for invoice_id in result.queued:
            transaction.on_commit(lambda invoice_id=invoice_id: send_invoice.delay(invoice_id))
        mark_sent_if_done(locked)
    return result


def mark_sent_if_done(batch: InvoiceBatch) -> bool:
    """The approved batch becomes "sent" once no invoice with a buyer e-mail is left to send."""
    if batch.status != InvoiceBatch.Status.APPROVED or sendable(batch).exists():
        return False
    if not batch.invoices.filter(Q(sent_at__isnull=False) | ~Q(status=Invoice.Status.ISSUED)).exists():
        return False  # nothing was sent at all (no invoice has an e-mail): it stays approved
    updated = InvoiceBatch.objects.filter(pk=batch.pk, status=InvoiceBatch.Status.APPROVED).update(
        status=InvoiceBatch.Status.SENT
    )
    batch.status = InvoiceBatch.Status.SENT
    return bool(updated)


def batch_summary(batch: InvoiceBatch) -> dict:
    """Totals per network and overall, in two queries."""
    invoices = batch.invoices.all()
    per_network = list(
        invoices.values("network_id", "network__title")
        .annotate(
            count=Count("pk"),
            excl_vat=Sum("total_excl_vat"),
            vat=Sum("total_vat"),
            incl_vat=Sum("total_incl_vat"),
        )
        .order_by("network__title")
    )
    overall = invoices.aggregate(
        count=Count("pk"), excl_vat=Sum("total_excl_vat"), vat=Sum("total_vat"), incl_vat=Sum("total_incl_vat")
    )
    return {"per_network": per_network, "overall": overall}
