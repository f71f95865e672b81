"""Issue 14's URLs in the authorization matrix (tests/authz_matrix.py), as each persona meets them on GET.

Medskick and lessons are read with the dialogue's documentation (the team; A1's staff once shared, 403 before) and
written by region A's follow-up team. The evaluation is answered by those who took part: the dialogue's team (the
beställare and the utvecklare; region A's administrator was not on it: 403) and A1's staff whose address is a
participant's; it opens when the dialogue is held (409 before). A participant's personal link opens for whoever
holds it. The region's learning report is its follow-up team's and administrators' (each in their own region: B's
outsider sees B's); the national view only the nationell läsare's (404 for everyone else). POST-only actions answer
405 to GET; their permissions are tested with POSTs in test_items.py and test_evaluations.py."""

from tests.authz_matrix import Route, statuses

TEAM_OF_A_ON_A1 = statuses(200, staff_a1=403, staff_a2=404, outsider=404)
SHARED_WITH_A1 = statuses(200, staff_a2=404, outsider=404)
POST_ONLY = statuses(405)
TOOK_PART = statuses(200, admin=403, staff_a2=404, outsider=404)
REPORT_READERS = statuses(200, staff_a1=403, staff_a2=403)
NATIONAL_READER = statuses(404, national=200)
TOKEN = "t" * 43


def _held(world, shared=False):
    from dialogs.services.dialogue import dialogue_share_documentation
    from tests.learning.factories import held_with_participants

    dialogue = held_with_participants(world)
    if shared:
        dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    return dialogue


def _medskick(world):
    from tests.learning.factories import medskick

    return {"pk": medskick(world, _held(world)).pk}


def _lesson(world):
    from tests.learning.factories import lesson

    return {"pk": lesson(world, _held(world)).pk}


def _planned(world):
    from tests.learning.factories import PARTICIPANTS, plan

    return {"pk": plan(world, participants=PARTICIPANTS).pk}


def _link(world):
    from dialogs.models.evaluations import EvaluationInvitation
    from dialogs.services.evaluations import token_digest

    dialogue = _held(world)
    participant = dialogue.clinic_participants.order_by("position").last()
    EvaluationInvitation.objects.create(dialogue=dialogue, participant=participant, token_digest=token_digest(TOKEN),
                                        sent_to="x@example.org")
    return {"token": TOKEN}


ROUTES = [
    Route("dialogs:learning_items", TEAM_OF_A_ON_A1, kwargs=lambda world: {"pk": _held(world).pk}),
    Route("dialogs:learning_items", SHARED_WITH_A1, kwargs=lambda world: {"pk": _held(world, shared=True).pk}),
    Route("dialogs:medskick_create", POST_ONLY, kwargs=lambda world: {"pk": _held(world).pk}),
    Route("dialogs:medskick_update", TEAM_OF_A_ON_A1, kwargs=_medskick),
    Route("dialogs:medskick_delete", TEAM_OF_A_ON_A1, kwargs=_medskick),
    Route("dialogs:medskick_comment", POST_ONLY, kwargs=_medskick),
    Route("dialogs:lesson_create", POST_ONLY, kwargs=lambda world: {"pk": _held(world).pk}),
    Route("dialogs:lesson_update", TEAM_OF_A_ON_A1, kwargs=_lesson),
    Route("dialogs:lesson_delete", TEAM_OF_A_ON_A1, kwargs=_lesson),
    Route("dialogs:evaluation", TOOK_PART, kwargs=lambda world: {"pk": _held(world).pk}),
    Route("dialogs:evaluation", statuses(409, admin=403, staff_a2=404, outsider=404), kwargs=_planned),
    Route("dialogs:evaluation_link", statuses(200, anonymous=200), kwargs=_link),
    Route("dialogs:evaluation_link", statuses(404, anonymous=404), kwargs=lambda world: {"token": "x" * 43}),
    Route("learning:report", REPORT_READERS),
    Route("learning:report", REPORT_READERS, query="?fran=2025-01-01&till=2026-12-31&indelning=halvar&kategori=villkor&omrade=p1"),
    Route("learning:report_pptx", REPORT_READERS),
    Route("learning:report_pdf", REPORT_READERS),
    Route("learning:report_csv", REPORT_READERS),
    Route("learning:report_xlsx", REPORT_READERS),
    Route("learning:national", NATIONAL_READER),
    Route("learning:national", NATIONAL_READER, query="?indelning=ar&kategori=ovrigt"),
    Route("learning:national_pptx", NATIONAL_READER),
    Route("learning:national_pdf", NATIONAL_READER),
]
