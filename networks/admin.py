from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from networks.models import (
    Membership,
    MembershipCommitment,
    MembershipParticipant,
    Network,
    NetworkCommitment,
    NetworkContact,
    NetworkParticipantRole,
    Organizer,
    ReviewCriterion,
)


class OrganizerScopedAdminMixin:
    """Admin pages show staff only their own organisers' rows.

    ``organizer_field`` is the lookup from the model to its organiser ("pk" for
    the Organizer model itself). Superusers see everything.
    """

    organizer_field = "organizer"

    def get_queryset(self, request):
        return roles.scope_to_organizers(super().get_queryset(request), request.user, field=self.organizer_field)

    def has_module_permission(self, request):
        return roles.is_superuser(request.user) or roles.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return roles.is_superuser(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_superuser(request.user)

    def _allowed(self, request, obj) -> bool:
        if roles.is_superuser(request.user):
            return True
        if obj is None:
            return roles.is_administrator(request.user)
        organizer_id = obj.pk if self.organizer_field == "pk" else getattr(obj, f"{self.organizer_field}_id")
        return roles.is_administrator(request.user, organizer_id)


@admin.register(Organizer)
class OrganizerAdmin(OrganizerScopedAdminMixin, SimpleHistoryAdmin):
    organizer_field = "pk"
    # Addresses typed without a scheme are https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "short_name", "organisation_number", "invoice_number_prefix")
    search_fields = ("name", "short_name", "former_names", "organisation_number")
    prepopulated_fields = {"slug": ("short_name",)}
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "former_names", "logo")}),
        (
            _("Legal and invoicing"),
            {"fields": ("organisation_number", "vat_number", "f_skatt", "bankgiro", "invoice_number_prefix")},
        ),
        (_("Contact"), {"fields": ("street_address", "postal_code", "city", "email", "phone", "website")}),
    )


class NetworkPartInline(admin.TabularInline):
    """A part of a network's invitation; editable by whoever may change the network."""

    extra = 0

    def _allowed(self, request, obj) -> bool:
        if roles.is_superuser(request.user):
            return True
        if obj is None:
            return roles.is_administrator(request.user)
        return roles.is_administrator(request.user, obj.organizer_id)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class NetworkContactInline(NetworkPartInline):
    model = NetworkContact
    fields = ("name", "role", "phone", "email", "user", "order")
    raw_id_fields = ("user",)


class NetworkCommitmentInline(NetworkPartInline):
    model = NetworkCommitment
    fields = ("kind", "title", "description", "order")


class NetworkParticipantRoleInline(NetworkPartInline):
    model = NetworkParticipantRole
    fields = ("title", "order")


class ReviewCriterionInline(NetworkPartInline):
    model = ReviewCriterion
    fields = ("title", "description", "order")


@admin.register(Network)
class NetworkAdmin(OrganizerScopedAdminMixin, SimpleHistoryAdmin):
    """The system administrator's view of networks; leads use their own pages (/projektledare/)."""

    list_display = ("title", "organizer", "status", "application_deadline", "capacity")
    list_filter = ("status", "organizer")
    search_fields = ("title", "slug", "summary")
    list_select_related = ("organizer",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("co_organizers",)
    raw_id_fields = ("previous_cohort",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (NetworkContactInline, NetworkCommitmentInline, NetworkParticipantRoleInline, ReviewCriterionInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "organizer", "co_organizers", "previous_cohort", "status")}),
        (
            _("Invitation"),
            {
                "fields": (
                    "summary",
                    "background",
                    "purpose",
                    "working_forms",
                    "timetable_note",
                    "cost_note",
                    "selection_process",
                    "application_requirements",
                    "contact_text",
                )
            },
        ),
        (_("Period and place"), {"fields": ("period_start", "period_end", "period_text", "place")}),
        (
            _("Applications"),
            {
                "fields": (
                    "capacity",
                    "applications_open_at",
                    "application_deadline",
                    "eligibility",
                    "participants_min",
                    "participants_max",
                    "requires_problem_description",
                )
            },
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # An administrator cannot hand a network to an organiser they do not administer.
        if db_field.name == "organizer":
            kwargs["queryset"] = roles.scope_to_organizers(
                Organizer.objects.all(), request.user, field="pk", roles={roles.Role.ADMINISTRATOR}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipParticipantInline(admin.TabularInline):
    model = MembershipParticipant
    extra = 0
    fields = ("name", "email", "title", "role")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MembershipCommitmentInline(admin.TabularInline):
    model = MembershipCommitment
    extra = 0
    fields = ("commitment", "confirmed", "decision_date", "decision_reference", "decision_pending", "expected_date")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(OrganizerScopedAdminMixin, SimpleHistoryAdmin):
    """Memberships change through the leads' and representatives' pages; administrators read them and their history."""

    organizer_field = "network__organizer"
    list_display = ("municipality", "network", "status", "source", "started_on", "left_on")
    list_filter = ("status", "source", "network")
    search_fields = ("municipality__name", "network__title")
    list_select_related = ("municipality", "network")
    inlines = (MembershipParticipantInline, MembershipCommitmentInline)

    def _allowed(self, request, obj) -> bool:
        if roles.is_superuser(request.user):
            return True
        if obj is None:
            return roles.is_administrator(request.user)
        return roles.is_administrator(request.user, obj.network.organizer_id)

    def has_change_permission(self, request, obj=None):
        return roles.is_superuser(request.user)
