from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import StaffRole, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["organizer"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "title", "municipality", "is_active", "is_staff", "is_superuser"]
    list_filter = ["is_active", "is_staff", "is_superuser", "staff_roles__role", "municipality_link_source"]
    list_select_related = ["municipality"]
    search_fields = ["email", "name", "title", "phone"]
    raw_id_fields = ["municipality", "requested_municipality"]
    readonly_fields = ["last_login", "date_joined", "municipality_linked_by", "municipality_linked_at"]
    inlines = [StaffRoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("name", "phone", "title")}),
        (
            _("Municipality representative"),
            {
                "fields": (
                    "municipality",
                    "municipality_link_source",
                    "municipality_linked_by",
                    "municipality_linked_at",
                    "requested_municipality",
                )
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "usable_password", "password1", "password2")}),
    )


@admin.register(StaffRole)
class StaffRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organizer", "role", "created_at"]
    list_filter = ["role", "organizer"]
    list_select_related = ["user", "organizer"]
    search_fields = ["user__email", "user__name", "organizer__name"]
    autocomplete_fields = ["user", "organizer"]
