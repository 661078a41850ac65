"""Signal receivers of meetings (connected in MeetingsConfig.ready)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from meetings.models import HomeworkSubmission


@receiver(post_delete, sender=HomeworkSubmission, dispatch_uid="meetings.hand_in_file_deleted")
def delete_hand_in_file(sender, instance: HomeworkSubmission, **kwargs) -> None:
    """A hand-in deleted (also with its homework, meeting or membership) takes its stored file with it,
    once the deletion is committed."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
