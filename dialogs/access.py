"""Who may see and change the dialogue guide. Every guide view goes through these helpers.

Rules, on top of organisations/access.py:
- a region's guide is read by its follow-up team (administrators and uppföljare); clinic staff get 403 and
  people without a role in the region 404 (its existence is not revealed);
- drafts are read and edited only by the region's administrators (the rest of the team gets 403);
- the national default (no region) is read by anyone who follows up in some region and changed by nobody
  through the app (it is loaded from the shipped file);
- editing a version that is no longer a draft answers 409 (see ``GuideVersionLocked``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from dialogs.models import AgendaBlock, Guide, GuideVersion, Question, Section
from organisations.access import (
    get_active_region,
    is_follow_up_member,
    is_region_admin,
    regions_for_user,
    require_active_region,
    roles_in_region,
)
from organisations.models import Region


def _check_read(user, region) -> None:
    if region is None:
        if not any(is_follow_up_member(user, member_region) for member_region in regions_for_user(user)):
            raise PermissionDenied
        return
    if not user.is_authenticated or not roles_in_region(user, region):
        raise Http404
    if not is_follow_up_member(user, region):
        raise PermissionDenied


def _check_write(user, region) -> None:
    _check_read(user, region)
    if region is None or not is_region_admin(user, region):
        raise PermissionDenied


def can_edit_guide(user, guide: Guide) -> bool:
    return guide.region_id is not None and is_region_admin(user, guide.region)


def get_guide_for_user(user, pk: int) -> Guide:
    guide = Guide.objects.select_related("region").filter(pk=pk).first()
    if guide is None:
        raise Http404
    _check_read(user, guide.region)
    return guide


def get_guide_for_user_rw(user, pk: int) -> Guide:
    guide = get_guide_for_user(user, pk)
    _check_write(user, guide.region)
    return guide


def _version(pk: int) -> GuideVersion:
    version = GuideVersion.objects.select_related("guide__region", "published_by", "based_on").filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def get_version_for_user(user, pk: int) -> GuideVersion:
    """A version the user may read: published and retired ones for the follow-up team, drafts for the
    region's administrators."""
    version = _version(pk)
    _check_read(user, version.guide.region)
    if version.is_draft and not can_edit_guide(user, version.guide):
        raise PermissionDenied
    return version


def get_version_for_user_rw(user, pk: int) -> GuideVersion:
    """A version whose lifecycle the user may manage (publish, retire, start a draft from it)."""
    version = _version(pk)
    _check_write(user, version.guide.region)
    return version


def get_draft_for_user_rw(user, pk: int) -> GuideVersion:
    """A draft the user may edit; a published or retired version raises GuideVersionLocked (409)."""
    version = get_version_for_user_rw(user, pk)
    version.ensure_draft()
    return version


def _draft_item_for_user_rw(user, queryset, pk: int):
    """An agenda block, section or question of a draft the user may edit (409 when no longer a draft)."""
    item = queryset.select_related("version__guide__region").filter(pk=pk).first()
    if item is None:
        raise Http404
    _check_write(user, item.version.guide.region)
    item.version.ensure_draft()
    return item


def get_agenda_block_for_user_rw(user, pk: int) -> AgendaBlock:
    return _draft_item_for_user_rw(user, AgendaBlock.objects.all(), pk)


def get_section_for_user_rw(user, pk: int) -> Section:
    return _draft_item_for_user_rw(user, Section.objects.select_related("parent"), pk)


def get_question_for_user_rw(user, pk: int) -> Question:
    return _draft_item_for_user_rw(user, Question.objects.select_related("section"), pk)


def get_question_for_indicator_links_rw(user, pk: int) -> Question:
    """A question whose indicator links the user may change: a question of any version (draft, published or
    retired) of a guide of a region the user administers. Deliberately no draft check: which indicators are
    shown beside a question is presentation, not what is asked. The national default's questions: 403."""
    question = Question.objects.select_related("section__parent", "version__guide__region").filter(pk=pk).first()
    if question is None:
        raise Http404
    _check_write(user, question.version.guide.region)
    return question


def require_guide_reader(request: HttpRequest) -> Region:
    """The active region, provided the user is on its follow-up team (who read its guides); 403 otherwise."""
    region = require_active_region(request)
    if not is_follow_up_member(request.user, region):
        raise PermissionDenied
    return region


# --- Dialogues (issue 4) -----------------------------------------------------------------------------------
# A dialogue is seen by its region's follow-up team (administrators and uppföljare) and by its clinic's staff;
# anyone else gets 404. The team plans, moves, cancels and documents it; clinic staff get 403 on every write.
# Deleting a dialogue planned by mistake is for the region's administrators and the person who planned it.
# The documentation of the day is read by the team, and by the clinic's staff once the team has shared it. Each
# of the three parties (vårdcentral, beställarorganisation, utvecklingsavdelning) edits only its own
# preparation.

from django.db.models import Exists, OuterRef, QuerySet, Value  # noqa: E402

from dialogs.models.dialogue import Dialogue  # noqa: E402
from organisations.access import require_region_admin  # noqa: E402,F401  (used by views)
from organisations.models import Membership, Party, Role  # noqa: E402


def get_dialogue_for_user(user, pk: int) -> Dialogue:
    dialogue = (
        Dialogue.objects.for_user(user)
        .select_related("clinic__region", "guide_version__guide")
        .filter(pk=pk)
        .first()
    )
    if dialogue is None:
        raise Http404
    return dialogue


def with_editor_flag(dialogues: QuerySet, user) -> QuerySet:
    """Annotate whether ``user`` is on the follow-up team of each dialogue's region, so ``can_edit_dialogue``
    needs no query of its own (one query fewer on every on-site page and autosave)."""
    if not user.is_authenticated:
        return dialogues
    team_of_region = Membership.objects.filter(
        user=user, region_id=OuterRef("clinic__region_id"), role__in=[Role.ADMIN, Role.UPPFOLJARE]
    )
    return dialogues.annotate(editor_id=Value(user.pk), editor_follows_up=Exists(team_of_region))


def can_edit_dialogue(user, dialogue: Dialogue) -> bool:
    """The one rule for changing a dialogue: the region's follow-up team (uppföljare and administrators) plans,
    moves, cancels and documents it. Being on the dialogue's own team is not enough on its own: someone who has
    lost their role in the region has lost this too. Clinic staff read; they do not write."""
    if not user.is_authenticated:
        return False
    if getattr(dialogue, "editor_id", None) == user.pk:
        return dialogue.editor_follows_up
    return is_follow_up_member(user, dialogue.clinic.region)


def get_dialogue_for_user_rw(user, pk: int) -> Dialogue:
    dialogue = get_dialogue_for_user(user, pk)
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    return dialogue


def can_delete_dialogue(user, dialogue: Dialogue) -> bool:
    """Who may delete a dialogue planned by mistake: the region's administrators, and the person who planned it
    while they are still on the region's follow-up team. (Whether there is anything in it that forbids deleting
    is the service's rule, ``dialogue_deletion_blocker``.)"""
    if not can_edit_dialogue(user, dialogue):
        return False
    return dialogue.created_by_id == user.pk or is_region_admin(user, dialogue.clinic.region)


def get_dialogue_for_delete_rw(user, pk: int) -> Dialogue:
    dialogue = get_dialogue_for_user(user, pk)
    if not can_delete_dialogue(user, dialogue):
        raise PermissionDenied
    return dialogue


def can_read_documentation(user, dialogue: Dialogue) -> bool:
    return dialogue.is_documentation_shared or can_edit_dialogue(user, dialogue)


def get_dialogue_documentation_for_user(user, pk: int) -> Dialogue:
    """A dialogue whose documentation (answers, summary, exports) the user may read."""
    dialogue = get_dialogue_for_user(user, pk)
    if not can_read_documentation(user, dialogue):
        raise PermissionDenied
    return dialogue


def parties_for_user(user, dialogue: Dialogue) -> set[str]:
    """The parties the user speaks for in this dialogue: their uppföljare party in its region, and the
    vårdcentral for staff of its clinic."""
    if not user.is_authenticated:
        return set()
    parties = set()
    for role, party, clinic_id in Membership.objects.filter(user=user, region_id=dialogue.clinic.region_id).values_list(
        "role", "party", "clinic_id"
    ):
        if role == Role.UPPFOLJARE and party:
            parties.add(party)
        elif role == Role.VARDCENTRAL and clinic_id == dialogue.clinic_id:
            parties.add(Party.VARDCENTRAL)
    return parties


def get_dialogue_for_preparation_rw(user, pk: int, party: str) -> Dialogue:
    """A dialogue whose ``party`` preparation the user may write: their own party, before the day."""
    dialogue = get_dialogue_for_user(user, pk)
    if party not in Party.values:
        raise Http404
    if party not in parties_for_user(user, dialogue) or not dialogue.is_planning:
        raise PermissionDenied
    return dialogue


def require_follow_up_region(request) -> Region:
    """The active region, provided the user is on its follow-up team (administrator or uppföljare): who may
    plan dialogues (the same people who read its guides). 403 otherwise."""
    return require_guide_reader(request)


# --- On-site documentation (issue 4, items 5–6) --------------------------------------------------------------
# Read by the region's follow-up team, and by the clinic's staff once shared (403 before); written by the
# follow-up team (``can_edit_dialogue``; clinic staff 403) while the dialogue is not closed or cancelled (that
# rule is the answer service's). The dialogue comes annotated with the editor flag, so neither the page nor an
# autosave spends a query on roles.


def _dialogue_with_editor_flag(user, pk: int) -> Dialogue:
    dialogues = Dialogue.objects.for_user(user).select_related("clinic__region", "guide_version")
    dialogue = with_editor_flag(dialogues, user).filter(pk=pk).first()
    if dialogue is None:
        raise Http404
    return dialogue


def get_dialogue_for_documentation(user, pk: int) -> Dialogue:
    """A dialogue whose on-site documentation the user may read."""
    dialogue = _dialogue_with_editor_flag(user, pk)
    if not can_read_documentation(user, dialogue):
        raise PermissionDenied
    return dialogue


def get_dialogue_for_documentation_rw(user, pk: int) -> Dialogue:
    """A dialogue whose on-site documentation the user may write."""
    dialogue = _dialogue_with_editor_flag(user, pk)
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    return dialogue


# --- Agreements and fördjupad uppföljning (issue 13) ----------------------------------------------------------
# An agreement is read with its dialogue's documentation (the team; the clinic once the documentation is shared,
# 403 before) and written by the follow-up team. The clinic's staff update its status and comment on it between
# dialogues, once they can read it. A case (fördjupad uppföljning) exists only for the region's follow-up team and
# administrators: everyone else, clinic staff of its own clinic included, gets 404 for it and for every page
# about cases, so nobody outside the team can see or guess one.

from dialogs.models.agreements import Agreement  # noqa: E402
from dialogs.models.cases import Case, CaseDocument  # noqa: E402


def get_agreement_for_user(user, pk: int) -> Agreement:
    """An agreement the user may read: its dialogue is visible and its documentation readable."""
    agreement = (
        Agreement.objects.filter(pk=pk, dialogue__in=Dialogue.objects.for_user(user))
        .select_related("dialogue__clinic__region", "dialogue__guide_version", "updated_by")
        .first()
    )
    if agreement is None:
        raise Http404
    if not can_read_documentation(user, agreement.dialogue):
        raise PermissionDenied
    return agreement


def get_agreement_for_user_rw(user, pk: int) -> Agreement:
    """An agreement whose text, area, owner and due date the user may change: the region's follow-up team."""
    agreement = get_agreement_for_user(user, pk)
    if not can_edit_dialogue(user, agreement.dialogue):
        raise PermissionDenied
    return agreement


def can_update_agreement_status(user, agreement: Agreement) -> bool:
    """The follow-up team, and the staff of the agreement's clinic once its dialogue's documentation is shared."""
    dialogue = agreement.dialogue
    if can_edit_dialogue(user, dialogue):
        return True
    return dialogue.is_documentation_shared and Party.VARDCENTRAL in parties_for_user(user, dialogue)


def can_set_agreement_status(user, agreement: Agreement) -> bool:
    """Who moves an agreement's status: the follow-up team, and the clinic's staff for the agreements their clinic
    owns. The clinic comments on the others (those the beställarorganisation or utvecklingsavdelning owns)."""
    if can_edit_dialogue(user, agreement.dialogue):
        return True
    return agreement.owner == Party.VARDCENTRAL and can_update_agreement_status(user, agreement)


def get_agreement_for_status_rw(user, pk: int) -> Agreement:
    agreement = get_agreement_for_user(user, pk)
    if not can_update_agreement_status(user, agreement):
        raise PermissionDenied
    return agreement


def can_see_cases(user, region: Region) -> bool:
    """Cases are the region's follow-up team's and administrators' only."""
    return is_follow_up_member(user, region)


# Answers to questions the guide marks ``team_only`` (SKR's "Föreligger någon indikation för fördjupad
# uppföljning?" in the shipped guide) are read by the same people as cases: the region's follow-up team and its
# administrators. Every reader of answers that clinic staff can reach goes through these three: the documentation
# page and its PDF, CSV and Excel exports, the summary, the on-site screens and each answer's history, the previous
# dialogue's answers beside next year's questions and on the dialogue's page, the search, and the feedback deck's
# prefill (the deck is shared with the clinic). The archive package is the team's (clinic staff get 403) and keeps
# everything.


def reads_team_only(user, region: Region) -> bool:
    """Whether ``user`` reads answers to team-only questions in ``region``'s dialogues."""
    return can_see_cases(user, region)


def readable_answers(answers: QuerySet, *, team: bool) -> QuerySet:
    """``answers`` without those to team-only questions, unless the reader is on the team (``reads_team_only``)."""
    return answers if team else answers.filter(question__team_only=False)


def readable_rows(rows, *, team: bool, question=lambda row: row.question) -> list:
    """Rows laid out along the guide (one per question), without the team-only questions' rows for anyone else:
    the question goes too, so an unanswered-looking "–" says nothing either way."""
    return list(rows) if team else [row for row in rows if not question(row).team_only]


def require_case_reader(request) -> Region:
    """The active region, provided the user may see its cases; 404 for anyone else (clinic staff included)."""
    region = get_active_region(request)
    if region is None or not can_see_cases(request.user, region):
        raise Http404
    return region


def get_case_for_user(user, pk: int) -> Case:
    case = Case.objects.for_user(user).select_related("clinic__region", "dialogue", "owner", "opened_by").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def get_case_for_user_rw(user, pk: int) -> Case:
    """A case the user may work on: everyone who may see it (the region's follow-up team) follows it up."""
    return get_case_for_user(user, pk)


def get_case_document_for_user(user, pk: int) -> CaseDocument:
    document = CaseDocument.objects.filter(pk=pk, case__in=Case.objects.for_user(user)).first()
    if document is None:
        raise Http404
    return document


def get_case_document_for_user_rw(user, pk: int) -> CaseDocument:
    """A document the user may remove from its case: whoever works on the case (404 for everyone else)."""
    document = (
        CaseDocument.objects.filter(pk=pk, case__in=Case.objects.for_user(user))
        .defer("data")
        .select_related("case__clinic__region", "uploaded_by")
        .first()
    )
    if document is None:
        raise Http404
    return document


def get_dialogue_for_case_open_rw(user, pk: int) -> Dialogue:
    """A dialogue in whose summary the user may mark an indication for fördjupad uppföljning: the region's
    follow-up team. Anyone else gets 404, not 403: the clinic's staff must not learn that such a page exists for
    their dialogue."""
    dialogue = get_dialogue_for_user(user, pk)
    if not can_see_cases(user, dialogue.clinic.region):
        raise Http404
    return dialogue


# --- Medskick, the team's lessons and the evaluation (issue 14) -----------------------------------------------
# Medskick and lessons are read with the dialogue's documentation (the team; the clinic once it is shared, 403
# before) and written by the region's follow-up team. The clinic's staff comment on a medskick once they can read
# it (it is in their shared deck). A dialogue is evaluated by the people who took part: its team members, and the
# clinic's participants – with their personal link, or signed in as clinic staff whose e-mail address is a
# participant's. Anyone else who sees the dialogue gets 403; the rest 404. Nobody reads another person's answers.

from dialogs.models.dialogue import ClinicParticipant, TeamMember  # noqa: E402
from dialogs.models.evaluations import RespondentGroup  # noqa: E402
from dialogs.models.learning import Medskick, TeamLesson  # noqa: E402


def get_medskick_for_user(user, pk: int) -> Medskick:
    medskick = (
        Medskick.objects.filter(pk=pk, dialogue__in=Dialogue.objects.for_user(user))
        .select_related("dialogue__clinic__region")
        .first()
    )
    if medskick is None:
        raise Http404
    if not can_read_documentation(user, medskick.dialogue):
        raise PermissionDenied
    return medskick


def get_medskick_for_user_rw(user, pk: int) -> Medskick:
    medskick = get_medskick_for_user(user, pk)
    if not can_edit_dialogue(user, medskick.dialogue):
        raise PermissionDenied
    return medskick


def can_comment_medskick(user, dialogue: Dialogue) -> bool:
    """The follow-up team, and the staff of the dialogue's clinic once its documentation is shared."""
    if can_edit_dialogue(user, dialogue):
        return True
    return dialogue.is_documentation_shared and Party.VARDCENTRAL in parties_for_user(user, dialogue)


def get_medskick_for_comment_rw(user, pk: int) -> Medskick:
    medskick = get_medskick_for_user(user, pk)
    if not can_comment_medskick(user, medskick.dialogue):
        raise PermissionDenied
    return medskick


def get_lesson_for_user_rw(user, pk: int) -> TeamLesson:
    lesson = (
        TeamLesson.objects.filter(pk=pk, dialogue__in=Dialogue.objects.for_user(user))
        .select_related("dialogue__clinic__region")
        .first()
    )
    if lesson is None:
        raise Http404
    if not can_edit_dialogue(user, lesson.dialogue):
        raise PermissionDenied
    return lesson


def evaluation_respondent(user, dialogue: Dialogue) -> tuple[str, ClinicParticipant | None] | None:
    """Who the signed-in user answers the dialogue's evaluation as: (group, participant), or None when they did not
    take part. A team member answers for the team; clinic staff of the dialogue's clinic whose e-mail address is
    one of the dialogue's participants' answer as that participant (so their personal link and their account edit
    the same answer). Two queries at most."""
    if not user.is_authenticated:
        return None
    if TeamMember.objects.filter(dialogue=dialogue, user=user).exists():
        return RespondentGroup.TEAM, None
    email = (user.email or "").strip()
    if not email or Party.VARDCENTRAL not in parties_for_user(user, dialogue):
        return None
    participant = (
        ClinicParticipant.objects.filter(dialogue=dialogue, email__iexact=email).order_by("position", "pk").first()
    )
    return (RespondentGroup.VARDCENTRAL, participant) if participant is not None else None


def get_dialogue_for_evaluation(user, pk: int) -> tuple[Dialogue, tuple[str, ClinicParticipant | None]]:
    """A dialogue the user may evaluate, and as whom; 404 when they cannot see it, 403 when they did not take part."""
    dialogue = get_dialogue_for_user(user, pk)
    respondent = evaluation_respondent(user, dialogue)
    if respondent is None:
        raise PermissionDenied(_evaluation_refusal(user, dialogue))
    return dialogue, respondent


def _evaluation_refusal(user, dialogue: Dialogue) -> str:
    """Why the user may not answer the evaluation, and what to do (the 403 page shows it)."""
    if Party.VARDCENTRAL in parties_for_user(user, dialogue):
        email = (user.email or "").strip()
        if not email:
            return _("Utvärderingen besvaras av dem som deltog i dialogen, och ditt konto har ingen e-postadress att "
                     "känna igen dig på. Använd den personliga länken i inbjudan, eller be uppföljningsteamet om hjälp.")
        return _("Utvärderingen besvaras av dem som deltog i dialogen, och ingen av de anmälda deltagarna har din "
                 "e-postadress (%(email)s). Använd den personliga länken i inbjudan, eller be uppföljningsteamet lägga "
                 "till din e-postadress bland deltagarna.") % {"email": email}
    return _("Utvärderingen besvaras av uppföljningsteamet och vårdcentralens deltagare, och du var inte med i "
             "teamet för den här dialogen.")
