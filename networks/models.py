from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import history
from municipalities.models import normalise_orgnr, validate_orgnr, validate_peppol_id


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


class Network(models.Model):
    """One invitation and its cohort of municipalities (a nätverk)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        SELECTION = "selection", _("Selection")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        ARCHIVED = "archived", _("Archived")

    class Eligibility(models.TextChoices):
        MUNICIPALITIES = "municipalities", _("Municipalities")
        REGIONS = "regions", _("Regions")
        BOTH = "both", _("Municipalities and regions")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address name"),
        max_length=80,
        unique=True,
        help_text=_("The part of the address after /natverk/, e.g. effektivare-kommun."),
    )
    organizer = models.ForeignKey(
        Organizer,
        verbose_name=_("invoicing organiser"),
        on_delete=models.PROTECT,
        related_name="networks",
    )
    co_organizers = models.ManyToManyField(
        Organizer, verbose_name=_("co-organisers"), blank=True, related_name="co_organized_networks"
    )
    previous_cohort = models.ForeignKey(
        "self",
        verbose_name=_("previous cohort"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_cohorts",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    # The invitation's texts (Markdown, rendered sanitised).
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences for the catalogue."))
    background = models.TextField(_("background"), blank=True)
    purpose = models.TextField(_("purpose and goals"), blank=True)
    working_forms = models.TextField(_("working forms"), blank=True)
    timetable_note = models.TextField(
        _("timetable note"), blank=True, help_text=_("Shown under Timetable, e.g. the plan before meetings are dated.")
    )
    cost_note = models.TextField(
        _("cost note"), blank=True, help_text=_("Shown under Cost, e.g. that travel is paid by the municipality.")
    )
    selection_process = models.TextField(_("selection process"), blank=True)
    application_requirements = models.TextField(_("what the application must contain"), blank=True)
    contact_text = models.TextField(_("information and contact"), blank=True)

    period_start = models.DateField(_("start"), null=True, blank=True)
    period_end = models.DateField(_("end"), null=True, blank=True)
    period_text = models.CharField(
        _("period as text"), max_length=200, blank=True, help_text=_("E.g. “Autumn 2021 to spring 2023”.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=10)
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    application_deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    eligibility = models.CharField(
        _("who may apply"), max_length=20, choices=Eligibility.choices, default=Eligibility.MUNICIPALITIES
    )
    participants_min = models.PositiveSmallIntegerField(
        _("participants per municipality, at least"), null=True, blank=True
    )
    participants_max = models.PositiveSmallIntegerField(
        _("participants per municipality, at most"), null=True, blank=True
    )
    requires_problem_description = models.BooleanField(
        _("requires a current-state analysis and problem description"), default=False
    )
    efficiency_models = models.ManyToManyField(
        "municipalities.EfficiencyModel",
        verbose_name=_("efficiency models for the need of support"),
        blank=True,
        related_name="networks",
        help_text=_(
            "The selection's need-of-support score is computed from these models. "
            "Without any, RKA's efficiency indices in Kolada are used."
        ),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = history(m2m_fields=[co_organizers])

    class Meta:
        ordering = ["-application_deadline", "title"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants_min__isnull=True)
                | models.Q(participants_max__isnull=True)
                | models.Q(participants_min__lte=models.F("participants_max")),
                name="network_participants_min_le_max",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_end__isnull=True)
                | models.Q(period_start__lte=models.F("period_end")),
                name="network_period_start_le_end",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="network_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def accepts_applications(self, at=None) -> bool:
        """Open for applications at ``at`` (now): status open, opened and not past the deadline."""
        at = at or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.applications_open_at and at < self.applications_open_at:
            return False
        return not (self.application_deadline and at > self.application_deadline)

    def accepts_municipality(self, municipality) -> bool:
        if self.eligibility == self.Eligibility.BOTH:
            return True
        wanted = "kommun" if self.eligibility == self.Eligibility.MUNICIPALITIES else "region"
        return municipality.kind == wanted


class NetworkContact(models.Model):
    """A person to contact about the network (usually its leads), shown on the invitation."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True, help_text=_("E.g. project leader."))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_contacts",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["network", "order", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name


class NetworkCommitment(models.Model):
    """Something a participating municipality must commit to (utfästelse)."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Leadership decision")
        STEERING_GROUP = "steering_group", _("Steering group")
        CONTACT_PERSON = "contact_person", _("Contact person")
        WORKING_GROUP = "working_group", _("Working group")
        PROJECT_GROUP = "project_group", _("Local project group")
        TIME = "time", _("Time set aside")
        OTHER = "other", _("Other")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("commitment"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["network", "order", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return self.title


class NetworkParticipantRole(models.Model):
    """A role the network wants among each municipality's participants (e.g. ekonomi, HR)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="participant_roles")
    title = models.CharField(_("role"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["network", "order", "pk"]
        verbose_name = _("participant role")
        verbose_name_plural = _("participant roles")
        constraints = [models.UniqueConstraint(fields=["network", "title"], name="unique_network_participant_role")]

    def __str__(self):
        return self.title


class ReviewCriterion(models.Model):
    """What the network's leads score each application on (0–5)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="review_criteria")
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["network", "order", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self):
        return self.title


class Membership(models.Model):
    """A municipality taking part in a network (created by a decision, or directly)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left the network")

    class Source(models.TextChoices):
        DECISION = "decision", _("Selection decision")
        DIRECT = "direct", _("Direct invitation")

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="memberships")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(_("how it began"), max_length=10, choices=Source.choices, default=Source.DECISION)
    started_on = models.DateField(_("started"), null=True, blank=True)
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership",
    )
    # Invoice details, copied from the application or completed by the representative.
    invoice_orgnr = models.CharField(_("organisation number"), max_length=11, blank=True, validators=[validate_orgnr])
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    invoice_address = models.TextField(_("invoice address"), blank=True)
    buyer_reference = models.CharField(_("your reference"), max_length=100, blank=True)
    peppol_id = models.CharField(_("PEPPOL participant id"), max_length=50, blank=True, validators=[validate_peppol_id])
    left_on = models.DateField(_("left"), null=True, blank=True)
    left_reason = models.TextField(_("reason for leaving"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = history()

    class Meta:
        ordering = ["network", "municipality__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["network", "municipality"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.municipality} – {self.network}"

    @property
    def invoice_details_complete(self) -> bool:
        return bool(self.invoice_orgnr and (self.invoice_address or self.peppol_id))


class ParticipantGroup(models.TextChoices):
    """The groups a participant belongs to in the network; meetings are for one or more of them."""

    STEERING_GROUP = "steering_group", _("Steering group")
    PROJECT_LEADER = "project_leader", _("The municipality's project leader")
    WORKING_GROUP = "working_group", _("Working group")
    REFERENCE_GROUP = "reference_group", _("Reference group")


class MembershipParticipant(models.Model):
    """A person taking part for a member municipality (name, e-mail, title, role, groups)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    title = models.CharField(_("job title"), max_length=150, blank=True)
    role = models.CharField(_("role in the network"), max_length=150, blank=True)
    groups = models.JSONField(_("takes part in"), default=list, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    # Raised to revoke the participant's signed personal links (meetings.links).
    link_version = models.PositiveIntegerField(default=1, editable=False)

    history = history()

    class Meta:
        ordering = ["membership", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["membership", "email"], name="unique_membership_participant_email"),
        ]

    def __str__(self):
        return self.name

    def get_groups_display(self) -> str:
        labels = dict(ParticipantGroup.choices)
        return ", ".join(str(labels[group]) for group in self.groups if group in labels)


class MembershipCommitment(models.Model):
    """A member municipality's confirmation of one of the network's commitments."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="commitments")
    commitment = models.ForeignKey(NetworkCommitment, on_delete=models.PROTECT, related_name="+")
    confirmed = models.BooleanField(_("confirmed"), default=False)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_reference = models.CharField(_("reference number (diarienummer)"), max_length=100, blank=True)
    decision_pending = models.BooleanField(_("decision expected"), default=False)
    expected_date = models.DateField(_("decision expected on"), null=True, blank=True)
    details = models.TextField(_("details"), blank=True, help_text=_("E.g. the names in the steering group."))
    # The lead's receipt (e.g. of the leadership decision); reminders go to the municipality until then.
    received_at = models.DateTimeField(_("received by the lead"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = history()

    class Meta:
        ordering = ["membership", "commitment__order", "commitment__pk"]
        verbose_name = _("commitment of a member")
        verbose_name_plural = _("commitments of members")
        constraints = [
            models.UniqueConstraint(fields=["membership", "commitment"], name="unique_membership_commitment"),
        ]

    def __str__(self):
        return str(self.commitment)
