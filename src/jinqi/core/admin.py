from django.contrib import admin

from jinqi.core.models import CalendarOverride, StoredFile


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["day", "is_working_day", "note"]


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin[StoredFile]):
    list_display = ["original_name", "purpose", "content_type", "size", "uploaded_at"]
    readonly_fields = [f.name for f in StoredFile._meta.fields]
