from django.urls import path

from jinqi.providers import views

app_name = "providers"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.provider_page, name="provider"),
    path("apply/", views.apply, name="apply"),
    path("needs/", views.needs_mine, name="needs_mine"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/", views.need, name="need"),
    path("needs/<int:pk>/message/", views.need_message, name="need_message"),
    path("needs/<int:pk>/rate/", views.need_rate, name="need_rate"),
    path("needs/<int:pk>/withdraw/", views.need_withdraw, name="need_withdraw"),
    path("inbox/", views.inbox, name="inbox"),
    path("office/", views.office, name="office"),
    path("office/<int:pk>/", views.office_provider, name="office_provider"),
    path("office/<int:pk>/act/", views.office_act, name="office_act"),
    path("figures/", views.figures, name="figures"),
]
