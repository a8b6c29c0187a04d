from django.urls import path

from jinqi.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.answer, name="answer"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/", views.detail, name="detail"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/send/", views.send, name="send"),
    path("manage/<int:pk>/answers.xlsx", views.export, name="export"),
    path("manage/<int:pk>/questions/<int:question>/texts/", views.texts, name="texts"),
]
