from django.urls import path

from jinqi.credit import views

app_name = "credit"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("department/", views.department, name="department"),
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
