"""The dialogue guide's URLs in the authorization matrix (tests/authz_matrix.py), as each persona meets them
on GET. Region A's follow-up team reads its guide, only A's administrator edits, clinic staff get 403 and
region B's outsider 404. POST-only actions answer 405 to GET; their permissions are tested with POSTs in
test_views_guide.py."""

from tests.authz_matrix import REGION_A_ADMIN_OBJECT, REGION_ADMIN_ONLY, Route, statuses
from tests.dialogs.factories import region_a_draft, region_a_published, region_a_two_versions

FOLLOW_UP_TEAM_OF_A = statuses(200, staff_a1=403, staff_a2=403, outsider=404)
FOLLOW_UP_TEAMS = statuses(200, staff_a1=403, staff_a2=403)
POST_ONLY = statuses(405)


def published(world):
    return {"pk": region_a_published(world).pk}


def draft(world):
    return {"pk": region_a_draft(world).pk}


def guide_of_a(world):
    return {"pk": region_a_published(world).guide_id}


def draft_item(related: str, **filters):
    def kwargs(world):
        return {"pk": getattr(region_a_draft(world), related).filter(**filters).order_by("pk").first().pk}

    return kwargs


def national(world):
    from dialogs.services.guide import guide_load_shipped

    return {"pk": guide_load_shipped()[0].pk}


def national_question(world):
    from dialogs.services.guide import guide_load_shipped

    return {"pk": guide_load_shipped()[0].questions.order_by("pk").first().pk}


ROUTES = [
    Route("dialogs:guide_list", FOLLOW_UP_TEAMS),
    Route("dialogs:guide_adopt", POST_ONLY),
    Route("dialogs:guide_import", REGION_ADMIN_ONLY),
    Route("dialogs:guide_detail", FOLLOW_UP_TEAM_OF_A, kwargs=guide_of_a),
    Route(
        "dialogs:guide_diff",
        FOLLOW_UP_TEAM_OF_A,
        kwargs=lambda world: {"pk": region_a_two_versions(world)[0].guide_id},
    ),
    # Reading a version: the follow-up team for published ones, administrators for drafts, everyone who
    # follows up somewhere for the national default.
    Route("dialogs:version_detail", FOLLOW_UP_TEAM_OF_A, kwargs=published),
    Route("dialogs:version_detail", REGION_A_ADMIN_OBJECT, kwargs=draft),
    Route("dialogs:version_detail", FOLLOW_UP_TEAMS, kwargs=national),
    Route("dialogs:version_export", FOLLOW_UP_TEAM_OF_A, kwargs=published),
    Route("dialogs:version_print", FOLLOW_UP_TEAM_OF_A, kwargs=published),
    Route("dialogs:version_pdf", FOLLOW_UP_TEAM_OF_A, kwargs=published),
    Route("dialogs:version_pdf", REGION_A_ADMIN_OBJECT, kwargs=draft),
    # Lifecycle.
    Route("dialogs:version_draft_start", POST_ONLY, kwargs=published),
    Route("dialogs:version_retire", POST_ONLY, kwargs=published),
    Route("dialogs:version_reinstate", POST_ONLY, kwargs=published),
    Route("dialogs:version_update", REGION_A_ADMIN_OBJECT, kwargs=draft),
    Route("dialogs:version_publish", REGION_A_ADMIN_OBJECT, kwargs=draft),
    Route("dialogs:version_delete", REGION_A_ADMIN_OBJECT, kwargs=draft),
    # The editor: only for drafts; a published version answers 409 to its administrator.
    Route("dialogs:version_edit", REGION_A_ADMIN_OBJECT, kwargs=draft),
    Route("dialogs:version_edit", statuses(403, admin=409, outsider=404), kwargs=published),
    Route("dialogs:agenda_create", REGION_A_ADMIN_OBJECT, kwargs=draft),
    Route("dialogs:section_create", REGION_A_ADMIN_OBJECT, kwargs=draft),
    Route("dialogs:agenda_update", REGION_A_ADMIN_OBJECT, kwargs=draft_item("agenda_blocks")),
    Route("dialogs:agenda_delete", REGION_A_ADMIN_OBJECT, kwargs=draft_item("agenda_blocks")),
    Route("dialogs:agenda_move_up", POST_ONLY, kwargs=draft_item("agenda_blocks")),
    Route("dialogs:agenda_move_down", POST_ONLY, kwargs=draft_item("agenda_blocks")),
    Route("dialogs:section_update", REGION_A_ADMIN_OBJECT, kwargs=draft_item("sections")),
    Route("dialogs:section_delete", REGION_A_ADMIN_OBJECT, kwargs=draft_item("sections")),
    Route("dialogs:section_move_up", POST_ONLY, kwargs=draft_item("sections")),
    Route("dialogs:section_move_down", POST_ONLY, kwargs=draft_item("sections")),
    Route("dialogs:subsection_create", REGION_A_ADMIN_OBJECT, kwargs=draft_item("sections", parent=None)),
    Route("dialogs:question_create", REGION_A_ADMIN_OBJECT, kwargs=draft_item("sections")),
    Route("dialogs:question_update", REGION_A_ADMIN_OBJECT, kwargs=draft_item("questions")),
    Route("dialogs:question_update", statuses(403, admin=409, outsider=404),
          kwargs=lambda world: {"pk": region_a_published(world).questions.first().pk}),
    Route("dialogs:question_delete", REGION_A_ADMIN_OBJECT, kwargs=draft_item("questions")),
    Route("dialogs:question_move_up", POST_ONLY, kwargs=draft_item("questions")),
    Route("dialogs:question_move_down", POST_ONLY, kwargs=draft_item("questions")),
    Route("dialogs:question_move_to_section", REGION_A_ADMIN_OBJECT, kwargs=draft_item("questions")),
    # The indicators beside a question are presentation: A's administrator chooses them on drafts and published
    # versions alike (200, not 409); the national default's questions are changed by nobody (403).
    Route("dialogs:question_indicators", REGION_A_ADMIN_OBJECT, kwargs=draft_item("questions")),
    Route(
        "dialogs:question_indicators",
        REGION_A_ADMIN_OBJECT,
        kwargs=lambda world: {"pk": region_a_published(world).questions.order_by("pk").first().pk},
    ),
    Route(
        "dialogs:question_indicators",
        statuses(403),
        kwargs=national_question,
    ),
]


# On-site documentation. The follow-up team of region A documents; clinic A1's staff read only once the
# documentation is shared (403 before); others get 404. The autosave endpoint is POST only (its permissions are
# tested with POSTs in test_onsite_views.py).
def _onsite(world, *, shared=False, **extra):
    from tests.dialogs.onsite_factories import onsite_dialogue

    dialogue = onsite_dialogue(world, shared=shared)
    return {"pk": dialogue.pk, **{name: value(dialogue) for name, value in extra.items()}}


def _first_question(dialogue):
    return dialogue.guide_version.questions.get(key="p1-q01").pk


DOCUMENTING_TEAM_OF_A = statuses(200, staff_a1=403, staff_a2=404, outsider=404)
SHARED_WITH_CLINIC_A1 = statuses(200, staff_a2=404, outsider=404)

ROUTES += [
    Route("dialogs:onsite", statuses(302, staff_a1=403, staff_a2=404, outsider=404), kwargs=_onsite),
    Route("dialogs:onsite_section", DOCUMENTING_TEAM_OF_A, kwargs=lambda world: _onsite(world, section_key=lambda d: "p1")),
    Route(
        "dialogs:onsite_section",
        SHARED_WITH_CLINIC_A1,
        kwargs=lambda world: _onsite(world, shared=True, section_key=lambda d: "p4"),
    ),
    Route("dialogs:answer_autosave", POST_ONLY, kwargs=lambda world: _onsite(world, question_pk=_first_question)),
    Route("dialogs:answer_history", DOCUMENTING_TEAM_OF_A, kwargs=lambda world: _onsite(world, question_pk=_first_question)),
    Route(
        "dialogs:answer_history",
        SHARED_WITH_CLINIC_A1,
        kwargs=lambda world: _onsite(world, shared=True, question_pk=_first_question),
    ),
    # Notes of the agenda blocks without questions (issue 10): the same rules as the answers.
    Route("dialogs:agenda_notes", DOCUMENTING_TEAM_OF_A, kwargs=lambda world: _onsite(world)),
    Route("dialogs:agenda_notes", SHARED_WITH_CLINIC_A1, kwargs=lambda world: _onsite(world, shared=True)),
    Route("dialogs:agenda_note_autosave", POST_ONLY, kwargs=lambda world: _onsite(world, block_pk=_notes_block)),
    Route("dialogs:agenda_note_history", DOCUMENTING_TEAM_OF_A, kwargs=lambda world: _onsite(world, block_pk=_notes_block)),
    Route(
        "dialogs:agenda_note_history",
        SHARED_WITH_CLINIC_A1,
        kwargs=lambda world: _onsite(world, shared=True, block_pk=_notes_block),
    ),
]


def _notes_block(dialogue):
    from dialogs.services.agenda_notes import note_blocks

    return note_blocks(dialogue)[0].pk


# Dialogues: overview, planning, letter, preparations, summary, follow-up meeting and exports (issue 4). A dialogue
# at clinic A1 is seen by region A's follow-up team and A1's staff; A2's staff and region B's outsider get 404.
# The team plans and changes it (A1's staff 403). Each party edits only its own preparation. The documentation
# (summary, exports) is read by the team, and by A1's staff once shared. POST-only actions answer 405 to GET;
# their permissions are tested with POSTs in test_dialogue_views.py.
def _planned(world):
    from tests.dialogs.dialogue_factories import plan

    return {"pk": plan(world).pk}


def _held(world, *, shared=False, booked=False):
    from dialogs.models.dialogue import DialogueStatus
    from dialogs.services.dialogue import dialogue_share_documentation
    from tests.dialogs.dialogue_factories import held

    dialogue = held(world, status=DialogueStatus.GENOMFORD)
    if booked:
        # Booked while the feedback is not shared yet: sharing it would share the documentation too.
        import datetime

        from dialogs.services.dialogue import follow_up_book

        follow_up_book(
            dialogue=dialogue, user=world.user("bestallare"), date=dialogue.date + datetime.timedelta(days=30),
            start_time=datetime.time(9), duration_minutes=60, video_link="", focus_area="",
        )
    if shared:
        dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    return {"pk": dialogue.pk}


def _preparation(party):
    return lambda world: {**_planned(world), "party": party}


SEEN_WITH_CLINIC_A1 = statuses(200, staff_a2=404, outsider=404)
TEAM_OF_A_ON_A1 = statuses(200, staff_a1=403, staff_a2=404, outsider=404)

ROUTES += [
    Route("dialogs:dialogue_list", statuses(200)),
    Route("dialogs:dialogue_list", statuses(200), query="?status=planerad&year=2026"),
    Route("dialogs:dialogue_clinics", statuses(200)),
    Route("dialogs:dialogue_clinics", statuses(200), query="?months=12"),
    Route("dialogs:dialogue_create", statuses(200, staff_a1=403, staff_a2=403)),
    Route("dialogs:letter_template_update", REGION_ADMIN_ONLY),
    Route("dialogs:letter_template_reset", POST_ONLY),
    Route("dialogs:dialogue_detail", SEEN_WITH_CLINIC_A1, kwargs=_planned),
    Route("dialogs:dialogue_detail", SEEN_WITH_CLINIC_A1, kwargs=_held),
    Route("dialogs:dialogue_update", TEAM_OF_A_ON_A1, kwargs=_planned),
    Route("dialogs:dialogue_update", statuses(403, staff_a2=404, outsider=404), kwargs=_held),
    Route("dialogs:dialogue_transition", POST_ONLY, kwargs=_planned),
    # Cancelling: the follow-up team, before the day (409 once held). Deleting a dialogue planned by mistake:
    # the region's administrators and the person who planned it (the beställare in _planned); not the rest of
    # the team, never the clinic (409 once held, with the reason).
    Route("dialogs:dialogue_cancel", TEAM_OF_A_ON_A1, kwargs=_planned),
    Route("dialogs:dialogue_cancel", statuses(409, staff_a1=403, staff_a2=404, outsider=404), kwargs=_held),
    Route("dialogs:dialogue_delete", statuses(403, admin=200, bestallare=200, staff_a2=404, outsider=404), kwargs=_planned),
    Route("dialogs:dialogue_delete", statuses(403, admin=409, bestallare=409, staff_a2=404, outsider=404), kwargs=_held),
    Route("dialogs:dialogue_ics", SEEN_WITH_CLINIC_A1, kwargs=_planned),
    Route("dialogs:dialogue_letter", SEEN_WITH_CLINIC_A1, kwargs=_planned),
    Route("dialogs:dialogue_letter_pdf", SEEN_WITH_CLINIC_A1, kwargs=_planned),
    Route("dialogs:dialogue_letter_send", POST_ONLY, kwargs=_planned),  # POSTs: test_dialogue_mail.py
    Route("dialogs:preparation_list", SEEN_WITH_CLINIC_A1, kwargs=_planned),
    Route("dialogs:preparation_update", statuses(403, bestallare=200, staff_a2=404, outsider=404), kwargs=_preparation("bestallare")),
    Route("dialogs:preparation_update", statuses(403, utveckling=200, staff_a2=404, outsider=404), kwargs=_preparation("utveckling")),
    Route("dialogs:preparation_update", statuses(403, staff_a1=200, staff_a2=404, outsider=404), kwargs=_preparation("vardcentral")),
    Route("dialogs:preparation_update", statuses(404), kwargs=_preparation("okand")),
    Route("dialogs:dialogue_summary", TEAM_OF_A_ON_A1, kwargs=_held),
    Route("dialogs:dialogue_summary", SEEN_WITH_CLINIC_A1, kwargs=lambda world: _held(world, shared=True)),
    Route("dialogs:dialogue_share", POST_ONLY, kwargs=_held),
    Route("dialogs:follow_up_book", TEAM_OF_A_ON_A1, kwargs=_held),
    Route("dialogs:follow_up_waive", TEAM_OF_A_ON_A1, kwargs=_held),
    Route("dialogs:follow_up_ics", TEAM_OF_A_ON_A1, kwargs=lambda world: _held(world, booked=True)),
    Route("dialogs:follow_up_ics", SEEN_WITH_CLINIC_A1, kwargs=lambda world: _held(world, shared=True, booked=True)),
    Route("dialogs:dialogue_documentation", TEAM_OF_A_ON_A1, kwargs=_held),
    Route("dialogs:dialogue_documentation", SEEN_WITH_CLINIC_A1, kwargs=lambda world: _held(world, shared=True)),
    Route("dialogs:dialogue_export_pdf", TEAM_OF_A_ON_A1, kwargs=_held),
    Route("dialogs:dialogue_export_csv", TEAM_OF_A_ON_A1, kwargs=_held),
    Route("dialogs:dialogue_export_xlsx", TEAM_OF_A_ON_A1, kwargs=_held),
    Route("dialogs:dialogue_export_xlsx", SEEN_WITH_CLINIC_A1, kwargs=lambda world: _held(world, shared=True)),
]
