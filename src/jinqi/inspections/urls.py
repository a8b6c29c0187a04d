from django.urls import path

from jinqi.inspections import views

app_name = "inspections"
urlpatterns = [
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/publish/", views.item_publish, name="item_publish"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("plans/", views.plans, name="plans"),
    path("plans/approvals/", views.plan_approvals, name="plan_approvals"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/act/", views.plan_act, name="plan_act"),
    path("roster/", views.roster, name="roster"),
    path("roster/conflicts/", views.conflict_declare, name="conflict_declare"),
    path("draws/", views.draws, name="draws"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/rerun/", views.draw_rerun, name="draw_rerun"),
    path("public/draws/", views.public_draws, name="public_draws"),
    path("public/draws/<str:number>/", views.public_draw, name="public_draw"),
]
