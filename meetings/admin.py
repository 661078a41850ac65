from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from meetings.models import AgendaBlock, Homework, Meeting
from networks.admin import OrganizerScopedAdminMixin


class MeetingPartInline(admin.TabularInline):
    """Agenda and homework: editable by whoever may change the meeting."""

    extra = 0

    def _allowed(self, request, obj) -> bool:
        if roles.is_superuser(request.user):
            return True
        if obj is None:
            return roles.is_administrator(request.user)
        return roles.is_administrator(request.user, obj.network.organizer_id)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class AgendaBlockInline(MeetingPartInline):
    model = AgendaBlock
    fields = ("starts", "ends", "title", "audience", "description", "order")


class HomeworkInline(MeetingPartInline):
    model = Homework
    fields = ("title", "description", "due_at")


@admin.register(Meeting)
class MeetingAdmin(OrganizerScopedAdminMixin, SimpleHistoryAdmin):
    """The system administrator's view of meetings; leads plan them on their timetable pages.

    Saving here bypasses the services' rules (period, place, sequence): for repairs only.
    """

    organizer_field = "network__organizer"
    list_display = ("title", "network", "kind", "sort_date", "starts_at", "month", "mode", "status")
    list_filter = ("status", "kind", "mode")
    search_fields = ("title", "network__title")
    list_select_related = ("network",)
    raw_id_fields = ("network", "membership")
    readonly_fields = ("uid", "sequence", "sort_date", "created_at", "updated_at")
    inlines = (AgendaBlockInline, HomeworkInline)

    def _allowed(self, request, obj) -> bool:
        if roles.is_superuser(request.user):
            return True
        if obj is None:
            return roles.is_administrator(request.user)
        return roles.is_administrator(request.user, obj.network.organizer_id)
