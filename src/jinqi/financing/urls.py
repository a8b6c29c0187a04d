from django.urls import path

from jinqi.financing import views

app_name = "financing"
urlpatterns = [
    path("products/", views.catalogue, name="catalogue"),
    path("mine/", views.mine, name="mine"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/act/", views.request_act, name="request_act"),
    path("consents/new/", views.consent_new, name="consent_new"),
    path("consents/<int:pk>/", views.consent_detail, name="consent_detail"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("institution/", views.institution, name="institution"),
    path("institution/consents/", views.consents_received, name="consents_received"),
    path("packages/<str:uscc>/<int:consent>/", views.package, name="package"),
    path("office/", views.oversight, name="oversight"),
    path("office/products/new/", views.product_edit, name="product_new"),
    path("office/products/<int:pk>/", views.product_edit, name="product_edit"),
]
