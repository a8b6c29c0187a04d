from django.contrib import admin

from jinqi.notifications.models import Notification, OutboxMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["created_at", "channel", "address", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]
