from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import history
from municipalities.models import normalise_orgnr, validate_orgnr


class Organizer(models.Model):
    """An arrangör (SKR, RKA, KSL …): invites to networks and is the seller on invoices.

    The legal identity survives renames: SKL became SKR in 2019 with the same
    organisation number and invoice series, so a rename edits ``name`` and adds
    the old name to ``former_names``.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=30)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    former_names = models.CharField(
        _("former names"), max_length=300, blank=True, help_text=_("Earlier names, comma-separated, e.g. SKL.")
    )
    organisation_number = models.CharField(
        _("organisation number"), max_length=11, blank=True, validators=[validate_orgnr]
    )
    vat_number = models.CharField(
        _("VAT number"),
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^SE\d{10}01$", _("Use the form SE + organisation number + 01."))],
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    bankgiro = models.CharField(
        _("bankgiro"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{3,4}-\d{4}$", _("Use the form NNN-NNNN or NNNN-NNNN."))],
    )
    f_skatt = models.BooleanField(_("approved for F-tax"), default=False)
    logo = models.ImageField(_("logo"), upload_to="organizers/logos/", blank=True)
    invoice_number_prefix = models.CharField(
        _("invoice number prefix"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9-]*$", _("Capital letters, digits and hyphens only."))],
    )

    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_number"],
                condition=~models.Q(organisation_number=""),
                name="unique_organizer_orgnr",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.organisation_number:
            self.organisation_number = normalise_orgnr(self.organisation_number)
        super().save(*args, **kwargs)
