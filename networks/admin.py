from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from networks.models import Organizer


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
