from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.index, name="index"),
    path("exporter/", views.export_create, name="export_create"),
    path("exporter/<int:pk>/", views.export_detail, name="export_detail"),
    path("exporter/<int:pk>/status.json", views.export_status, name="export_status"),
    path("exporter/<int:pk>/arkiv.zip", views.export_download, name="export_download"),
    path("dialoger/<int:pk>/arkiv.zip", views.dialogue_package, name="dialogue_package"),
]
