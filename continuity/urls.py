from django.urls import path

from continuity import views

app_name = "continuity"

urlpatterns = [
    path("vardcentraler/<int:pk>/", views.clinic_page, name="clinic"),
    path("sok/", views.search_page, name="search"),
]
