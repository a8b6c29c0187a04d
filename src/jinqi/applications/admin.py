from django.contrib import admin

from jinqi.applications.models import Application, ApplicationForm, PublicityBatch
from jinqi.core.permissions import ADMINISTER_PLATFORM, CapabilityAdmin


@admin.register(ApplicationForm)
class ApplicationFormAdmin(CapabilityAdmin, admin.ModelAdmin[ApplicationForm]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["policy", "number", "admission", "is_open", "created_at"]
    readonly_fields = ["schema", "layout"]


@admin.register(Application)
class ApplicationAdmin(CapabilityAdmin, admin.ModelAdmin[Application]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["reference", "policy", "enterprise", "state", "deadline"]
    list_filter = ["state"]
    search_fields = ["reference", "enterprise__name"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # state changes go through the workflow's services only


@admin.register(PublicityBatch)
class PublicityBatchAdmin(CapabilityAdmin, admin.ModelAdmin[PublicityBatch]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["policy", "number", "starts_on", "ends_on"]
