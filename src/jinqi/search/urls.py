from django.urls import path

from jinqi.search import views

app_name = "search"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("saved/", views.saved_create, name="saved_create"),
    path("saved/<int:pk>/delete/", views.saved_delete, name="saved_delete"),
]
