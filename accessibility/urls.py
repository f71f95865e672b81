from django.urls import path

from accessibility import views

app_name = "accessibility"

urlpatterns = [
    path("", views.statement, name="statement"),
    path("rapportera/", views.report_create, name="report_create"),
    path("rapportera/tack/", views.report_sent, name="report_sent"),
    path("installningar/", views.statement_settings, name="settings"),
    path("rapporter/", views.report_list, name="report_list"),
    path("rapporter/<int:pk>/hanterad/", views.report_handle, name="report_handle"),
]
