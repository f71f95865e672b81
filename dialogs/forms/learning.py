"""Forms of medskick, the team's lessons and the evaluation (issue 14). The 5P areas are handed in by the view;
saving is ``dialogs.services.learning``'s and ``…evaluations``'s job."""

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from dialogs.models.evaluations import CRITERIA, FREE_TEXT_MAX_LENGTH
from dialogs.models.learning import (
    LESSON_TEXT_MAX_LENGTH,
    MEDSKICK_COMMENT_MAX_LENGTH,
    MEDSKICK_TEXT_MAX_LENGTH,
    MedskickCategory,
    RaisedBy,
)

SELECT = forms.Select(attrs={"class": "form-select"})
DONT_KNOW = "vet-ej"


class MedskickForm(forms.Form):
    text = forms.CharField(
        label=_("Medskick"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MEDSKICK_TEXT_MAX_LENGTH,
        help_text=_("Vad vill ni att förvaltningen ska veta eller ändra? Skriv så att den som läser förstår utan att ha varit med."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Kategori (en eller flera)"), choices=MedskickCategory.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en kategori.")},
    )
    area = forms.ChoiceField(label=_("5P-område (valfritt)"), required=False, widget=SELECT)
    raised_by = forms.ChoiceField(label=_("Lyft av"), choices=RaisedBy.choices, initial=RaisedBy.VARDCENTRAL, widget=SELECT)
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False)

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Inget särskilt område")), *areas]

    @staticmethod
    def initial_for(medskick) -> dict:
        return {
            "text": medskick.text, "categories": medskick.categories, "area": medskick.area,
            "raised_by": medskick.raised_by, "base_revision": medskick.revision,
        }


class LessonForm(forms.Form):
    text = forms.CharField(
        label=_("Lärdom för uppföljningsteamet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LESSON_TEXT_MAX_LENGTH,
        help_text=_("Vad gör ni annorlunda nästa gång?"),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False)


class MedskickCommentForm(forms.Form):
    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 2}), max_length=MEDSKICK_COMMENT_MAX_LENGTH)
    back = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def back_url(self, request, default: str) -> str:
        """Where to go after commenting: the page the form was on (a path of this site), else ``default``."""
        back = self.cleaned_data.get("back") if self.is_valid() else ""
        if back and back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return back
        return default


SCORE_CHOICES = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5"), (DONT_KNOW, _("vet ej"))]


class EvaluationForm(forms.Form):
    """The six criteria (SKR's words), each 1–5 or "vet ej", and two questions in free text."""

    went_well = forms.CharField(
        label=_("Vad fungerade bra i dialogen?"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
    )
    improve = forms.CharField(
        label=_("Vad kan bli bättre till nästa gång?"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion.key] = forms.ChoiceField(
                label=criterion.text, choices=SCORE_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": _("Välj ett värde från 1 till 5, eller ”vet ej”.")},
            )

    @staticmethod
    def initial_for(evaluation) -> dict:
        if evaluation is None:
            return {}
        initial = {key: DONT_KNOW if value is None else str(value) for key, value in evaluation.scores().items()}
        return {**initial, "went_well": evaluation.went_well, "improve": evaluation.improve}

    def criteria_fields(self):
        return [self[criterion.key] for criterion in CRITERIA]

    def scores(self) -> dict[str, int | None]:
        return {
            criterion.key: None if self.cleaned_data[criterion.key] == DONT_KNOW else int(self.cleaned_data[criterion.key])
            for criterion in CRITERIA
        }
