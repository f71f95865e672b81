from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("gallring/regel/", views.retention_settings, name="retention_settings"),
    path("gallring/", views.retention_preview, name="retention_preview"),
    path("gallring/bekrafta/", views.retention_confirm, name="retention_confirm"),
    path("gallring/<int:pk>/", views.retention_batch, name="retention_batch"),
    path("personer/<int:pk>/registerutdrag.json", views.person_extract, name="person_extract"),
    path("personer/<int:pk>/ta-bort/", views.person_remove, name="person_remove"),
    path("mina-uppgifter/", views.my_data, name="my_data"),
    path("mina-uppgifter/registerutdrag.json", views.my_extract, name="my_extract"),
]
