from django.contrib import admin

from jinqi.appeals.models import Appeal, Category, DeadlineRegime
from jinqi.core.permissions import ADMINISTER_PLATFORM, CapabilityAdmin


@admin.register(DeadlineRegime)
class DeadlineRegimeAdmin(CapabilityAdmin, admin.ModelAdmin[DeadlineRegime]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["code", "name", "response_days", "resolution_days", "complex_days"]


@admin.register(Category)
class CategoryAdmin(CapabilityAdmin, admin.ModelAdmin[Category]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["name", "department", "regime", "is_active", "sort_order"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the lead office edits the routing table on its page (audited)


@admin.register(Appeal)
class AppealAdmin(CapabilityAdmin, admin.ModelAdmin[Appeal]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["reference", "category", "department", "state", "resolution_due"]
    list_filter = ["state"]
    search_fields = ["reference", "title"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # state changes go through the workflow's services only
