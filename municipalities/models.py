from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr as se_orgnr

from core.audit import history

# A Swedish public body's PEPPOL participant id: scheme 0007 (organisation number).
validate_peppol_id = RegexValidator(
    r"^0007:\d{10}$", _("Use the form 0007:NNNNNNNNNN (0007 and the organisation number).")
)
code_validator = RegexValidator(r"^\d{4}$", _("The code must be four digits, e.g. 0114."))


def validate_orgnr(value: str) -> None:
    try:
        se_orgnr.validate(value)
    except StdnumValidationError:
        raise ValidationError(
            _("%(value)s is not a valid Swedish organisation number (check the digits)."),
            code="invalid_orgnr",
            params={"value": value},
        ) from None


def normalise_orgnr(value: str) -> str:
    """The ten digits without hyphen; invalid input is returned stripped, for the validator to reject."""
    try:
        return se_orgnr.compact(value)
    except StdnumValidationError:
        return (value or "").strip()


class County(models.Model):
    """A län, with its riksområde (NUTS 2) used for geographic spread."""

    code = models.CharField(_("county code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    nuts2_code = models.CharField(_("NUTS 2 code"), max_length=4)
    riksomrade = models.CharField(_("national area (riksområde)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A kommun or a region: the register the whole app refers to."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("Municipality")
        REGION = "region", _("Region")

    class PopulationSource(models.TextChoices):
        SHIPPED = "shipped", _("Shipped figure (source and year unknown)")
        KOLADA = "kolada", _("Kolada N01951")
        MANUAL = "manual", _("Entered by staff")

    class Majority(models.TextChoices):
        CENTRE_RIGHT = "borgerligt", _("Centre-right (M, C, L, KD)")
        CENTRE_RIGHT_SD = "borgerligt_sd", _("Centre-right with SD")
        LEFT = "vanster", _("Left (S, V, MP)")
        CROSS_BLOC = "blockoverskridande", _("Cross-bloc")
        OTHER = "ovrigt", _("Other (local parties only)")
        UNCLEAR = "oklart", _("Unclear")

    code = models.CharField(_("code"), max_length=4, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="municipalities"
    )

    kommungrupp_code = models.CharField(_("SKR municipality group 2023 (code)"), max_length=2, blank=True)
    kommungrupp_name = models.CharField(_("SKR municipality group 2023"), max_length=100, blank=True)
    huvudgrupp_name = models.CharField(_("SKR main group 2023"), max_length=100, blank=True)
    kolada_kommungrupp_id = models.CharField(_("Kolada group id of the municipality group"), max_length=10, blank=True)
    kolada_size_group_id = models.CharField(_("Kolada size-class group id"), max_length=10, blank=True)
    kolada_size_group = models.CharField(_("Kolada size class"), max_length=40, blank=True)

    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    population_source = models.CharField(
        _("population source"), max_length=10, choices=PopulationSource.choices, blank=True
    )

    political_majority = models.CharField(_("political majority"), max_length=20, choices=Majority.choices, blank=True)
    majority_parties = models.CharField(_("parties in the majority"), max_length=200, blank=True)
    kso_party = models.CharField(_("party of the executive board chair (KSO)"), max_length=50, blank=True)
    majority_source = models.CharField(_("source of the political majority"), max_length=200, blank=True)
    majority_source_date = models.DateField(_("date of the political majority source"), null=True, blank=True)

    organisation_number = models.CharField(
        _("organisation number"), max_length=11, blank=True, validators=[validate_orgnr]
    )
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    invoice_address = models.TextField(_("invoice address"), blank=True)
    buyer_reference = models.CharField(_("buyer reference"), max_length=100, blank=True)
    peppol_id = models.CharField(
        _("PEPPOL participant id"),
        max_length=50,
        blank=True,
        validators=[validate_peppol_id],
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = history()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("municipality or region")
        verbose_name_plural = _("municipalities and regions")
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.organisation_number:
            self.organisation_number = normalise_orgnr(self.organisation_number)
            if not self.peppol_id:
                self.peppol_id = f"0007:{self.organisation_number}"
        super().save(*args, **kwargs)

    def clean(self):
        if self.organisation_number:
            self.organisation_number = normalise_orgnr(self.organisation_number)

    @property
    def organisation_number_display(self) -> str:
        if not self.organisation_number:
            return ""
        try:
            return se_orgnr.format(self.organisation_number)
        except StdnumValidationError:
            return self.organisation_number

    @property
    def majority_parties_display(self) -> str:
        """The parties as people write them: "M, KD, S" (stored ;-separated as in SKR's file)."""
        return ", ".join(part.strip() for part in self.majority_parties.split(";") if part.strip())

    @property
    def population_is_confirmed_source(self) -> bool:
        """False while the population is the shipped figure of unknown date (billing needs a confirmation)."""
        return self.population_source in (self.PopulationSource.KOLADA, self.PopulationSource.MANUAL)

    @property
    def riksomrade(self) -> str:
        return self.county.riksomrade


class MunicipalityDomain(models.Model):
    """An e-mail domain of a municipality: a verified address on it links the user automatically."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        unique=True,
        validators=[
            RegexValidator(
                r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
                _("Enter a domain such as vasby.se, without @ or spaces."),
            )
        ],
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class CsvImport(models.Model):
    """An uploaded CSV kept as text, so nothing is lost between the preview and applying it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    content = models.TextField(_("content"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rows_applied = models.PositiveIntegerField(_("rows applied"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows with errors"), default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename or f"#{self.pk}"


class RegisterImport(CsvImport):
    """An uploaded CSV of register facts."""

    class Meta(CsvImport.Meta):
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")


class MajorityImport(CsvImport):
    """An uploaded CSV of political majorities (SKR's list after an election).

    A sibling of ``RegisterImport`` rather than a kind of it: another format,
    another parser and other people (network leads too) may use it.
    """

    class Meta(CsvImport.Meta):
        verbose_name = _("political majority import")
        verbose_name_plural = _("political majority imports")


class Kpi(models.Model):
    """A Kolada key figure (nyckeltal), with the metadata the v3 API gives."""

    class Perspective(models.TextChoices):
        RESOURCES = "Resurser", _("Resources")
        QUALITY = "Kvalitet och resultat", _("Quality and results")
        VOLUMES = "Volymer", _("Volumes")
        OTHER = "Övrigt", _("Other")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Unit(models.TextChoices):
        COST_PER_UNIT = "cost_per_unit", _("Cost per unit (kr per user, pupil or inhabitant)")
        COST_TOTAL = "cost_total", _("Total cost (kr)")
        SHARE = "share", _("Share (%)")
        DEVIATION = "deviation", _("Deviation (can be zero or negative)")
        INDEX = "index", _("Index")
        COUNT = "count", _("Number")
        RATIO = "ratio", _("Ratio (e.g. pupils per teacher)")
        AVERAGE = "average", _("Average (e.g. merit rating, days)")

    id = models.CharField(_("Kolada id"), max_length=20, primary_key=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    operating_area = models.CharField(_("operating area"), max_length=200, blank=True)
    perspective = models.CharField(_("perspective"), max_length=50, blank=True)
    is_divided_by_gender = models.BooleanField(_("divided by gender"), default=False)
    municipality_type = models.CharField(_("municipality type"), max_length=1, blank=True)
    category = models.CharField(
        _("category"), max_length=50, blank=True, help_text=_("Our grouping, e.g. efficiency index or cost.")
    )
    publication_date = models.DateField(_("next publication"), null=True, blank=True)
    publ_period = models.CharField(_("period of the next publication"), max_length=10, blank=True)
    followed = models.BooleanField(
        _("followed"), default=False, help_text=_("Values of followed key figures are synced from Kolada.")
    )
    synced_at = models.DateTimeField(_("metadata synced"), null=True, blank=True)
    # Ours, not Kolada's: what an efficiency model needs to use the key figure soundly.
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=Direction.choices,
        blank=True,
        help_text=_("Whether a higher or a lower value is better. Blank: neither (e.g. population)."),
    )
    unit = models.CharField(
        _("kind of value"),
        max_length=20,
        choices=Unit.choices,
        blank=True,
        help_text=_("Decides where the key figure may be used in an efficiency model. Blank: not yet known."),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self):
        return f"{self.id} {self.title}"


class KpiValue(models.Model):
    """One value of a key figure for a municipality, year and gender (T total, K women, M men)."""

    class Gender(models.TextChoices):
        TOTAL = "T", _("Total")
        WOMEN = "K", _("Women")
        MEN = "M", _("Men")

    kpi = models.ForeignKey(Kpi, verbose_name=_("key figure"), on_delete=models.CASCADE, related_name="values")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="kpi_values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    value = models.FloatField(_("value"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, blank=True, help_text=_("Kolada's mark for uncertain or confidential values.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kpi", "municipality", "year", "gender"]
        verbose_name = _("key figure value")
        verbose_name_plural = _("key figure values")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "municipality", "year", "gender"], name="unique_kpi_value"),
        ]
        indexes = [models.Index(fields=["municipality", "kpi", "year"])]

    def __str__(self):
        return f"{self.kpi_id} {self.municipality_id} {self.year} {self.gender}: {self.value}"


class KoladaSync(models.Model):
    """The log of one sync with Kolada: when, what, how many, and what went wrong."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Partly failed")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    base_url = models.CharField(_("Kolada address"), max_length=200)
    years = models.CharField(_("years"), max_length=50, blank=True)
    kpis_synced = models.PositiveIntegerField(_("key figures synced"), default=0)
    values_written = models.PositiveIntegerField(_("values written"), default=0)
    values_deleted = models.PositiveIntegerField(_("values removed"), default=0)
    requests = models.PositiveIntegerField(_("requests"), default=0)
    register_differences = models.TextField(_("differences from the register"), blank=True)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("Kolada sync")
        verbose_name_plural = _("Kolada syncs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class EfficiencyModel(models.Model):
    """An area's efficiency as a network lead defines it: quality × volume / resource (SKR), made sound.

    The rules and the computation are in ``municipalities/efficiency_models.py``;
    the results are our calculation from Kolada's values, never Kolada's own.
    """

    organizer = models.ForeignKey(
        "networks.Organizer",
        verbose_name=_("organiser"),
        on_delete=models.CASCADE,
        related_name="efficiency_models",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = history()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("efficiency model")
        verbose_name_plural = _("efficiency models")

    def __str__(self):
        return self.name


class EfficiencyModelKpi(models.Model):
    """One key figure of an efficiency model, in the role of quality, volume or resource."""

    class Role(models.TextChoices):
        QUALITY = "quality", _("Quality or result")
        VOLUME = "volume", _("Volume")
        RESOURCE = "resource", _("Resource")

    model = models.ForeignKey(
        EfficiencyModel, verbose_name=_("efficiency model"), on_delete=models.CASCADE, related_name="components"
    )
    kpi = models.ForeignKey(Kpi, verbose_name=_("key figure"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    history = history()

    class Meta:
        ordering = ["model", "role", "kpi"]
        verbose_name = _("key figure of an efficiency model")
        verbose_name_plural = _("key figures of efficiency models")
        constraints = [models.UniqueConstraint(fields=["model", "kpi"], name="unique_efficiency_model_kpi")]

    def __str__(self):
        return f"{self.model}: {self.get_role_display()} {self.kpi_id}"
