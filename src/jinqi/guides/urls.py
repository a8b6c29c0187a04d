from django.urls import path

from jinqi.guides import views

app_name = "guides"
urlpatterns = [
    path("", views.guide_list, name="guide_list"),
    path("<int:pk>/", views.guide_detail, name="guide_detail"),
    path("faq/", views.faq_list, name="faq_list"),
    path("faq/<int:pk>/", views.faq_detail, name="faq_detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.guide_create, name="guide_create"),
    path("manage/<int:pk>/", views.guide_edit, name="guide_edit"),
    path("manage/<int:pk>/delete/", views.guide_delete, name="guide_delete"),
    path("manage/faq/new/", views.faq_create, name="faq_create"),
    path("manage/faq/<int:pk>/", views.faq_edit, name="faq_edit"),
    path("manage/faq/<int:pk>/delete/", views.faq_delete, name="faq_delete"),
]
