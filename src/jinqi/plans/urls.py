from django.urls import path

from jinqi.plans.views import administration, progress, reporting, supervision

app_name = "plans"
urlpatterns = [
    path("public/", progress.public_progress, name="public_progress"),
    path("dashboard/", progress.dashboard, name="dashboard"),
    path("ledger/", progress.ledger, name="ledger"),
    path("mine/", reporting.my_measures, name="my_measures"),
    path("reviews/", reporting.review_queue, name="review_queue"),
    path("supervision/", supervision.supervision_log, name="supervision_log"),
    path("import/", administration.plan_import, name="import"),
    path("groups/", administration.groups, name="groups"),
    path("calendar/", administration.working_calendar, name="calendar"),
    path("groups/<slug:code>/", administration.group_edit, name="group_edit"),
    path("urgings/", supervision.urging_list, name="urging_list"),
    path("urgings/<int:pk>/", supervision.urging_detail, name="urging_detail"),
    path("reports/<int:pk>/", reporting.report_detail, name="report_detail"),
    path("reports/<int:pk>/review/", reporting.report_review, name="report_review"),
    path("reports/<int:pk>/return/", reporting.report_return, name="report_return"),
    path("reports/<int:pk>/publish/", reporting.report_publish, name="report_publish"),
    path("<slug:code>/export/", progress.ledger_export, name="ledger_export"),
    path("<slug:code>/roll-over/", administration.plan_roll_over, name="roll_over"),
    path("<slug:code>/measures/<int:seq>/", progress.measure_detail, name="measure_detail"),
    path("<slug:code>/measures/<int:seq>/report/", reporting.report_edit, name="report_edit"),
    path(
        "<slug:code>/measures/<int:seq>/deadline/",
        progress.measure_deadline_set,
        name="deadline_set",
    ),
    path("<slug:code>/measures/<int:seq>/urge/", supervision.urging_issue, name="urging_issue"),
    path(
        "<slug:code>/measures/<int:seq>/indicators/",
        progress.measure_indicators_set,
        name="indicators_set",
    ),
]
