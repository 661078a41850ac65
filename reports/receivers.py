"""Signal receivers of reports (connected in ReportsConfig.ready)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from reports.models import StoredDocument


@receiver(post_delete, sender=StoredDocument, dispatch_uid="reports.stored_document_file_deleted")
def delete_stored_document_file(sender, instance: StoredDocument, **kwargs) -> None:
    """A stored document deleted (also with its network) takes its file with it, once the deletion is committed."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
