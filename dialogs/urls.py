from django.urls import path

from dialogs import views
from dialogs.views import guide, guide_editor

app_name = "dialogs"

urlpatterns = [
    path("", views.index, name="index"),
    # The dialogue guide (dialogstöd): guides, versions and their lifecycle.
    path("dialogstod/", guide.guide_list, name="guide_list"),
    path("dialogstod/anvand-forlaga/", guide.guide_adopt, name="guide_adopt"),
    path("dialogstod/importera/", guide.guide_import, name="guide_import"),
    path("dialogstod/<int:pk>/", guide.guide_detail, name="guide_detail"),
    path("dialogstod/<int:pk>/jamfor/", guide.guide_diff, name="guide_diff"),
    path("dialogstod/versioner/<int:pk>/", guide.version_detail, name="version_detail"),
    path("dialogstod/versioner/<int:pk>/exportera/", guide.version_export, name="version_export"),
    path("dialogstod/versioner/<int:pk>/utskrift/", guide.version_print, name="version_print"),
    path("dialogstod/versioner/<int:pk>/pdf/", guide.version_pdf, name="version_pdf"),
    path("dialogstod/versioner/<int:pk>/nytt-utkast/", guide.version_draft_start, name="version_draft_start"),
    path("dialogstod/versioner/<int:pk>/uppgifter/", guide.version_update, name="version_update"),
    path("dialogstod/versioner/<int:pk>/publicera/", guide.version_publish, name="version_publish"),
    path("dialogstod/versioner/<int:pk>/dra-tillbaka/", guide.version_retire, name="version_retire"),
    path("dialogstod/versioner/<int:pk>/ateraktivera/", guide.version_reinstate, name="version_reinstate"),
    path("dialogstod/versioner/<int:pk>/ta-bort/", guide.version_delete, name="version_delete"),
    # The editor of a draft.
    path("dialogstod/versioner/<int:pk>/redigera/", guide_editor.version_edit, name="version_edit"),
    path("dialogstod/versioner/<int:pk>/agenda/ny/", guide_editor.agenda_create, name="agenda_create"),
    path("dialogstod/versioner/<int:pk>/avsnitt/nytt/", guide_editor.section_create, name="section_create"),
    path("dialogstod/agenda/<int:pk>/", guide_editor.agenda_update, name="agenda_update"),
    path("dialogstod/agenda/<int:pk>/ta-bort/", guide_editor.agenda_delete, name="agenda_delete"),
    path("dialogstod/agenda/<int:pk>/upp/", guide_editor.agenda_move_up, name="agenda_move_up"),
    path("dialogstod/agenda/<int:pk>/ner/", guide_editor.agenda_move_down, name="agenda_move_down"),
    path("dialogstod/avsnitt/<int:pk>/", guide_editor.section_update, name="section_update"),
    path("dialogstod/avsnitt/<int:pk>/ta-bort/", guide_editor.section_delete, name="section_delete"),
    path("dialogstod/avsnitt/<int:pk>/upp/", guide_editor.section_move_up, name="section_move_up"),
    path("dialogstod/avsnitt/<int:pk>/ner/", guide_editor.section_move_down, name="section_move_down"),
    path("dialogstod/avsnitt/<int:pk>/delavsnitt/nytt/", guide_editor.subsection_create, name="subsection_create"),
    path("dialogstod/avsnitt/<int:pk>/fragor/ny/", guide_editor.question_create, name="question_create"),
    path("dialogstod/fragor/<int:pk>/", guide_editor.question_update, name="question_update"),
    path("dialogstod/fragor/<int:pk>/ta-bort/", guide_editor.question_delete, name="question_delete"),
    path("dialogstod/fragor/<int:pk>/upp/", guide_editor.question_move_up, name="question_move_up"),
    path("dialogstod/fragor/<int:pk>/ner/", guide_editor.question_move_down, name="question_move_down"),
    path("dialogstod/fragor/<int:pk>/flytta/", guide_editor.question_move_to_section, name="question_move_to_section"),
]
