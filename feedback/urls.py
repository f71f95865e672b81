from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("dialog/<int:dialogue_pk>/skapa/", views.report_create, name="report_create"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/avsnitt/<slug:key>/", views.section_edit, name="section_edit"),
    path("<int:pk>/diagram/", views.charts_edit, name="charts_edit"),
    path("<int:pk>/dela/", views.report_share, name="report_share"),
    path("<int:pk>/utkast.<str:fmt>", views.draft_download, name="draft_download"),
    path("version/<int:pk>/", views.version_detail, name="version_detail"),
    path("version/<int:pk>/fil.<str:fmt>", views.version_download, name="version_download"),
    path("version/<int:pk>/avsnitt/<slug:key>/kommentera/", views.comment_create, name="comment_create"),
    path("version/<int:pk>/kvittera/", views.version_acknowledge, name="version_acknowledge"),
    path("kommentar/<int:pk>/svara/", views.reply_create, name="reply_create"),
    path("utseende/", views.theme_edit, name="theme_edit"),
    # Issue 13: an improvement point of the draft becomes an agreement of the dialogue (from its summary page).
    path("<int:pk>/overenskommelse-fran-punkt/", views.improvement_agreement, name="improvement_agreement"),
]
