"""An issued invoice never changes: the guard against changing or deleting it (or its lines).

Connected when this module is imported (``billing.invoicing`` imports it; ``BillingConfig.ready`` should too).
Once an invoice has left the draft status only its delivery and payment state may change (``MUTABLE_FIELDS``:
the status moving on to sent, paid or credited, the times it was sent or paid, the send error, the batch);
its number, dates, parties, totals and lines are fixed, and neither it nor its lines may be deleted. A mistake is
corrected by a credit note (``billing.invoicing.credit_invoice``).

Signals cover ``save()`` and ``delete()`` (a queryset's ``delete()`` too); ``QuerySet.update()`` sends none, so
code must not use it on issued invoices' fixed fields.
"""

from __future__ import annotations

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from billing.models import Invoice, InvoiceLine

# What may still change on an issued invoice.
MUTABLE_FIELDS = frozenset({"status", "sent_at", "send_started_at", "send_error", "paid_at", "batch"})


class ImmutableInvoiceError(Exception):
    """An attempt to change or delete an issued invoice or one of its lines."""


def _fixed_fields(update_fields) -> list:
    fields = [f for f in Invoice._meta.concrete_fields if not f.primary_key and f.name not in MUTABLE_FIELDS]
    if update_fields is not None:
        wanted = set(update_fields)
        fields = [f for f in fields if f.name in wanted or f.attname in wanted]
    return fields


@receiver(pre_save, sender=Invoice, dispatch_uid="billing-issued-invoice-is-immutable")
def refuse_changing_an_issued_invoice(sender, instance: Invoice, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    stored = Invoice.objects.filter(pk=instance.pk).first()
    if stored is None or stored.status == Invoice.Status.DRAFT:
        return
    if instance.status == Invoice.Status.DRAFT and (update_fields is None or "status" in update_fields):
        raise ImmutableInvoiceError(f"Invoice {stored.number} is issued and cannot become a draft again.")
    changed = [
        f.name for f in _fixed_fields(update_fields) if getattr(instance, f.attname) != getattr(stored, f.attname)
    ]
    if changed:
        raise ImmutableInvoiceError(
            f"Invoice {stored.number} is issued and cannot be changed ({', '.join(changed)}); "
            "correct it with a credit note."
        )


@receiver(pre_delete, sender=Invoice, dispatch_uid="billing-issued-invoice-is-not-deleted")
def refuse_deleting_an_issued_invoice(sender, instance: Invoice, **kwargs):
    if Invoice.objects.filter(pk=instance.pk).exclude(status=Invoice.Status.DRAFT).exists():
        raise ImmutableInvoiceError(f"Invoice {instance.number} is issued and cannot be deleted.")


def _line_is_fixed(invoice_id) -> bool:
    return Invoice.objects.filter(pk=invoice_id).exclude(status=Invoice.Status.DRAFT).exists()


@receiver(pre_save, sender=InvoiceLine, dispatch_uid="billing-issued-invoice-line-is-immutable")
def refuse_changing_a_line_of_an_issued_invoice(sender, instance: InvoiceLine, raw=False, **kwargs):
    if raw:
        return
    invoice_ids = {instance.invoice_id}
    if instance.pk is not None:  # a line moved from an issued invoice is a change of that invoice too
        invoice_ids |= set(InvoiceLine.objects.filter(pk=instance.pk).values_list("invoice_id", flat=True))
    if any(_line_is_fixed(invoice_id) for invoice_id in invoice_ids):
        raise ImmutableInvoiceError("The lines of an issued invoice cannot be added or changed.")


@receiver(pre_delete, sender=InvoiceLine, dispatch_uid="billing-issued-invoice-line-is-not-deleted")
def refuse_deleting_a_line_of_an_issued_invoice(sender, instance: InvoiceLine, **kwargs):
    if _line_is_fixed(instance.invoice_id):
        raise ImmutableInvoiceError("The lines of an issued invoice cannot be deleted.")
