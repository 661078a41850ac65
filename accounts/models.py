from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import history


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    ``is_staff`` only opens the Django admin; what a person may do in the app
    comes from their organiser roles and municipality link (see accounts.roles).
    """

    class LinkSource(models.TextChoices):
        DOMAIN = "domain", _("Verified e-mail domain")
        GRANTED = "granted", _("Granted by a network lead")

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    # kommunrepresentant: the one municipality this user acts for.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality represented"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
    )
    municipality_link_source = models.CharField(
        _("how the municipality link was made"), max_length=10, choices=LinkSource.choices, blank=True
    )
    municipality_linked_by = models.ForeignKey(
        "self",
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality_linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    # What the person said at sign-up; a network lead confirms it (or the e-mail domain does).
    requested_municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality requested at sign-up"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = history(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class StaffRole(models.Model):
    """A staff member's role at one organiser. Staff see only their organisers' data."""

    class Role(models.TextChoices):
        NETWORK_LEAD = "network_lead", _("Network lead (organiser)")
        FINANCE = "finance", _("Finance")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_roles")
    organizer = models.ForeignKey(
        "networks.Organizer", verbose_name=_("organiser"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = history()

    class Meta:
        ordering = ["organizer__name", "role", "user__email"]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "organizer", "role"], name="unique_staff_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.organizer})"
