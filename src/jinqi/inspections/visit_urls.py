from django.urls import path

from jinqi.inspections import visit_views

app_name = "inspection_visits"
urlpatterns = [
    path("", visit_views.visit_list, name="list"),
    path("build/", visit_views.visit_build, name="build"),
    path("mine/", visit_views.ledger, name="ledger"),
    path("statistics/", visit_views.statistics, name="statistics"),
    path("<int:pk>/", visit_views.visit_detail, name="detail"),
    path("<int:pk>/findings/", visit_views.findings_add, name="findings_add"),
    path("<int:pk>/act/", visit_views.visit_act, name="act"),
    path("<int:pk>/rate/", visit_views.visit_rate, name="rate"),
    path("rectifications/<int:pk>/act/", visit_views.rectification_act, name="rectification_act"),
]
