"""The reference data the platform administrator keeps for the service centre: matters, windows
and the rota (slots are opened on the centre's own page; bookings and items move only through
their workflows)."""

from django.contrib import admin

from jinqi.assist.models import Matter, RotaEntry, ServiceWindow
from jinqi.core.permissions import ADMINISTER_PLATFORM, CapabilityAdmin


@admin.register(Matter)
class MatterAdmin(CapabilityAdmin, admin.ModelAdmin[Matter]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["name", "department", "active"]
    list_filter = ["active", "department"]


@admin.register(ServiceWindow)
class ServiceWindowAdmin(CapabilityAdmin, admin.ModelAdmin[ServiceWindow]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["name", "department", "active", "sort_order"]


@admin.register(RotaEntry)
class RotaEntryAdmin(CapabilityAdmin, admin.ModelAdmin[RotaEntry]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["window", "weekday", "official", "title"]
    list_filter = ["window", "weekday"]
