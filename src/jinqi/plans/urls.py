from django.urls import path

from jinqi.plans import views

app_name = "plans"
urlpatterns = [
    path("public/", views.public_progress, name="public_progress"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("ledger/", views.ledger, name="ledger"),
    path("mine/", views.my_measures, name="my_measures"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("supervision/", views.supervision_log, name="supervision_log"),
    path("import/", views.plan_import, name="import"),
    path("groups/", views.groups, name="groups"),
    path("calendar/", views.working_calendar, name="calendar"),
    path("groups/<slug:code>/", views.group_edit, name="group_edit"),
    path("urgings/", views.urging_list, name="urging_list"),
    path("urgings/<int:pk>/", views.urging_detail, name="urging_detail"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("<slug:code>/export/", views.ledger_export, name="ledger_export"),
    path("<slug:code>/roll-over/", views.plan_roll_over, name="roll_over"),
    path("<slug:code>/measures/<int:seq>/", views.measure_detail, name="measure_detail"),
    path("<slug:code>/measures/<int:seq>/report/", views.report_edit, name="report_edit"),
    path(
        "<slug:code>/measures/<int:seq>/deadline/", views.measure_deadline_set, name="deadline_set"
    ),
    path("<slug:code>/measures/<int:seq>/urge/", views.urging_issue, name="urging_issue"),
    path(
        "<slug:code>/measures/<int:seq>/indicators/",
        views.measure_indicators_set,
        name="indicators_set",
    ),
]
