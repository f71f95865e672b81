"""The guide editor: a draft's agenda blocks, sections, sub-sections and questions. One URL per action;
every change is a POST form that works with the keyboard and without JavaScript. Each view returns to the
editor at the changed item (``#question-12``), where guide-editor.js puts the keyboard focus back."""

from django.contrib import messages
from django.http import Http404
from django.db.models import F
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dialogs import access
from dialogs.forms.guide import (
    AgendaBlockForm,
    DataSourceFormSet,
    MoveToSectionForm,
    QuestionForm,
    SectionForm,
    SubsectionForm,
    data_source_initial,
    data_sources_from,
)
from common.stamps import stamp
from dialogs.models import AgendaBlock, Question, Section
from dialogs.selectors import guide as selectors
from dialogs.services import guide as services
from dialogs.views.common import conflict_on_locked, redirect_to_editor


@conflict_on_locked
def version_edit(request, pk: int):
    version = access.get_draft_for_user_rw(request.user, pk)
    tree = selectors.guide_version_tree(version, with_indicators=True)
    return render(
        request,
        "dialogs/guide/edit.html",
        {"version": version, "guide": version.guide, "tree": tree},
    )


def _item_form_page(request, *, version, form, heading, anchor_prefix="", save=None, extra=None, saved=None):
    """Render an item's form, or run ``save(cleaned_data)`` and go back to the editor at the saved item.

    ``saved`` (changing an existing item): reads the item's form values as saved now. The form carries their stamp
    from when it was opened, and a save over someone else's later change answers 409 with the saved values shown
    above the person's own, unsaved form (services.item_save)."""
    context = {"version": version, "guide": version.guide, "form": form, "heading": heading, **(extra or {})}
    base = request.POST.get("stamp", "") if request.method == "POST" else ""
    if saved is not None:  # opened now: the form's initial values are the item as saved
        context["stamp"] = base or stamp(form.initial)
    if request.method == "POST" and form.is_valid() and all(part.is_valid() for part in (extra or {}).values()):
        try:
            item = services.item_save(version=version, base=base, saved=saved, save=lambda: save(form.cleaned_data))
        except services.GuideItemChanged as changed:
            context.update(stamp=changed.stamp, saved_values=_shown_values(form, changed.values))
            return render(request, "dialogs/guide/item_form.html", context, status=409)
        messages.success(request, _("Ändringen är sparad."))
        return redirect_to_editor(version.pk, f"{anchor_prefix}-{item.pk}")
    return render(request, "dialogs/guide/item_form.html", context)


def _shown_values(form, values: dict) -> list[tuple[str, str]]:
    """(label, value as read) of each of the form's fields, for showing an item as saved."""
    rows = []
    for name, field in form.fields.items():
        if name not in values or field.widget.is_hidden:
            continue
        value = values[name]
        if isinstance(value, bool):
            value = _("ja") if value else _("nej")
        elif isinstance(value, list | tuple):
            value = "; ".join(str(part) for part in value) or "–"
        elif getattr(field, "choices", None) and not hasattr(field, "queryset"):
            value = dict(field.choices).get(value, value)
        rows.append((field.label, value if value not in ("", None) else "–"))
    if "data_sources" in values:
        rows.append((_("Förslag på datakällor"), "; ".join(source["label"] for source in values["data_sources"]) or "–"))
    return rows


def _confirm_delete(request, *, version, heading, description, delete, anchor=""):
    if request.method == "POST":
        delete()
        messages.success(request, _("Borttaget."))
        return redirect_to_editor(version.pk, anchor)
    return render(
        request,
        "dialogs/guide/confirm_delete.html",
        {
            "version": version,
            "guide": version.guide,
            "heading": heading,
            "description": description,
            "cancel_url": redirect_to_editor(version.pk, anchor).url,
        },
    )


def _top_sections(version):
    return Section.objects.filter(version=version, parent=None).order_by("position")


# --- Agenda blocks ---------------------------------------------------------------------------------------


@conflict_on_locked
def agenda_create(request, pk: int):
    version = access.get_draft_for_user_rw(request.user, pk)
    form = AgendaBlockForm(request.POST or None, sections=_top_sections(version))
    return _item_form_page(
        request, version=version, form=form, heading=_("Ny agendapunkt"), anchor_prefix="agenda",
        save=lambda data: services.agenda_block_create(version=version, **data),
    )


@conflict_on_locked
def agenda_update(request, pk: int):
    block = access.get_agenda_block_for_user_rw(request.user, pk)
    form = AgendaBlockForm(request.POST or None, initial=_agenda_values(block), sections=_top_sections(block.version))
    return _item_form_page(
        request, version=block.version, form=form, heading=_("Ändra agendapunkt"), anchor_prefix="agenda",
        save=lambda data: services.agenda_block_update(block=block, **data),
        saved=lambda: _agenda_values(get_object_or_404(AgendaBlock, pk=block.pk)),
    )


def _agenda_values(block) -> dict:
    values = {field: getattr(block, field) for field in ("start", "end", "title", "participants")}
    return {**values, "sections": list(block.sections.all())}


@conflict_on_locked
def agenda_delete(request, pk: int):
    block = access.get_agenda_block_for_user_rw(request.user, pk)
    return _confirm_delete(
        request, version=block.version, heading=_("Ta bort agendapunkten?"), description=str(block),
        delete=lambda: services.agenda_block_delete(block=block), anchor="agenda",
    )


# --- Sections and sub-sections ---------------------------------------------------------------------------


@conflict_on_locked
def section_create(request, pk: int):
    version = access.get_draft_for_user_rw(request.user, pk)
    return _item_form_page(
        request, version=version, form=SectionForm(request.POST or None), heading=_("Nytt avsnitt"),
        anchor_prefix="section", save=lambda data: services.section_create(version=version, **data),
    )


@conflict_on_locked
def subsection_create(request, pk: int):
    parent = access.get_section_for_user_rw(request.user, pk)
    if parent.is_subsection:
        raise Http404  # the guide is two levels deep
    return _item_form_page(
        request, version=parent.version, form=SubsectionForm(request.POST or None),
        heading=_("Nytt delavsnitt i %(section)s") % {"section": parent.heading}, anchor_prefix="section",
        save=lambda data: services.section_create(version=parent.version, parent=parent, **data),
    )


@conflict_on_locked
def section_update(request, pk: int):
    section = access.get_section_for_user_rw(request.user, pk)
    form_class = SubsectionForm if section.is_subsection else SectionForm

    def values(current) -> dict:
        return {field: getattr(current, field) for field in form_class.base_fields}

    return _item_form_page(
        request, version=section.version, form=form_class(request.POST or None, initial=values(section)),
        heading=_("Ändra %(section)s") % {"section": section.heading}, anchor_prefix="section",
        save=lambda data: services.section_update(section=section, **data),
        saved=lambda: values(get_object_or_404(Section, pk=section.pk)),
    )


@conflict_on_locked
def section_delete(request, pk: int):
    section = access.get_section_for_user_rw(request.user, pk)
    return _confirm_delete(
        request, version=section.version, heading=_("Ta bort %(section)s?") % {"section": section.heading},
        description=_("Avsnittet tas bort med sina delavsnitt och frågor (%(count)s frågor).")
        % {"count": section.questions.count() + sum(sub.questions.count() for sub in section.subsections.all())},
        delete=lambda: services.section_delete(section=section), anchor="sections",
    )


# --- Questions -------------------------------------------------------------------------------------------


def _question_values(question) -> dict:
    values = {field: getattr(question, field) for field in ("text", "kind", "choices", "prompts", "help", "team_only")}
    return {**values, "followups": [followup.text for followup in question.followups.all()],
            "data_sources": data_source_initial(question)}


def _question_page(request, *, section, question=None):
    initial = _question_values(question) if question is not None else None
    form = QuestionForm(request.POST or None, initial=initial)
    sources = DataSourceFormSet(request.POST or None, initial=initial["data_sources"] if initial else None, prefix="sources")

    def save(data):
        data = {**data, "data_sources": data_sources_from(sources)}
        if question is None:
            return services.question_create(section=section, **data)
        return services.question_update(question=question, **data)

    heading = _("Ny fråga i %(section)s") % {"section": section.heading} if question is None else _("Ändra fråga")
    saved = (lambda: _question_values(get_object_or_404(Question, pk=question.pk))) if question is not None else None
    return _item_form_page(
        request, version=section.version, form=form, heading=heading, anchor_prefix="question", save=save,
        extra={"sources": sources}, saved=saved,
    )


@conflict_on_locked
def question_create(request, pk: int):
    return _question_page(request, section=access.get_section_for_user_rw(request.user, pk))


@conflict_on_locked
def question_update(request, pk: int):
    question = access.get_question_for_user_rw(request.user, pk)
    question.section.version = question.version
    return _question_page(request, section=question.section, question=question)


@conflict_on_locked
def question_delete(request, pk: int):
    question = access.get_question_for_user_rw(request.user, pk)
    return _confirm_delete(
        request, version=question.version, heading=_("Ta bort frågan?"), description=question.text,
        delete=lambda: services.question_delete(question=question), anchor=f"section-{question.section_id}",
    )


@conflict_on_locked
def question_move_to_section(request, pk: int):
    question = access.get_question_for_user_rw(request.user, pk)
    sections = Section.objects.filter(version=question.version).select_related("parent").order_by(
        Coalesce("parent__position", "position"), F("parent_id").asc(nulls_first=True), "position"
    )
    form = MoveToSectionForm(request.POST or None, sections=sections, initial={"section": question.section_id})
    if request.method == "POST" and form.is_valid():
        services.question_move_to_section(question=question, section=form.cleaned_data["section"])
        messages.success(request, _("Frågan är flyttad till %(section)s.") % {"section": form.cleaned_data["section"].heading})
        return redirect_to_editor(question.version_id, f"question-{question.pk}")
    heading = _("Flytta frågan till ett annat avsnitt")
    return render(
        request,
        "dialogs/guide/item_form.html",
        {"version": question.version, "guide": question.version.guide, "form": form, "heading": heading,
         "lead": question.text},
    )


# --- Moving up and down: one URL per direction -----------------------------------------------------------


def _move_view(get_item, move, offset: int, anchor_prefix: str, moved_message, edge_message):
    @require_POST
    @conflict_on_locked
    def view(request, pk: int):
        item = get_item(request.user, pk)
        if move(item, offset):
            messages.success(request, moved_message)
        else:
            messages.info(request, edge_message)
        return redirect_to_editor(item.version_id, f"{anchor_prefix}-{item.pk}")

    return view


UP, DOWN = -1, 1
FIRST, LAST = gettext_lazy("Den står redan först."), gettext_lazy("Den står redan sist.")


def _move_block(block, offset):
    return services.agenda_block_move(block=block, offset=offset)


def _move_section(section, offset):
    return services.section_move(section=section, offset=offset)


def _move_question(question, offset):
    return services.question_move(question=question, offset=offset)


get_block, get_section, get_question = (
    access.get_agenda_block_for_user_rw,
    access.get_section_for_user_rw,
    access.get_question_for_user_rw,
)
agenda_move_up = _move_view(get_block, _move_block, UP, "agenda", gettext_lazy("Agendapunkten är flyttad upp."), FIRST)
agenda_move_down = _move_view(get_block, _move_block, DOWN, "agenda", gettext_lazy("Agendapunkten är flyttad ner."), LAST)
section_move_up = _move_view(get_section, _move_section, UP, "section", gettext_lazy("Avsnittet är flyttat upp."), FIRST)
section_move_down = _move_view(get_section, _move_section, DOWN, "section", gettext_lazy("Avsnittet är flyttat ner."), LAST)
question_move_up = _move_view(get_question, _move_question, UP, "question", gettext_lazy("Frågan är flyttad upp."), FIRST)
question_move_down = _move_view(
    get_question, _move_question, DOWN, "question", gettext_lazy("Frågan är flyttad ner."), LAST
)
