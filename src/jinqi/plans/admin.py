from django.contrib import admin

from jinqi.plans.models import Measure, Plan, ProgressReport, SupervisionEntry, UrgingNotice


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ["code", "title", "year"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin[Measure]):
    list_display = ["plan", "seq", "reform_item", "deadline_text"]
    list_filter = ["plan", "pilot", "deadline_kind"]
    search_fields = ["text", "reform_item"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin[ProgressReport]):
    list_display = ["assignment", "period", "status", "state", "rating"]
    list_filter = ["state", "status"]
    # The state changes only through the review services, never by editing here.
    readonly_fields = ["state", "version", "submitted_at", "reviewed_at"]


admin.site.register(UrgingNotice)
admin.site.register(SupervisionEntry)
