"""Heavy documents rendered in the background, stored, and reused until what they are made from changes.

- Each kind of stored document (``StoredDocument.Kind``) has a ``Builder``: ``source(network)`` is what
  the document is made from (its HTML), ``build(network, progress)`` makes the file and returns
  ``(bytes, file name, pages)``. The final report is registered here; another app registers its own
  kind with ``register_builder`` (e.g. the network pack, from its ``AppConfig.ready``).
- ``request_document`` takes the fingerprint (SHA-256) of the source. A finished document with the same
  fingerprint is reused as it is; one with the same fingerprint still waiting or being made is returned
  instead of starting a second; otherwise a new one is made by the Celery task
  ``reports.tasks.render_stored_document`` after the commit.
- ``render_document`` (the task's body) claims the document with a conditional update, so running it
  twice, or for a finished document, does nothing. It reports its progress on the row (``progress``,
  ``step``) for the page's progress bar, and on an error marks the document failed with a message for
  the user (the traceback goes to the log).
- Only the latest ``KEEP`` finished documents per network and kind are kept; the files of older ones go
  with their rows (``reports.receivers``). A document waiting or being made for longer than
  ``STALE_AFTER`` (a worker that died) counts as failed, so it can be asked for again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.models import Network
from reports import final_report
from reports.models import StoredDocument
from reports.pdf import DOCUMENT_LANGUAGE

logger = logging.getLogger(__name__)

Kind = StoredDocument.Kind
Status = StoredDocument.Status
Progress = Callable[[int, str], None]

KEEP = 3
STALE_AFTER = timedelta(minutes=30)
UNFINISHED = (Status.PENDING, Status.RUNNING)
FAILED_MESSAGE = gettext_lazy(
    "The document could not be created. Try again in a while; if it fails again, contact the system administrator."
)
STALE_MESSAGE = gettext_lazy("Creating the document took too long and was stopped. Try again.")


@dataclass(frozen=True)
class Builder:
    source: Callable[[Network], str]  # what the document is made from (its HTML): the fingerprint's input
    build: Callable[[Network, Progress], tuple[bytes, str, int]]  # (file's bytes, file name, pages)
    content_type: str = "application/pdf"
    # Whether a page compares the stored document with the data now (renders the source on every view);
    # when not (the pack: every document's HTML), asking again still reuses it if nothing changed.
    checked_on_page: bool = True


BUILDERS: dict[str, Builder] = {}


def register_builder(kind: str, builder: Builder) -> None:
    """Make ``kind`` (a ``StoredDocument.Kind``) a document that can be requested; the last registration wins."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind of stored document: {kind!r}")
    BUILDERS[kind] = builder


def fingerprint(*parts: str | bytes) -> str:
    """SHA-256 of what a document is made from (each part length-prefixed, so parts cannot run together)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else bytes(part)
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def current_fingerprint(network: Network, kind: str) -> str:
    return fingerprint(BUILDERS[kind].source(network))


def latest_document(network: Network, kind: str) -> StoredDocument | None:
    return StoredDocument.objects.filter(network=network, kind=kind).order_by("-requested_at", "-pk").first()


def _file_exists(document: StoredDocument) -> bool:
    return bool(document.file) and document.file.storage.exists(document.file.name)


def _fail_stale(network: Network, kind: str, now) -> None:
    with translation.override(DOCUMENT_LANGUAGE):
        message = str(STALE_MESSAGE)
    StoredDocument.objects.filter(
        network=network, kind=kind, status__in=UNFINISHED, requested_at__lt=now - STALE_AFTER
    ).update(status=Status.FAILED, error=message, step="", finished_at=now)


def request_document(network: Network, kind: str, user, *, source_fingerprint: str | None = None) -> StoredDocument:
    """The document of ``kind`` for the network's data as it is now: a stored one when there is one,
    else a new one, made by the Celery task after the commit.

    ``source_fingerprint`` saves rendering the source again when the caller has just taken it.
    """
    if kind not in BUILDERS:
        raise ValueError(f"no builder for {kind!r}")
    print_ = source_fingerprint or current_fingerprint(network, kind)
    now = timezone.now()
    with transaction.atomic():
        # One request at a time per network, so two clicks cannot both start the same document.
        Network.objects.select_for_update().filter(pk=network.pk).values_list("pk", flat=True).first()
        _fail_stale(network, kind, now)
        same = StoredDocument.objects.filter(network=network, kind=kind, fingerprint=print_).order_by(
            "-requested_at", "-pk"
        )
        unfinished = same.filter(status__in=UNFINISHED).first()
        if unfinished is not None:
            return unfinished
        done = same.filter(status=Status.DONE).first()
        if done is not None and _file_exists(done):
            return done
        with translation.override(DOCUMENT_LANGUAGE):
            step = _("Waiting for its turn")
        document = StoredDocument.objects.create(
            network=network, kind=kind, fingerprint=print_, requested_by=user, step=step
        )
        document_id = document.pk

        def enqueue():
            from reports.tasks import render_stored_document

            render_stored_document.delay(document_id)

        transaction.on_commit(enqueue)
    return document


def _progress(document_id: int) -> Progress:
    def report(percent: int, step: str) -> None:
        StoredDocument.objects.filter(pk=document_id, status=Status.RUNNING).update(
            progress=max(1, min(int(percent), 99)), step=str(step)[:200]
        )

    return report


def render_document(document_id: int) -> bool:
    """Make the stored document ``document_id`` if it is still waiting (the Celery task's body).

    Returns True when this call made it; False when there was nothing to do (already taken, finished or
    deleted) or it failed (then it is marked failed, with a message for the user).
    """
    with translation.override(DOCUMENT_LANGUAGE):
        claimed = StoredDocument.objects.filter(pk=document_id, status=Status.PENDING).update(
            status=Status.RUNNING, progress=1, step=_("Started")
        )
        if not claimed:
            return False
        document = StoredDocument.objects.select_related("network__organizer").get(pk=document_id)
        try:
            builder = BUILDERS[document.kind]
            data, name, pages = builder.build(document.network, _progress(document_id))
        except Exception:
            logger.exception(
                "Stored document %s (%s) of network %s failed", document_id, document.kind, document.network_id
            )
            StoredDocument.objects.filter(pk=document_id, status=Status.RUNNING).update(
                status=Status.FAILED, error=str(FAILED_MESSAGE), step="", finished_at=timezone.now()
            )
            prune(document.network_id, document.kind)
            return False
        stored_name = document.file.storage.save(
            document.file.field.generate_filename(document, name), ContentFile(data)
        )
        finished = StoredDocument.objects.filter(pk=document_id, status=Status.RUNNING).update(
            status=Status.DONE,
            progress=100,
            step="",
            error="",
            file=stored_name,
            file_name=name[:200],
            size=len(data),
            pages=pages,
            finished_at=timezone.now(),
        )
    if not finished:  # deleted (or stopped as stale) while it was being made: the file has no row
        document.file.storage.delete(stored_name)
        return False
    prune(document.network_id, document.kind)
    return True


def prune(network_id: int, kind: str, keep: int = KEEP) -> int:
    """Delete all but the latest ``keep`` finished documents of the network and kind (their files after the
    commit, by ``reports.receivers``); return how many were deleted."""
    finished = StoredDocument.objects.filter(network_id=network_id, kind=kind).exclude(status__in=UNFINISHED)
    old = list(finished.order_by("-requested_at", "-pk").values_list("pk", flat=True)[keep:])
    if not old:
        return 0
    deleted = 0
    for document in StoredDocument.objects.filter(pk__in=old):
        document.delete()
        deleted += 1
    return deleted


# --- The final report -----------------------------------------------------------------------------


def _final_report_build(network: Network, progress: Progress) -> tuple[bytes, str, int]:
    data, pages = final_report.final_report_document(network, progress)
    return data, final_report.final_report_file_name(network), pages


register_builder(
    Kind.FINAL_REPORT,
    Builder(source=lambda network: final_report.final_report_source(network), build=_final_report_build),
)
