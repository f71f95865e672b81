"""Agreements, fördjupad uppföljning, the clinic's page and the search (issue 13) in the authorization matrix
(tests/authz_matrix.py), as each persona meets them on GET.

Agreements of a dialogue at clinic A1 are read with its documentation (A1's staff once it is shared) and written
by region A's follow-up team (A1's staff 403). A case exists only for the region's follow-up team and
administrators: clinic staff of A1 too get 404, for the list as well. The clinic's page is seen by whoever sees the
clinic; the search by everyone with a role (each in their own region). POST-only actions answer 405 to GET; their
permissions are tested with POSTs in test_agreement_views.py and test_cases.py."""

import datetime

from tests.authz_matrix import Route, statuses

TEAM_OF_A_ON_A1 = statuses(200, staff_a1=403, staff_a2=404, outsider=404)
SHARED_WITH_A1 = statuses(200, staff_a2=404, outsider=404)
CASE_OF_A = statuses(200, staff_a1=404, staff_a2=404, outsider=404)
POST_ONLY = statuses(405)


def _dialogue(world):
    from tests.continuity.factories import last_year

    return last_year(world)


def _agreement(world):
    from tests.continuity.factories import agreement

    return {"pk": agreement(world, _dialogue(world)).pk}


def _booked(world):
    from dialogs.services.dialogue import follow_up_book
    from tests.continuity.factories import agreement

    dialogue = _dialogue(world)
    agreement(world, dialogue)
    follow_up_book(dialogue=dialogue, user=world.user("bestallare"), date=dialogue.date + datetime.timedelta(days=60),
                   start_time=datetime.time(13, 0), duration_minutes=45, video_link="", focus_area="")
    return {"pk": dialogue.pk}


def _case(world):
    from tests.continuity.factories import case

    return {"pk": case(world).pk}


def _document(world):
    from dialogs.services.cases import case_document_add
    from tests.continuity.factories import case

    document = case_document_add(case=case(world), user=world.user("bestallare"), name="rapport.pdf", data=b"%PDF-1.4\n%%EOF\n")
    return {"pk": document.pk}


def _report(world):
    from feedback.services import feedback_create

    return {"pk": feedback_create(dialogue=_dialogue(world), user=world.user("bestallare")).pk}


ROUTES = [
    Route("dialogs:agreement_create", TEAM_OF_A_ON_A1, kwargs=lambda world: {"pk": _dialogue(world).pk}),
    Route("dialogs:agreement_from_answer", POST_ONLY, kwargs=lambda world: {
        "pk": (dialogue := _dialogue(world)).pk, "question_pk": dialogue.guide_version.questions.get(key="sammanfattning-q02").pk}),
    Route("dialogs:follow_up_agreements", TEAM_OF_A_ON_A1, kwargs=_booked),
    # Without a booked meeting there is nothing to record the statuses with: 409 for the team, with the way there.
    Route("dialogs:follow_up_agreements", statuses(409, staff_a1=403, staff_a2=404, outsider=404),
          kwargs=lambda world: {"pk": _dialogue(world).pk}),
    Route("dialogs:agreement_detail", SHARED_WITH_A1, kwargs=_agreement),
    Route("dialogs:agreement_update", TEAM_OF_A_ON_A1, kwargs=_agreement),
    Route("dialogs:agreement_status", POST_ONLY, kwargs=_agreement),
    Route("dialogs:agreement_delete", TEAM_OF_A_ON_A1, kwargs=_agreement),
    Route("dialogs:case_open", CASE_OF_A, kwargs=lambda world: {"pk": _dialogue(world).pk}),
    # The region's own list: region B's outsider follows up there and sees B's (empty) list.
    Route("dialogs:case_list", statuses(200, staff_a1=404, staff_a2=404)),
    Route("dialogs:case_list", statuses(200, staff_a1=404, staff_a2=404), query="?visa=alla"),
    Route("dialogs:case_detail", CASE_OF_A, kwargs=_case),
    Route("dialogs:case_transition", POST_ONLY, kwargs=_case),
    Route("dialogs:case_owner", POST_ONLY, kwargs=_case),
    Route("dialogs:case_note", POST_ONLY, kwargs=_case),
    Route("dialogs:case_document_upload", POST_ONLY, kwargs=_case),
    Route("dialogs:case_document_download", CASE_OF_A, kwargs=_document),
    # GET is the confirmation page; the POST that removes is tested in test_case_documents.py.
    Route("dialogs:case_document_delete", CASE_OF_A, kwargs=_document),
    Route("feedback:improvement_agreement", POST_ONLY, kwargs=_report),
    Route("continuity:clinic", statuses(200, staff_a2=404, outsider=404), kwargs=lambda world: {"pk": _dialogue(world).clinic_id}),
    Route("continuity:search", statuses(200)),
    Route("continuity:search", statuses(200), query="?q=läkare&omrade=p1&status=pagar"),
]
