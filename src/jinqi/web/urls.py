from django.urls import path

from jinqi.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.portal, name="portal"),
    path("todo/", views.todo, name="todo"),
    path("healthz", views.health, name="health"),
]
