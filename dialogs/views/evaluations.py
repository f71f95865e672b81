"""The evaluation of a dialogue (issue 14): the form for the people who took part, signed in (team members, and
clinic staff who are among its participants) or through a participant's personal link without an account. A
second submit edits the same answer. The form opens when the dialogue is held (409 with the reason before)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from dialogs import access
from dialogs.forms.learning import EvaluationForm
from dialogs.models.evaluations import CRITERIA_SOURCE, RespondentGroup, round_closed, round_closes_on
from dialogs.services import evaluations as services


def evaluation(request, pk: int):
    dialogue, (group, participant) = access.get_dialogue_for_evaluation(request.user, pk)
    respondent = services.Respondent(group, user=request.user, participant=participant)
    return _page(request, dialogue, respondent, reverse("dialogs:evaluation", args=[dialogue.pk]))


@login_not_required
@never_cache
def evaluation_link(request, token: str):
    """A participant's personal link: the token alone says who answers (their account, if any, is not asked for)."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404
    respondent = services.Respondent(RespondentGroup.VARDCENTRAL, participant=invitation.participant)
    return _page(request, invitation.dialogue, respondent, reverse("dialogs:evaluation_link", args=[token]))


def _page(request, dialogue, respondent: services.Respondent, action: str):
    earlier = services.own_evaluation(dialogue, respondent)
    form = EvaluationForm(request.POST or None, initial=EvaluationForm.initial_for(earlier))
    context = {"dialogue": dialogue, "form": form, "earlier": earlier, "action": action, "source": CRITERIA_SOURCE,
               "as_team": respondent.group == RespondentGroup.TEAM}
    if dialogue.is_cancelled or not dialogue.is_held or round_closed(dialogue.date):
        context["closes_on"] = round_closes_on(dialogue.date)
        return render(request, "dialogs/evaluations/closed.html", context, status=409)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _evaluation, created = services.evaluation_submit(
                dialogue=dialogue, respondent=respondent, scores=form.scores(), went_well=data["went_well"],
                improve=data["improve"],
            )
        except services.EvaluationInvalid as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except services.EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Tack för ditt svar!") if created else _("Ditt svar är ändrat."))
            return redirect(action)
    return render(request, "dialogs/evaluations/form.html", context, status=400 if form.errors else 200)
