"""The network's final report (the lead's own sections) and heavy documents rendered in the background."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import history
from core.storage import private_storage

SECTION_MAX_LENGTH = 20_000


class FinalReport(models.Model):
    """What the lead writes in a network's final report; the rest of the report comes from the data.

    The shape of seed 004: summary, method, strengths, recommendations and next steps (Markdown).
    """

    network = models.OneToOneField("networks.Network", on_delete=models.CASCADE, related_name="final_report")
    summary = models.TextField(_("summary"), blank=True, max_length=SECTION_MAX_LENGTH)
    method = models.TextField(_("method"), blank=True, max_length=SECTION_MAX_LENGTH)
    strengths = models.TextField(_("strengths"), blank=True, max_length=SECTION_MAX_LENGTH)
    recommendations = models.TextField(_("recommendations"), blank=True, max_length=SECTION_MAX_LENGTH)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=SECTION_MAX_LENGTH)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = history()

    SECTIONS = ("summary", "method", "strengths", "recommendations", "next_steps")

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")

    def __str__(self):
        return str(self.network)


def stored_document_path(instance: StoredDocument, filename: str) -> str:
    return f"reports/{instance.network_id}/{uuid.uuid4().hex}.{instance.extension}"


class StoredDocument(models.Model):
    """A heavy document (final report, network pack) rendered by a Celery task and kept for reuse.

    ``fingerprint`` is the SHA-256 of everything the document is made from (its HTML): while the data is
    unchanged, asking again serves the stored file instead of rendering it again.
    """

    class Kind(models.TextChoices):
        FINAL_REPORT = "final_report", _("Final report (PDF)")
        NETWORK_PACK = "network_pack", _("Network pack (zip)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being created")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="stored_documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to=stored_document_path, storage=private_storage, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        indexes = [models.Index(fields=["network", "kind", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="stored_document_progress_max_100"),
        ]

    def __str__(self):
        return self.file_name or self.get_kind_display()

    @property
    def extension(self) -> str:
        return "zip" if self.kind == self.Kind.NETWORK_PACK else "pdf"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
