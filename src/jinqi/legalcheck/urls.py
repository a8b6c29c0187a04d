from django.urls import path

from jinqi.legalcheck import views

app_name = "legalcheck"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("checks/<int:pk>/", views.detail, name="detail"),
    path("checks/<int:pk>/step/", views.step, name="step"),
    path("checks/<int:pk>/fill/", views.fill, name="fill"),
    path("checks/<int:pk>/rectifications/", views.rectification_add, name="rectification_add"),
    path("checks/<int:pk>/visit/", views.visit, name="visit"),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/<int:pk>/", views.item_edit, name="item_edit"),
]
