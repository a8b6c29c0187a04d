from django.contrib import admin

from jinqi.core.permissions import ADMINISTER_PLATFORM, CapabilityAdmin
from jinqi.plans.models import Measure, Plan, ProgressReport, SupervisionEntry, UrgingNotice


@admin.register(Plan)
class PlanAdmin(CapabilityAdmin, admin.ModelAdmin[Plan]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["code", "title", "year"]


@admin.register(Measure)
class MeasureAdmin(CapabilityAdmin, admin.ModelAdmin[Measure]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["plan", "seq", "reform_item", "deadline_text"]
    list_filter = ["plan", "pilot", "deadline_kind"]
    search_fields = ["text", "reform_item"]


@admin.register(ProgressReport)
class ProgressReportAdmin(CapabilityAdmin, admin.ModelAdmin[ProgressReport]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["assignment", "period", "status", "state", "rating"]
    list_filter = ["state", "status"]
    # The state changes only through the review services, never by editing here.
    readonly_fields = ["state", "lock_version", "submitted_at", "reviewed_at"]


@admin.register(UrgingNotice)
class UrgingNoticeAdmin(CapabilityAdmin, admin.ModelAdmin[UrgingNotice]):
    view_capability = change_capability = ADMINISTER_PLATFORM


@admin.register(SupervisionEntry)
class SupervisionEntryAdmin(CapabilityAdmin, admin.ModelAdmin[SupervisionEntry]):
    view_capability = change_capability = ADMINISTER_PLATFORM
