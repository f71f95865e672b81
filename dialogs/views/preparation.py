"""Preparation by the three parties: all three read all three, each writes only its own."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs import access
from dialogs.forms.dialogue import PreparationForm
from dialogs.selectors import dialogue as selectors
from dialogs.selectors.continuity import party_agreements
from dialogs.services import dialogue as services
from dialogs.services.answers import merged_text
from dialogs.views.dialogue import show_service_errors
from organisations.models import Party

# The parties' responsibility on the day, as the method's structure for the dialogue suggests (Bilaga 1).
DEFAULT_RESPONSIBILITY = {
    Party.VARDCENTRAL: gettext_lazy("Visa och berätta om vårdcentralens data, gärna på storbildsskärm."),
    Party.BESTALLARE: gettext_lazy("Intervjua, med bisittare vid behov, och dokumentera samtalet."),
    Party.UTVECKLING: gettext_lazy("Intervjua, med bisittare vid behov, och dokumentera samtalet."),
}


def preparation_list(request, pk: int):
    dialogue = access.get_dialogue_for_user(request.user, pk)
    preparations = selectors.party_preparations(
        dialogue, selectors.dialogue_preparations(dialogue), access.parties_for_user(request.user, dialogue)
    )
    return render(request, "dialogs/dialogue/preparation_list.html", {"dialogue": dialogue, "preparations": preparations})


def preparation_update(request, pk: int, party: str):
    dialogue = access.get_dialogue_for_preparation_rw(request.user, pk, party)
    current = selectors.dialogue_preparations(dialogue).get(party)
    form = PreparationForm(
        request.POST or None,
        focus_groups=selectors.focus_groups(dialogue),
        initial=PreparationForm.initial_for(current, str(DEFAULT_RESPONSIBILITY[party])),
    )
    conflict, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.preparation_save(
                dialogue=dialogue, party=party, user=request.user,
                focus_section_ids=form.focus_ids("section"), focus_question_ids=form.focus_ids("question"),
                overview_notes=data["overview_notes"], data_sources=data["data_sources"],
                data_sources_other=data["data_sources_other"], responsibility=data["responsibility"],
                base_revision=data["base_revision"] or 0,
            )
        except services.PreparationConflict as error:
            form, conflict, status = _conflict_form(dialogue, error.current, data), _conflict(error.current, data), 409
        except ValidationError as error:
            show_service_errors([form], error)
        else:
            messages.success(request, _("Förberedelsen är sparad."))
            return redirect("dialogs:preparation_list", pk=dialogue.pk)
    agreements = party_agreements(dialogue, party, for_team=access.can_edit_dialogue(request.user, dialogue))
    context = {
        "dialogue": dialogue, "form": form, "party_label": Party(party).label, "party": party, "agreements": agreements,
        "conflict": conflict,
    }
    return render(request, "dialogs/dialogue/preparation_form.html", context, status=status)


CONFLICT_TEXTS = ("overview_notes", "responsibility", "data_sources_other")


def _conflict_form(dialogue, current, mine: dict) -> PreparationForm:
    """After a 409: the form holds what is saved now with this person's texts added after it, their own choice
    of areas and data sources, and the current revision, so saving it keeps every word."""
    initial = {
        **{name: value for name, value in mine.items() if name not in CONFLICT_TEXTS},
        **{name: merged_text(getattr(current, name), mine[name]) for name in CONFLICT_TEXTS},
        "base_revision": current.revision,
    }
    return PreparationForm(focus_groups=selectors.focus_groups(dialogue), initial=initial)


def _conflict(current, mine: dict) -> dict:
    """Who saved, when, and both versions of each text that differs."""
    texts = [
        {"label": PreparationForm.base_fields[name].label, "mine": mine[name].strip(), "theirs": getattr(current, name)}
        for name in CONFLICT_TEXTS
        if mine[name].strip() != getattr(current, name)
    ]
    return {"current": current, "texts": texts}
