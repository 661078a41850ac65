"""Where files that must never be public (attachments, hand-ins) are stored."""


def private_storage():
    """The ``private`` storage of settings.STORAGES: served only through views that check permissions."""
    from django.core.files.storage import storages

    return storages["private"]
