"""Forms of agreements (issue 13): the team's form (text, 5P area, owner, due date; the revision an edit started
from), the status-and-comment form the clinic's staff use too, and the follow-up meeting's status per agreement.
The 5P areas offered are handed in by the view; saving is ``dialogs.services.agreements``'s job."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogs.forms.dialogue import DateInput
from dialogs.models.agreements import AGREEMENT_COMMENT_MAX_LENGTH, AGREEMENT_TEXT_MAX_LENGTH, AgreementStatus
from organisations.models import Party

SELECT = forms.Select(attrs={"class": "form-select"})


class AgreementForm(forms.Form):
    text = forms.CharField(
        label=_("Överenskommelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=AGREEMENT_TEXT_MAX_LENGTH,
        help_text=_("Vad ska göras, så att alla tre parter kan se när det är gjort."),
    )
    area = forms.ChoiceField(label=_("5P-område"), required=False, widget=SELECT)
    owner = forms.ChoiceField(label=_("Ansvarig"), choices=Party.choices, initial=Party.VARDCENTRAL, widget=SELECT)
    due_date = forms.DateField(label=_("Klart senast (valfritt)"), required=False, widget=DateInput())
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False)

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Hela verksamheten / inget särskilt område")), *areas]

    @staticmethod
    def initial_for(agreement) -> dict:
        return {
            "text": agreement.text,
            "area": agreement.area,
            "owner": agreement.owner,
            "due_date": agreement.due_date,
            "base_revision": agreement.revision,
        }


class AgreementStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AgreementStatus.choices, widget=SELECT)
    comment = forms.CharField(
        label=_("Kommentar (valfritt)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=AGREEMENT_COMMENT_MAX_LENGTH,
        help_text=_("Vad har hänt sedan sist? Kommentaren sparas med datum."),
    )


class AnswerLineForm(forms.Form):
    line = forms.IntegerField(min_value=0, max_value=10_000)
    # The line's words as the page showed them: the line is found by them if the answer has changed since.
    text = forms.CharField(required=False, strip=False, max_length=AGREEMENT_TEXT_MAX_LENGTH)


class FollowUpStatusesForm(forms.Form):
    """One status and comment per agreement of the dialogue, as recorded at the follow-up video meeting."""

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreements = list(agreements)
        for agreement in self.agreements:
            self.fields[f"status_{agreement.pk}"] = forms.ChoiceField(
                label=_("Status"), choices=AgreementStatus.choices, initial=agreement.status,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"comment_{agreement.pk}"] = forms.CharField(
                label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                max_length=AGREEMENT_COMMENT_MAX_LENGTH,
            )

    def rows(self):
        """(agreement, status field, comment field) for the template."""
        return [(agreement, self[f"status_{agreement.pk}"], self[f"comment_{agreement.pk}"]) for agreement in self.agreements]

    def updates(self) -> list[tuple]:
        return [
            (agreement, self.cleaned_data[f"status_{agreement.pk}"], self.cleaned_data[f"comment_{agreement.pk}"])
            for agreement in self.agreements
        ]
