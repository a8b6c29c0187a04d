from django.urls import path

from jinqi.assist import views

app_name = "assist"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("book/", views.book, name="book"),
    path("<int:pk>/", views.booking, name="booking"),
    path("<int:pk>/act/", views.booking_act, name="booking_act"),
    path("<int:pk>/difficulty/", views.difficulty_add, name="difficulty_add"),
    path("work/", views.queue, name="queue"),
    path("work/slots/", views.slots, name="slots"),
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/act/", views.item_act, name="item_act"),
    path("statistics/", views.statistics, name="statistics"),
]
