from django.urls import path

from organisations import views, views_signin

app_name = "organisations"

urlpatterns = [
    path("vardcentraler/", views.clinic_list, name="clinic_list"),
    path("vardcentraler/ny/", views.clinic_create, name="clinic_create"),
    path("vardcentraler/importera/", views.clinic_import, name="clinic_import"),
    path("vardcentraler/importera/mall.csv", views.clinic_import_template, name="clinic_import_template"),
    path("vardcentraler/<int:pk>/", views.clinic_detail, name="clinic_detail"),
    path("vardcentraler/<int:pk>/redigera/", views.clinic_update, name="clinic_update"),
    path("medlemmar/", views.member_list, name="member_list"),
    path("medlemmar/ny/", views.member_create, name="member_create"),
    path("medlemmar/<int:pk>/redigera/", views.member_update, name="member_update"),
    path("medlemmar/<int:pk>/ta-bort/", views.member_delete, name="member_delete"),
    path("region/byt/", views.region_switch, name="region_switch"),
    path("region/inloggning/", views_signin.region_sign_in, name="region_sign_in"),
]
