"""Issue 14's panels, collected by the dialogs app's own providers (dialogs/summary_panels.py, detail_panels.py):
on the summary page, the dialogue's medskick and the team's lessons, with the way to the page where they are
written; on the dialogue's own page, the evaluation's results (each group once at least three have answered) and,
for someone who took part, the way to answer."""

from dialogs.access import can_edit_dialogue, can_read_documentation, evaluation_respondent
from dialogs.models.evaluations import Evaluation, round_closed, round_closes_on
from dialogs.panels import MAIN, SIDE, Panel
from dialogs.selectors.evaluations import dialogue_results
from dialogs.selectors.learning import dialogue_lessons, dialogue_medskick


def summary_panels(dialogue, *, user, can_edit: bool) -> list[Panel]:
    if not can_read_documentation(user, dialogue):
        return []
    context = {
        "medskick": dialogue_medskick(dialogue),
        "lessons": dialogue_lessons(dialogue),
        "can_edit": can_edit and not dialogue.is_cancelled,
    }
    return [Panel(key="learning", template="dialogs/learning/_summary_panel.html", column=MAIN, order=30, context=context)]


def detail_panels(dialogue, *, user, can_edit: bool) -> list[Panel]:
    if not dialogue.is_held:
        return []
    respondent = evaluation_respondent(user, dialogue)
    answered = False
    if respondent is not None:
        group, participant = respondent
        own = Evaluation.objects.filter(dialogue=dialogue)
        answered = (own.filter(participant=participant) if participant else own.filter(user=user)).exists()
    released = round_closed(dialogue.date)
    context = {
        "results": dialogue_results(dialogue), "can_answer": respondent is not None and not released, "answered": answered,
        "team": can_edit_dialogue(user, dialogue), "closes_on": round_closes_on(dialogue.date), "released": released,
    }
    return [Panel(key="evaluation", template="dialogs/evaluations/_results_panel.html", column=SIDE, order=20, context=context)]
