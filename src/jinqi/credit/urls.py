from django.urls import path

from jinqi.credit import repair_views, views

app_name = "credit"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/records/<int:pk>/repair/", repair_views.repair_apply, name="repair_apply"),
    path("mine/reports/", repair_views.report_issue, name="report_issue"),
    path("department/", views.department, name="department"),
    path("repairs/", repair_views.repair_queue, name="repair_queue"),
    path("repairs/<int:pk>/", repair_views.repair_detail, name="repair_detail"),
    path("repairs/<int:pk>/act/", repair_views.repair_act, name="repair_act"),
    path("department/records/new/", views.record_new, name="record_new"),
    path("lead/", views.lead, name="lead"),
    path("lead/ratios/", views.ratios, name="ratios"),
    path("lead/reorganisations/new/", views.reorganisation_new, name="reorganisation_new"),
    path(
        "lead/reorganisations/<int:pk>/close/",
        views.reorganisation_close,
        name="reorganisation_close",
    ),
]
