from django.urls import path

from jinqi.core import views

app_name = "core"
urlpatterns = [path("<uuid:uuid>/", views.file_download, name="file_download")]
