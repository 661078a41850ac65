from django.db import models
from django.utils.translation import gettext_lazy as _


class SentEmail(models.Model):
    """One row per e-mail that must never go out twice (receipts, reminders, invoices).

    ``key`` names the occasion and recipient, e.g. ``receipt:42:v3:anna@example.se``.
    The row is inserted before sending, so a task that runs twice finds it and stops.
    """

    key = models.CharField(_("key"), max_length=255, unique=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self):
        return self.key
