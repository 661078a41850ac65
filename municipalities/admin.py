from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from municipalities.models import (
    County,
    EfficiencyModel,
    EfficiencyModelKpi,
    KoladaSync,
    Kpi,
    KpiValue,
    Municipality,
    MunicipalityDomain,
    RegisterImport,
)


class RegisterAdminMixin:
    """The register is shared by all organisers: staff may read it, administrators edit it.

    Adding and deleting is for the system administrator only: the register is
    reference data loaded from the repository, and rows are referenced everywhere.
    """

    def has_module_permission(self, request):
        return roles.is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_staff_member(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def has_add_permission(self, request, *args):
        return roles.is_superuser(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_superuser(request.user)


@admin.register(County)
class CountyAdmin(RegisterAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "nuts2_code", "riksomrade"]
    list_filter = ["nuts2_code"]
    search_fields = ["code", "name"]
    readonly_fields = ["code"]

    def has_change_permission(self, request, obj=None):
        # Counties change only with the shipped data.
        return roles.is_superuser(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class MunicipalityDomainInline(admin.TabularInline):
    model = MunicipalityDomain
    extra = 0
    fields = ["domain", "is_demo"]

    def has_view_permission(self, request, obj=None):
        return roles.is_staff_member(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def has_add_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_administrator(request.user)


@admin.register(Municipality)
class MunicipalityAdmin(RegisterAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "county",
        "kommungrupp_code",
        "population",
        "population_source",
        "political_majority",
        "organisation_number",
    ]
    list_filter = ["kind", "county", "kommungrupp_code", "political_majority", "population_source", "is_active"]
    search_fields = ["name", "code", "organisation_number"]
    list_select_related = ["county"]
    list_per_page = 100
    inlines = [MunicipalityDomainInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "county", "is_active"]}),
        (
            _("Groups"),
            {
                "fields": [
                    "kommungrupp_code",
                    "kommungrupp_name",
                    "huvudgrupp_name",
                    "kolada_kommungrupp_id",
                    "kolada_size_group_id",
                    "kolada_size_group",
                ]
            },
        ),
        (_("Population"), {"fields": ["population", "population_year", "population_source"]}),
        (
            _("Political majority"),
            {
                "fields": [
                    "political_majority",
                    "majority_parties",
                    "kso_party",
                    "majority_source",
                    "majority_source_date",
                ]
            },
        ),
        (
            _("Invoicing"),
            {"fields": ["organisation_number", "peppol_id", "invoice_email", "invoice_address", "buyer_reference"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The register identity follows the shipped data; only the system administrator changes it by hand.
        if obj is not None and not roles.is_superuser(request.user):
            return ["code", "name", "kind", "county"]
        return []


@admin.register(MunicipalityDomain)
class MunicipalityDomainAdmin(RegisterAdminMixin, admin.ModelAdmin):
    list_display = ["domain", "municipality", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["domain", "municipality__name", "municipality__code"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]

    def has_add_permission(self, request, *args):
        return roles.is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_administrator(request.user)


@admin.register(RegisterImport)
class RegisterImportAdmin(RegisterAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "filename", "uploaded_by", "status", "rows_applied", "rows_rejected"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    readonly_fields = [
        "uploaded_by",
        "created_at",
        "filename",
        "encoding",
        "content",
        "status",
        "applied_at",
        "applied_by",
        "rows_applied",
        "rows_rejected",
    ]

    def has_module_permission(self, request):
        return roles.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, *args):
        return False


class KoladaReadOnlyMixin:
    """Kolada's data and the sync log are written by the sync only: staff may read them."""

    def has_module_permission(self, request):
        return roles.is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_staff_member(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Kpi)
class KpiAdmin(KoladaReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "title", "category", "unit", "direction", "followed", "synced_at"]
    list_filter = ["followed", "category", "unit", "direction", "perspective", "municipality_type"]
    search_fields = ["id", "title"]
    fields = [
        "id",
        "title",
        "description",
        "operating_area",
        "perspective",
        "is_divided_by_gender",
        "municipality_type",
        "category",
        "publication_date",
        "publ_period",
        "followed",
        "unit",
        "direction",
        "synced_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Metadata is Kolada's; administrators choose which key figures are followed, and set what is ours:
        # the kind of value and the direction, which the efficiency models' rules depend on.
        return [name for name in self.fields if name not in {"followed", "unit", "direction"}]

    def has_change_permission(self, request, obj=None):
        return roles.is_administrator(request.user)


@admin.register(KpiValue)
class KpiValueAdmin(KoladaReadOnlyMixin, admin.ModelAdmin):
    list_display = ["kpi", "municipality", "year", "gender", "value", "status", "is_demo", "updated_at"]
    list_filter = ["gender", "is_demo", "year"]
    search_fields = ["kpi__id", "municipality__code", "municipality__name"]
    list_select_related = ["kpi", "municipality"]
    list_per_page = 100
    show_full_result_count = False


@admin.register(KoladaSync)
class KoladaSyncAdmin(KoladaReadOnlyMixin, admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "status", "years", "kpis_synced", "values_written", "values_deleted"]
    list_filter = ["status"]


class EfficiencyModelKpiInline(admin.TabularInline):
    model = EfficiencyModelKpi
    extra = 0
    fields = ["role", "kpi"]
    readonly_fields = ["role", "kpi"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EfficiencyModel)
class EfficiencyModelAdmin(SimpleHistoryAdmin):
    """Read-only, with its history, for support: network leads edit models on their own pages, which apply the rules."""

    list_display = ["name", "organizer", "updated_at"]
    list_filter = ["organizer"]
    search_fields = ["name"]
    inlines = [EfficiencyModelKpiInline]
    fields = ["name", "organizer", "description", "created_by", "created_at", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return roles.scope_to_organizers(super().get_queryset(request), request.user)

    def has_module_permission(self, request):
        return roles.is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_staff_member(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
