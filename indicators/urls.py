from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    path("bibliotek/", views.indicator_list, name="indicator_list"),
    path("bibliotek/ny/", views.indicator_create, name="indicator_create"),
    path("bibliotek/<int:pk>/andra/", views.indicator_update, name="indicator_update"),
    path("kallor/", views.source_list, name="source_list"),
    path("kallor/ny/", views.source_create, name="source_create"),
    path("kallor/<int:pk>/andra/", views.source_update, name="source_update"),
    path("importer/", views.batch_list, name="batch_list"),
    path("importer/ny/", views.batch_upload, name="batch_upload"),
    path("importer/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("importer/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("importer/<int:pk>/fel.csv", views.batch_errors, name="batch_errors"),
    path("importer/<int:pk>/bekrafta/", views.batch_confirm, name="batch_confirm"),
    path("importer/<int:pk>/aterstall/", views.batch_rollback, name="batch_rollback"),
    path("importer/<int:pk>/starta-igen/", views.batch_restart, name="batch_restart"),
]

# Indicator data on screen (views_presentation): a clinic's indicators, presentation mode, one indicator
# across the region.
from indicators import views_presentation  # noqa: E402

urlpatterns += [
    path("data/vardcentral/<int:clinic_pk>/", views_presentation.clinic_indicators, name="clinic_indicators"),
    path(
        "data/vardcentral/<int:clinic_pk>/visning/",
        views_presentation.clinic_presentation,
        name="clinic_presentation",
    ),
    path("data/indikator/<int:pk>/", views_presentation.indicator_region, name="indicator_region"),
]
