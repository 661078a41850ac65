from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from applications.models import (
    Application,
    ApplicationAttachment,
    ApplicationCommitment,
    ApplicationVersion,
    ProposedParticipant,
    SelectionRun,
    WaitlistOffer,
)
from networks.admin import OrganizerScopedAdminMixin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommitmentInline(ReadOnlyInline):
    model = ApplicationCommitment
    fields = ("commitment", "confirmed", "decision_date", "decision_reference", "decision_pending", "expected_date")
    readonly_fields = fields


class ParticipantInline(ReadOnlyInline):
    model = ProposedParticipant
    fields = ("name", "email", "title", "role")
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = ApplicationAttachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ("number", "submitted_at", "submitted_by")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(OrganizerScopedAdminMixin, SimpleHistoryAdmin):
    """Applications change through the site's services; the admin shows them (scoped to the organiser)."""

    organizer_field = "network__organizer"
    list_display = ("municipality", "network", "status", "version", "submitted_at")
    list_filter = ("status", "network")
    search_fields = ("municipality__name", "network__title")
    readonly_fields = ("network", "municipality", "created_by", "status", "version", "submitted_at", "submitted_by")
    inlines = [CommitmentInline, ParticipantInline, AttachmentInline, VersionInline]

    def _allowed(self, request, obj) -> bool:
        if roles.is_superuser(request.user):
            return True
        if obj is None:
            return roles.is_administrator(request.user)
        return roles.is_administrator(request.user, obj.network.organizer_id)

    def has_change_permission(self, request, obj=None):
        return roles.is_superuser(request.user)


class ReadOnlyScopedAdmin(OrganizerScopedAdminMixin, SimpleHistoryAdmin):
    """A record kept by the selection's services: administrators read it, nobody edits it here."""

    organizer_field = "network__organizer"

    def _allowed(self, request, obj) -> bool:
        if roles.is_superuser(request.user):
            return True
        if obj is None:
            return roles.is_administrator(request.user)
        return roles.is_administrator(request.user, obj.network.organizer_id)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SelectionRun)
class SelectionRunAdmin(ReadOnlyScopedAdmin):
    list_display = ("network", "created_at", "created_by", "status", "applicants", "capacity", "objective")
    list_filter = ("status", "network")
    list_select_related = ("network", "created_by")


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(ReadOnlyScopedAdmin):
    list_display = ("application", "status", "offered_at", "deadline", "answered_at")
    list_filter = ("status", "network")
    list_select_related = ("application__municipality", "application__network")
