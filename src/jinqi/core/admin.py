from django.contrib import admin

from jinqi.core.models import CalendarOverride, StoredFile
from jinqi.core.permissions import ADMINISTER_PLATFORM, CapabilityAdmin


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(CapabilityAdmin, admin.ModelAdmin[CalendarOverride]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["day", "is_working_day", "note"]


@admin.register(StoredFile)
class StoredFileAdmin(CapabilityAdmin, admin.ModelAdmin[StoredFile]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["original_name", "purpose", "content_type", "size", "uploaded_at"]
    readonly_fields = [f.name for f in StoredFile._meta.fields]
