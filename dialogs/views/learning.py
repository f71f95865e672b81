"""Medskick and the team's lessons (issue 14): one page per dialogue ("Medskick och lärdomar", reached from the on-site
screens and the summary) where the team records them on the day and afterwards, each item edited on its own page
with the revision rule (a stale edit answers 409 with both texts) and deleted when made by mistake; and comments
on a medskick, by the clinic's staff once they can read it (from the page or their shared deck) and by the team.
Each view: access helper → form → one service → response."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogs import access
from dialogs.forms.learning import LessonForm, MedskickCommentForm, MedskickForm
from dialogs.selectors.agreements import area_choices
from dialogs.selectors.learning import dialogue_lessons, dialogue_medskick
from dialogs.services import learning as services
from dialogs.services.answers import merged_text
from dialogs.views.dialogue import show_service_errors


# Both forms are on one page: their fields get ids of their own.
MEDSKICK_IDS, LESSON_IDS = "medskick_%s", "lesson_%s"


def _page_url(dialogue, anchor: str = "") -> str:
    return reverse("dialogs:learning_items", args=[dialogue.pk]) + (f"#{anchor}" if anchor else "")


def _page(request, dialogue, *, medskick_form=None, lesson_form=None, status: int = 200):
    can_edit = access.can_edit_dialogue(request.user, dialogue) and not dialogue.is_cancelled
    areas = area_choices(dialogue) if can_edit else []
    context = {
        "dialogue": dialogue,
        "medskick": dialogue_medskick(dialogue),
        "lessons": dialogue_lessons(dialogue),
        "can_edit": can_edit,
        "can_comment": access.can_comment_medskick(request.user, dialogue) and not dialogue.is_cancelled,
        "medskick_form": medskick_form or MedskickForm(areas=areas, auto_id=MEDSKICK_IDS),
        "lesson_form": lesson_form or LessonForm(auto_id=LESSON_IDS),
    }
    return render(request, "dialogs/learning/items.html", context, status=status)


def learning_items(request, pk: int):
    dialogue = access.get_dialogue_documentation_for_user(request.user, pk)
    return _page(request, dialogue)


@require_POST
def medskick_create(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    form = MedskickForm(request.POST, areas=area_choices(dialogue), auto_id=MEDSKICK_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.medskick_create(
                dialogue=dialogue, user=request.user, text=data["text"], categories=data["categories"],
                area=data["area"], raised_by=data["raised_by"],
            )
        except (ValidationError, services.LearningError) as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Medskicket är sparat."))
            return redirect(_page_url(dialogue, "medskick"))
    return _page(request, dialogue, medskick_form=form, status=400)


def medskick_update(request, pk: int):
    medskick = access.get_medskick_for_user_rw(request.user, pk)
    areas = area_choices(medskick.dialogue)
    form = MedskickForm(request.POST or None, areas=areas, initial=MedskickForm.initial_for(medskick))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.medskick_update(
                medskick=medskick, user=request.user, base_revision=data["base_revision"] or 0, text=data["text"],
                categories=data["categories"], area=data["area"], raised_by=data["raised_by"],
            )
        except services.ItemConflict as conflict:
            current = conflict.current
            merged = {**MedskickForm.initial_for(current), "text": merged_text(current.text, data["text"])}
            return _conflict(request, "dialogs/learning/medskick_form.html", current, data, MedskickForm(initial=merged, areas=areas))
        except (ValidationError, services.LearningError) as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Medskicket är sparat."))
            return redirect(_page_url(medskick.dialogue, f"medskick-{medskick.pk}"))
    context = {"dialogue": medskick.dialogue, "item": medskick, "form": form}
    return render(request, "dialogs/learning/medskick_form.html", context, status=400 if form.errors else 200)


def _show_errors(form, error: Exception) -> None:
    if isinstance(error, ValidationError):
        show_service_errors([form], error)
    else:
        form.add_error(None, str(error))


def _conflict(request, template: str, current, mine: dict, form):
    """409: someone saved in between. Both texts are shown; the form holds the merge on top of what is saved now."""
    context = {"dialogue": current.dialogue, "item": current, "form": form, "conflict": {"mine": mine["text"], "current": current}}
    return render(request, template, context, status=409)


def medskick_delete(request, pk: int):
    medskick = access.get_medskick_for_user_rw(request.user, pk)
    blocker = services.medskick_deletion_blocker(medskick)
    if request.method == "POST" and not blocker:
        try:
            services.medskick_delete(medskick=medskick, user=request.user)
        except services.LearningError as error:
            blocker = str(error)
        else:
            messages.success(request, _("Medskicket är borttaget."))
            return redirect(_page_url(medskick.dialogue, "medskick"))
    context = {"dialogue": medskick.dialogue, "item": medskick, "blocker": blocker, "kind": "medskick"}
    return render(request, "dialogs/learning/delete_confirm.html", context, status=409 if blocker else 200)


@require_POST
def medskick_comment(request, pk: int):
    medskick = access.get_medskick_for_comment_rw(request.user, pk)
    form = MedskickCommentForm(request.POST)
    back = form.back_url(request, _page_url(medskick.dialogue, f"medskick-{medskick.pk}"))
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("text") or _("Skriv en kommentar."))
        services.medskick_comment_add(medskick=medskick, user=request.user, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Kommentaren är sparad."))
    return redirect(back)


@require_POST
def lesson_create(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    form = LessonForm(request.POST, auto_id=LESSON_IDS)
    if form.is_valid():
        try:
            services.team_lesson_create(dialogue=dialogue, user=request.user, text=form.cleaned_data["text"])
        except (ValidationError, services.LearningError) as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Lärdomen är sparad."))
            return redirect(_page_url(dialogue, "lardomar"))
    return _page(request, dialogue, lesson_form=form, status=400)


def lesson_update(request, pk: int):
    lesson = access.get_lesson_for_user_rw(request.user, pk)
    form = LessonForm(request.POST or None, initial={"text": lesson.text, "base_revision": lesson.revision})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_lesson_update(lesson=lesson, user=request.user, base_revision=data["base_revision"] or 0, text=data["text"])
        except services.ItemConflict as conflict:
            merged = LessonForm(initial={"text": merged_text(conflict.current.text, data["text"]),
                                         "base_revision": conflict.current.revision})
            return _conflict(request, "dialogs/learning/lesson_form.html", conflict.current, data, merged)
        except (ValidationError, services.LearningError) as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Lärdomen är sparad."))
            return redirect(_page_url(lesson.dialogue, "lardomar"))
    context = {"dialogue": lesson.dialogue, "item": lesson, "form": form}
    return render(request, "dialogs/learning/lesson_form.html", context, status=400 if form.errors else 200)


def lesson_delete(request, pk: int):
    lesson = access.get_lesson_for_user_rw(request.user, pk)
    if request.method == "POST":
        try:
            services.team_lesson_delete(lesson=lesson, user=request.user)
        except services.LearningError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Lärdomen är borttagen."))
        return redirect(_page_url(lesson.dialogue, "lardomar"))
    context = {"dialogue": lesson.dialogue, "item": lesson, "blocker": "", "kind": "lesson"}
    return render(request, "dialogs/learning/delete_confirm.html", context)
