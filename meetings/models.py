"""A network's calendar: meetings from kickoff to final seminar, their agenda and homework.

A meeting is dated either exactly (start and end, Europe/Stockholm) or, while it
is still preliminary, to a month ("Juni 2018 (preliminärt)"), optionally a span
of months ("Juni 2018 – november 2018" for a work period in each municipality);
it is firmed up later by giving it a start and an end. ``sequence`` counts the
changes that matter to a calendar (RFC 5545 SEQUENCE) and ``uid`` never changes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import history
from core.storage import private_storage


def validate_https(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(_("Use a secure link that begins with https://."))


class Meeting(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("Network meeting (steering group and project leaders)")
        PROJECT_LEADERS = "project_leaders", _("Project leaders' meeting")
        SEMINAR = "seminar", _("Seminar")
        FINAL_SEMINAR = "final_seminar", _("Final seminar, open to others")
        CHECK_IN = "check_in", _("Check-in with one municipality")
        WORKSHOP = "workshop", _("Workshop")
        WORK_PERIOD = "work_period", _("Work in each municipality")
        MILESTONE = "milestone", _("Milestone")

    class Mode(models.TextChoices):
        PHYSICAL = "physical", _("On site")
        DIGITAL = "digital", _("Digital")
        HYBRID = "hybrid", _("On site and digital")

    class Audience(models.TextChoices):
        STEERING_GROUP = "steering_group", _("Steering group")
        PROJECT_LEADER = "project_leader", _("The municipality's project leader")
        WORKING_GROUP = "working_group", _("Working group")
        REFERENCE_GROUP = "reference_group", _("Reference group")
        ALL_PARTICIPANTS = "all_participants", _("All participants")
        PUBLIC = "public", _("Open to the public")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Called off")

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NETWORK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("The programme, in Markdown."))
    membership = models.ForeignKey(
        "networks.Membership",
        verbose_name=_("municipality (check-in)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
    )

    # Exact, or a preliminary month (optionally to a last month).
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    month = models.DateField(_("month (preliminary)"), null=True, blank=True)
    last_month = models.DateField(_("last month"), null=True, blank=True)
    sort_date = models.DateField(editable=False, db_index=True)

    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.PHYSICAL)
    address = models.TextField(_("address"), blank=True)
    link = models.URLField(_("link to the digital meeting"), blank=True, validators=[validate_https])
    audience = models.JSONField(_("for"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    cost_per_attendee = models.DecimalField(
        _("cost per attendee (excl. VAT)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Lunch, venue and the like, billed per attendee on top of the fee."),
    )
    cost_vat_rate = models.DecimalField(
        _("VAT rate of the cost, %"),
        max_digits=4,
        decimal_places=2,
        default=25,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    cost_description = models.CharField(_("what the cost covers"), max_length=200, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = history()

    class Meta:
        ordering = ["network", "sort_date", "starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(starts_at__isnull=False, ends_at__isnull=False, month__isnull=True)
                    | models.Q(starts_at__isnull=True, ends_at__isnull=True, month__isnull=False)
                ),
                name="meeting_exact_or_month",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(last_month__isnull=True) | models.Q(last_month__gte=models.F("month")),
                name="meeting_last_month_after_month",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.month:
            self.month = self.month.replace(day=1)
        if self.last_month:
            self.last_month = self.last_month.replace(day=1)
        self.sort_date = timezone.localdate(self.starts_at) if self.starts_at else self.month
        super().save(*args, **kwargs)

    @property
    def is_preliminary(self) -> bool:
        return self.starts_at is None

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class AgendaBlock(models.Model):
    """A part of a meeting's programme: "10.00–12.00 Uppstart. SKR, förtroendevalda …"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    starts = models.TimeField(_("from"), null=True, blank=True)
    ends = models.TimeField(_("to"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("for whom"),
        max_length=300,
        blank=True,
        help_text=_("E.g. SKR, officials of the participating municipalities."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["meeting", "starts", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True)
                | models.Q(starts__isnull=True)
                | models.Q(ends__gte=models.F("starts")),
                name="agenda_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class Homework(models.Model):
    """A task (hemuppgift) given at a meeting, which each member municipality hands in by a due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="homework")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = history()

    class Meta:
        ordering = ["meeting", "due_at", "pk"]
        verbose_name = _("homework")
        verbose_name_plural = _("homework")

    def __str__(self):
        return self.title


def new_feed_token() -> str:
    import secrets  # imported here so this appended block leaves the module's header alone

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address to subscribe to: a network's meetings, or one participant's.

    Whoever knows the token reads the feed without logging in, so a token is a
    secret: it is revoked (never deleted, so an old address stays dead) and
    replaced by a new one when it leaks. At most one feed per network and per
    participant is active at a time.
    """

    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    participant = models.ForeignKey(
        "networks.MembershipParticipant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(network__isnull=False, participant__isnull=True)
                    | models.Q(network__isnull=True, participant__isnull=False)
                ),
                name="calendar_feed_network_or_participant",
            ),
            models.UniqueConstraint(
                fields=["network"],
                condition=models.Q(revoked_at__isnull=True, network__isnull=False),
                name="calendar_feed_one_active_per_network",
            ),
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(revoked_at__isnull=True, participant__isnull=False),
                name="calendar_feed_one_active_per_participant",
            ),
        ]

    def __str__(self):
        return str(self.network or self.participant)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """A participant invited to a meeting, and their answer (kommer / kommer inte)."""

    class Response(models.TextChoices):
        NONE = "", _("No answer")
        YES = "yes", _("Attending")
        NO = "no", _("Not attending")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(
        "networks.MembershipParticipant", on_delete=models.CASCADE, related_name="invitations"
    )
    response = models.CharField(_("answer"), max_length=3, choices=Response.choices, blank=True, default="")
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    history = history()

    class Meta:
        ordering = ["meeting", "participant", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="unique_meeting_invitation"),
        ]

    def __str__(self):
        return f"{self.participant} – {self.meeting}"


def homework_file_path(instance, filename):
    # The stored name never comes from the user; the original name is kept in a field.
    return f"homework/{instance.homework_id}/{instance.membership_id}/{new_feed_token()}"


class HomeworkSubmission(models.Model):
    """A member municipality's hand-in of one homework (text and/or a file), and the lead's receipt of it."""

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="submissions")
    membership = models.ForeignKey("networks.Membership", on_delete=models.CASCADE, related_name="homework_submissions")
    text = models.TextField(_("answer"), blank=True)
    file = models.FileField(_("file"), upload_to=homework_file_path, storage=private_storage, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("handed in"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by_participant = models.ForeignKey(
        "networks.MembershipParticipant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = history()

    class Meta:
        ordering = ["homework", "membership", "pk"]
        verbose_name = _("hand-in")
        verbose_name_plural = _("hand-ins")
        constraints = [
            models.UniqueConstraint(fields=["homework", "membership"], name="unique_homework_submission"),
        ]

    def __str__(self):
        return f"{self.homework} – {self.membership}"


class SurveyQuestions(models.Model):
    """A network's evaluation questions: three NKI-style questions (1–10) and one free-text question."""

    network = models.OneToOneField("networks.Network", on_delete=models.CASCADE, related_name="survey_questions")
    question_1 = models.CharField(_("question 1"), max_length=300)
    question_2 = models.CharField(_("question 2"), max_length=300)
    question_3 = models.CharField(_("question 3"), max_length=300)
    free_text_question = models.CharField(_("free-text question"), max_length=300)
    after_meetings = models.BooleanField(
        _("send a survey after each meeting"),
        default=True,
        help_text=_("Those who attended get the survey the day after the meeting."),
    )

    history = history()

    class Meta:
        verbose_name = _("evaluation questions")
        verbose_name_plural = _("evaluation questions")

    def __str__(self):
        return str(self.network)


class Survey(models.Model):
    """An evaluation: after one meeting (to its attendees) or standalone (to all members, e.g. a yearly NKI).

    The questions are copied from the network's questions when the survey is made,
    so that later edits never change what earlier respondents answered.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", _("After a meeting")
        STANDALONE = "standalone", _("Survey to all members")

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="surveys")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    question_1 = models.CharField(_("question 1"), max_length=300)
    question_2 = models.CharField(_("question 2"), max_length=300)
    question_3 = models.CharField(_("question 3"), max_length=300)
    free_text_question = models.CharField(_("free-text question"), max_length=300)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    history = history()

    class Meta:
        ordering = ["network", "-opens_at", "pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=models.Q(meeting__isnull=False), name="one_survey_per_meeting"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opens"
            ),
        ]

    def __str__(self):
        return self.title


class SurveyResponse(models.Model):
    """One person's survey: sent to them, and their answers once they have answered.

    The rows made when a survey is sent are its recipients (the response rate is
    answered / sent). A removed participant's answers stay, without the person.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(
        "networks.MembershipParticipant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    membership = models.ForeignKey(
        "networks.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score_1 = models.PositiveSmallIntegerField(
        _("answer 1"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    score_2 = models.PositiveSmallIntegerField(
        _("answer 2"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    score_3 = models.PositiveSmallIntegerField(
        _("answer 3"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["survey", "participant"], name="unique_survey_participant"),
            models.CheckConstraint(
                condition=models.Q(score_1__isnull=True) | models.Q(score_1__gte=1, score_1__lte=10),
                name="survey_score_1_range",
            ),
            models.CheckConstraint(
                condition=models.Q(score_2__isnull=True) | models.Q(score_2__gte=1, score_2__lte=10),
                name="survey_score_2_range",
            ),
            models.CheckConstraint(
                condition=models.Q(score_3__isnull=True) | models.Q(score_3__gte=1, score_3__lte=10),
                name="survey_score_3_range",
            ),
        ]

    def __str__(self):
        return f"{self.survey} – {self.participant or '–'}"


class SeminarRegistration(models.Model):
    """A sign-up to an open seminar through the public form (anyone, not only members)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail"))
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("seminar registration")
        verbose_name_plural = _("seminar registrations")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                "meeting",
                condition=models.Q(cancelled_at__isnull=True),
                name="unique_active_seminar_registration",
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.meeting}"


class MeetingMessage(models.Model):
    """A message a lead sent to everyone invited to a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["meeting", "-sent_at", "pk"]
        verbose_name = _("message to invitees")
        verbose_name_plural = _("messages to invitees")

    def __str__(self):
        return self.subject


class FollowUpNote(models.Model):
    """A lead's dated note on a member municipality's work."""

    membership = models.ForeignKey("networks.Membership", on_delete=models.CASCADE, related_name="follow_up_notes")
    noted_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = history()

    class Meta:
        ordering = ["membership", "-noted_on", "-pk"]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self):
        return f"{self.membership} {self.noted_on}"
