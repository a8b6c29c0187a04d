from django.urls import path

from jinqi.credit import views

app_name = "credit"
urlpatterns = [
    path("mine/", views.panel, name="panel"),
    path("mine/records/<int:pk>/repair/", views.repair_apply, name="repair_apply"),
    path("mine/reports/", views.report_issue, name="report_issue"),
    path("repairs/", views.repair_queue, name="repair_queue"),
    path("repairs/<int:pk>/", views.repair_detail, name="repair_detail"),
    path("repairs/<int:pk>/act/", views.repair_act, name="repair_act"),
]
