from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import history
from core.storage import private_storage
from municipalities.models import validate_orgnr, validate_peppol_id


class Application(models.Model):
    """A municipality's intresseanmälan to one network (one per municipality and network)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        WAITLIST = "waitlist", _("Waiting list")
        REJECTED = "rejected", _("Not accepted")

    class Lock(models.TextChoices):
        IN = "in", _("Locked in")
        OUT = "out", _("Locked out")

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="applications")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )

    motivation = models.TextField(_("why the municipality wants to join"), blank=True)
    # Nulägesanalys och problembeskrivning, structured.
    problem_area = models.CharField(_("area"), max_length=200, blank=True)
    current_state = models.TextField(_("current state"), blank=True)
    problem = models.TextField(_("problem"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    referenced_kpis = models.ManyToManyField(
        "municipalities.Kpi", blank=True, related_name="+", verbose_name=_("referenced key figures")
    )

    # Invoice details (prefilled from the register, offered back to it).
    invoice_orgnr = models.CharField(_("organisation number"), max_length=11, blank=True, validators=[validate_orgnr])
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    invoice_address = models.TextField(_("invoice address"), blank=True)
    buyer_reference = models.CharField(_("your reference"), max_length=100, blank=True)
    peppol_id = models.CharField(
        _("PEPPOL participant id"),
        max_length=50,
        blank=True,
        validators=[validate_peppol_id],
    )
    update_register = models.BooleanField(
        _("also save the invoice details in the municipality register"), default=False
    )

    version = models.PositiveIntegerField(_("submitted version"), default=0)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    # The selection decision (applications/decisions.py): set by a lead, seen by the
    # municipality only once published.
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    waitlist_rank = models.PositiveSmallIntegerField(_("place on the waiting list"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    selection_lock = models.CharField(_("locked in the selection"), max_length=3, choices=Lock.choices, blank=True)
    overrides_proposal = models.BooleanField(_("departs from the proposal"), default=False)
    override_reason = models.TextField(_("reason for departing from the proposal"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    published_decision = models.CharField(_("published decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_published_at = models.DateTimeField(_("decision published"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = history()

    class Meta:
        ordering = ["network", "municipality__name"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["network", "municipality"], name="unique_application_per_municipality"),
            models.CheckConstraint(
                condition=models.Q(waitlist_rank__isnull=True) | models.Q(decision="waitlist"),
                name="application_rank_only_on_waitlist",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} – {self.network}"


class ApplicationCommitment(models.Model):
    """The municipality's confirmation of one of the network's commitments, with its details."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="commitments")
    commitment = models.ForeignKey("networks.NetworkCommitment", on_delete=models.PROTECT, related_name="+")
    confirmed = models.BooleanField(_("confirmed"), default=False)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_reference = models.CharField(_("reference number (diarienummer)"), max_length=100, blank=True)
    decision_pending = models.BooleanField(_("decision expected"), default=False)
    expected_date = models.DateField(_("decision expected on"), null=True, blank=True)
    details = models.TextField(_("details"), blank=True, help_text=_("E.g. the names in the steering group."))

    history = history()

    class Meta:
        ordering = ["application", "commitment__order", "commitment__pk"]
        verbose_name = _("commitment in the application")
        verbose_name_plural = _("commitments in the application")
        constraints = [
            models.UniqueConstraint(fields=["application", "commitment"], name="unique_application_commitment"),
        ]

    def __str__(self):
        return str(self.commitment)


class ProposedParticipant(models.Model):
    """A person the municipality proposes to take part (name, e-mail, title, role)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    title = models.CharField(_("job title"), max_length=150, blank=True)
    role = models.CharField(_("role in the network"), max_length=150, blank=True)

    history = history()

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("proposed participant")
        verbose_name_plural = _("proposed participants")

    def __str__(self):
        return self.name


def attachment_path(instance, filename):
    # The stored name never comes from the user; the original name is kept in a field.
    return f"applications/{instance.application_id}/{instance.token}"


class ApplicationAttachment(models.Model):
    """A file attached to an application (PDF, DOCX, ODT, XLSX up to 10 MB), stored privately."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=64, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ApplicationVersion(models.Model):
    """What was submitted, as it was: one immutable snapshot per submission."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(_("content"))

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_application_version"),
        ]

    def __str__(self):
        return f"{self.application} v{self.number}"


class Review(models.Model):
    """One reviewer's score of one application on one criterion; no score means "ej bedömd"."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    criterion = models.ForeignKey("networks.ReviewCriterion", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(5)], help_text=_("0–5; empty = not assessed")
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = history()

    class Meta:
        ordering = ["application", "criterion__order", "reviewer"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion", "reviewer"], name="unique_review"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=5), name="review_score_0_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.application} / {self.criterion}: {self.score}"


class SelectionRules(models.Model):
    """A network's rules for the selection proposal (``applications/selection.py``); defaults follow the seeds."""

    class Coverage(models.TextChoices):
        AREA = "area", _("National areas (riksområden)")
        COUNTY = "county", _("Counties")
        NONE = "", _("No bonus for spread")

    network = models.OneToOneField(
        "networks.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="selection_rules"
    )
    weight_score = models.FloatField(
        _("weight of the review score"), default=1.0, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    weight_need = models.FloatField(
        _("weight of the need of support"), default=0.0, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    coverage = models.CharField(
        _("spread over"), max_length=10, choices=Coverage.choices, blank=True, default=Coverage.AREA
    )
    coverage_bonus = models.FloatField(
        _("bonus per area covered"), default=0.5, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    # size class key (municipalities.classification) -> number of places
    size_min = models.JSONField(_("at least, per size class"), default=dict, blank=True)
    size_max = models.JSONField(_("at most, per size class"), default=dict, blank=True)
    bloc_max_difference = models.PositiveSmallIntegerField(
        _("political balance: largest difference between the blocs"), null=True, blank=True
    )
    county_max = models.PositiveSmallIntegerField(_("at most per county"), null=True, blank=True)
    offer_days = models.PositiveSmallIntegerField(
        _("days to answer an offer from the waiting list"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    history = history()

    class Meta:
        verbose_name = _("selection rules")
        verbose_name_plural = _("selection rules")

    def __str__(self):
        return str(self.network)


class SelectionRun(models.Model):
    """One run of the optimiser: the rules, locks and the proposal as they were (the urval's record)."""

    class Status(models.TextChoices):
        OPTIMAL = "optimal", _("Proven optimum")
        INFEASIBLE = "infeasible", _("The rules cannot all hold")
        ALL = "all", _("Room for every applicant")

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="selection_runs")
    created_at = models.DateTimeField(_("run"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("result"), max_length=12, choices=Status.choices)
    capacity = models.PositiveSmallIntegerField(_("places"))
    applicants = models.PositiveSmallIntegerField(_("applicants"))
    objective = models.FloatField(_("objective value"), null=True, blank=True)
    seconds = models.FloatField(_("solve time in seconds"), default=0)
    rules = models.JSONField(_("rules"), default=dict)
    # application pk (as str, JSON keys) -> the candidate's facts at the time of the run
    candidates = models.JSONField(_("applicants as they were"), default=dict)
    chosen = models.JSONField(_("proposed applications"), default=list)
    result = models.JSONField(_("explanation"), default=dict)

    class Meta:
        ordering = ["network", "-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")

    def __str__(self):
        return f"{self.network} {self.created_at:%Y-%m-%d %H:%M}"


class WaitlistOffer(models.Model):
    """A place offered to the first on the waiting list when a member leaves; it passes on if unanswered."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No answer in time")
        WITHDRAWN = "withdrawn", _("Withdrawn by the leads")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="waitlist_offers")
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="waitlist_offers")
    vacated_by = models.ForeignKey(
        "networks.Membership",
        verbose_name=_("place left by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    offered_at = models.DateTimeField(_("offered"))
    deadline = models.DateTimeField(_("answer at the latest"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = history()

    class Meta:
        ordering = ["network", "-offered_at", "-pk"]
        verbose_name = _("waiting-list offer")
        verbose_name_plural = _("waiting-list offers")
        constraints = [
            # At most one open offer per application (the network may have several places open).
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(status="open"), name="one_open_offer_per_application"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("offered_at")), name="offer_deadline_after"
            ),
        ]

    def __str__(self):
        return f"{self.application} ({self.get_status_display()})"
