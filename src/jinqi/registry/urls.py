from django.urls import path

from jinqi.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.my_record, name="mine"),
    path("mine/deliveries/<int:delivery_id>/<str:ref>/flag/", views.fact_flag, name="fact_flag"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/answer/", views.correction_answer, name="correction_answer"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("<str:uscc>/", views.enterprise_detail, name="detail"),
    path("<str:uscc>/reveal/", views.enterprise_reveal, name="reveal"),
]
