from django.contrib import admin
from django.http import HttpRequest

from jinqi.audit.models import AuditEvent
from jinqi.audit.permissions import READ_TRAIL
from jinqi.core.permissions import CapabilityAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(CapabilityAdmin, admin.ModelAdmin[AuditEvent]):
    """Read-only for the audit administrator; the database refuses changes anyway."""

    view_capability = READ_TRAIL
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
