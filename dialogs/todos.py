"""To-dos of the dialogs app for the start page (programme/todos.py collects ``<app>/todos.py``): evaluate the
dialogues one took part in (issue 14) – a team member their team's held dialogues, clinic staff the dialogues of
their clinic where their e-mail address is a participant's – while the evaluation round is open (the day and
``ROUND_DAYS`` after) and they have not answered. Three queries at most."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs.models.dialogue import HELD_STATUSES, ClinicParticipant, Dialogue
from dialogs.models.evaluations import ROUND_DAYS, Evaluation, round_closes_on

EVALUATIONS = gettext_lazy("Utvärdering")


def todos(context) -> list:
    email = (getattr(context.user, "email", "") or "").strip()
    took_part = Q(team_members__user=context.user)
    if context.clinic_ids and email:
        took_part |= Q(clinic_id__in=context.clinic_ids) & Exists(
            ClinicParticipant.objects.filter(dialogue=OuterRef("pk"), email__iexact=email)
        )
    elif not context.is_team:
        return []
    answered = Evaluation.objects.filter(dialogue=OuterRef("pk")).filter(
        Q(user=context.user) | Q(participant__email__iexact=email) if email else Q(user=context.user)
    )
    dialogues = (
        Dialogue.objects.filter(took_part, clinic__region=context.region, status__in=HELD_STATUSES,
                                date__lte=context.today, date__gte=context.today - timedelta(days=ROUND_DAYS))
        .exclude(Exists(answered))
        .select_related("clinic")
        .distinct()
        .order_by("date", "pk")
    )
    return [
        context.todo(
            group=EVALUATIONS, due=round_closes_on(dialogue.date),
            url=reverse("dialogs:evaluation", args=[dialogue.pk]),
            title=_("Utvärdera dialogen med %(clinic)s %(date)s") % {
                "clinic": dialogue.clinic.name, "date": date_format(dialogue.date, "j F Y")},
        )
        for dialogue in dialogues
    ]
