from django.urls import path

from dialogs import views
from dialogs.views import agreements, cases, dialogue, guide, guide_editor, letter, onsite, preparation

from dialogs.views import agenda_notes  # noqa: E402
from dialogs.views import evaluations, learning  # noqa: E402

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
    # Which indicators are shown beside a question: on any version, drafts and published alike.
    path("dialogstod/fragor/<int:pk>/indikatorer/", guide.question_indicators, name="question_indicators"),
    # On-site documentation of a dialogue: one screen per section, autosave per answer, each answer's history.
    path("<int:pk>/dokumentation/", onsite.onsite_start, name="onsite"),
    path("<int:pk>/dokumentation/<slug:section_key>/", onsite.onsite_section, name="onsite_section"),
    path("<int:pk>/dokumentation/fragor/<int:question_pk>/spara/", onsite.answer_autosave, name="answer_autosave"),
    path(
        "<int:pk>/dokumentation/fragor/<int:question_pk>/historik/", onsite.answer_history_view, name="answer_history"
    ),
    # Notes of the agenda blocks without questions, saved like the answers.
    path("<int:pk>/programpunkter/", agenda_notes.agenda_notes, name="agenda_notes"),
    path(
        "<int:pk>/programpunkter/<int:block_pk>/spara/",
        agenda_notes.agenda_note_autosave,
        name="agenda_note_autosave",
    ),
    path(
        "<int:pk>/programpunkter/<int:block_pk>/historik/", agenda_notes.agenda_note_history, name="agenda_note_history"
    ),
    # Dialogues (issue 4): overview, planning, the letter, preparations, summary, follow-up meeting, exports.
    path("oversikt/", dialogue.dialogue_list, name="dialogue_list"),
    path("vardcentraler/", dialogue.dialogue_clinics, name="dialogue_clinics"),
    path("ny/", dialogue.dialogue_create, name="dialogue_create"),
    path("brevmall/", letter.letter_template_update, name="letter_template_update"),
    path("brevmall/aterstall/", letter.letter_template_reset, name="letter_template_reset"),
    path("<int:pk>/", dialogue.dialogue_detail, name="dialogue_detail"),
    path("<int:pk>/andra/", dialogue.dialogue_update, name="dialogue_update"),
    path("<int:pk>/status/", dialogue.dialogue_transition, name="dialogue_transition"),
    path("<int:pk>/stall-in/", dialogue.dialogue_cancel, name="dialogue_cancel"),
    path("<int:pk>/ta-bort/", dialogue.dialogue_delete, name="dialogue_delete"),
    path("<int:pk>/kalender.ics", dialogue.dialogue_ics, name="dialogue_ics"),
    path("<int:pk>/forord/", letter.dialogue_letter, name="dialogue_letter"),
    path("<int:pk>/forord.pdf", letter.dialogue_letter_pdf, name="dialogue_letter_pdf"),
    path("<int:pk>/forord/skicka/", letter.dialogue_letter_send, name="dialogue_letter_send"),
    path("<int:pk>/forberedelser/", preparation.preparation_list, name="preparation_list"),
    path("<int:pk>/forberedelser/<str:party>/", preparation.preparation_update, name="preparation_update"),
    path("<int:pk>/sammanfattning/", dialogue.dialogue_summary, name="dialogue_summary"),
    path("<int:pk>/dela/", dialogue.dialogue_share, name="dialogue_share"),
    path("<int:pk>/uppfoljningsmote/", dialogue.follow_up_book, name="follow_up_book"),
    path("<int:pk>/uppfoljningsmote/inget/", dialogue.follow_up_waive, name="follow_up_waive"),
    path("<int:pk>/uppfoljningsmote.ics", dialogue.follow_up_ics, name="follow_up_ics"),
    path("<int:pk>/export/", dialogue.dialogue_documentation, name="dialogue_documentation"),
    path("<int:pk>/export/dokumentation.pdf", dialogue.dialogue_export_pdf, name="dialogue_export_pdf"),
    path("<int:pk>/export/dokumentation.csv", dialogue.dialogue_export_csv, name="dialogue_export_csv"),
    path("<int:pk>/export/dokumentation.xlsx", dialogue.dialogue_export_xlsx, name="dialogue_export_xlsx"),
    # Agreements (issue 13): made in the summary, followed between dialogues, reviewed at the follow-up meeting.
    path("<int:pk>/overenskommelser/ny/", agreements.agreement_create, name="agreement_create"),
    path(
        "<int:pk>/overenskommelser/fran-svar/<int:question_pk>/",
        agreements.agreement_from_answer,
        name="agreement_from_answer",
    ),
    path("<int:pk>/uppfoljningsmote/overenskommelser/", agreements.follow_up_agreements, name="follow_up_agreements"),
    path("overenskommelser/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("overenskommelser/<int:pk>/andra/", agreements.agreement_update, name="agreement_update"),
    path("overenskommelser/<int:pk>/status/", agreements.agreement_status, name="agreement_status"),
    path("overenskommelser/<int:pk>/ta-bort/", agreements.agreement_delete, name="agreement_delete"),
    # Fördjupad uppföljning (issue 13): the region's follow-up team and administrators only.
    path("<int:pk>/fordjupad-uppfoljning/ny/", cases.case_open, name="case_open"),
    path("fordjupad-uppfoljning/", cases.case_list, name="case_list"),
    path("fordjupad-uppfoljning/<int:pk>/", cases.case_detail, name="case_detail"),
    path("fordjupad-uppfoljning/<int:pk>/status/", cases.case_transition, name="case_transition"),
    path("fordjupad-uppfoljning/<int:pk>/ansvarig/", cases.case_owner, name="case_owner"),
    path("fordjupad-uppfoljning/<int:pk>/anteckning/", cases.case_note, name="case_note"),
    path("fordjupad-uppfoljning/<int:pk>/dokument/", cases.case_document_upload, name="case_document_upload"),
    path("fordjupad-uppfoljning/dokument/<int:pk>/", cases.case_document_download, name="case_document_download"),
    path("fordjupad-uppfoljning/dokument/<int:pk>/ta-bort/", cases.case_document_delete, name="case_document_delete"),
    # Medskick, the team's lessons and the evaluation of the dialogue (issue 14).
    path("<int:pk>/medskick/", learning.learning_items, name="learning_items"),
    path("<int:pk>/medskick/ny/", learning.medskick_create, name="medskick_create"),
    path("medskick/<int:pk>/andra/", learning.medskick_update, name="medskick_update"),
    path("medskick/<int:pk>/ta-bort/", learning.medskick_delete, name="medskick_delete"),
    path("medskick/<int:pk>/kommentera/", learning.medskick_comment, name="medskick_comment"),
    path("<int:pk>/lardomar/ny/", learning.lesson_create, name="lesson_create"),
    path("lardomar/<int:pk>/andra/", learning.lesson_update, name="lesson_update"),
    path("lardomar/<int:pk>/ta-bort/", learning.lesson_delete, name="lesson_delete"),
    path("<int:pk>/utvardering/", evaluations.evaluation, name="evaluation"),
    path("utvardering/<slug:token>/", evaluations.evaluation_link, name="evaluation_link"),
]
