from django.urls import path

from jinqi.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("read-all/", views.inbox_mark_all_read, name="read_all"),
]
