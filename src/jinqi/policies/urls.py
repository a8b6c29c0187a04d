from django.urls import path

from jinqi.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("mine/", views.mine, name="mine"),
    path("grants/<int:pk>/confirm/", views.grant_confirm, name="grant_confirm"),
    path("grants/<int:pk>/decline/", views.grant_decline, name="grant_decline"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/test/", views.rule_test, name="test"),
    path("manage/<slug:code>/", views.edit, name="edit"),
    path("manage/<slug:code>/publish/", views.publish, name="publish"),
    path("manage/<slug:code>/matches/", views.matches, name="matches"),
    path("manage/<slug:code>/matches.xlsx", views.matches_xlsx, name="matches_xlsx"),
    path("manage/<slug:code>/confirm-list/", views.confirm_list, name="confirm_list"),
    path("manage/<slug:code>/grants/<int:pk>/disburse/", views.disburse, name="disburse"),
    path("manage/<slug:code>/publish-awards/", views.publish_awards, name="publish_awards"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/awards/", views.awards, name="awards"),
    path("<slug:code>/awards.csv", views.awards_csv, name="awards_csv"),
    path("<slug:code>/awards.json", views.awards_json, name="awards_json"),
]
