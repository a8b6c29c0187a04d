from django.contrib import admin

from jinqi.core.permissions import ADMINISTER_PLATFORM, CapabilityAdmin
from jinqi.notifications.models import Notification, OutboxMessage


@admin.register(Notification)
class NotificationAdmin(CapabilityAdmin, admin.ModelAdmin[Notification]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(CapabilityAdmin, admin.ModelAdmin[OutboxMessage]):
    view_capability = change_capability = ADMINISTER_PLATFORM
    list_display = ["created_at", "channel", "address", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]
