from django.urls import path

from dialogs import views

app_name = "dialogs"

urlpatterns = [
    path("", views.index, name="index"),
]
