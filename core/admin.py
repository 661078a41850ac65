from django.contrib import admin

from core.models import SentEmail


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ("key", "recipient", "subject", "sent_at")
    search_fields = ("key", "recipient", "subject")
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
