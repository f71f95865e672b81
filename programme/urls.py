from django.urls import path

from programme import views

app_name = "programme"

urlpatterns = [
    path("vardcentraler/", views.due_list, name="due_list"),
    path("vardcentraler/<int:pk>/intervall/", views.clinic_cycle, name="clinic_cycle"),
    path("vardcentraler/<int:pk>/intervall/aterstall/", views.clinic_cycle_reset, name="clinic_cycle_reset"),
    path("arsplan/", views.year_plan, name="year_plan"),
    path("installningar/", views.cycle_settings, name="cycle_settings"),
    path("kalender/", views.calendar_feed, name="calendar_feed"),
    path("kalender/ny-adress/", views.calendar_feed_create, name="calendar_feed_create"),
    path("kalender/stang/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("kalender/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
]
