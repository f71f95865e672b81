"""Forms of fördjupad uppföljning (issue 13): marking the indication, a status change, the owner, a dated note and
a document upload. Who may own a case is handed in by the view; the services check again and save."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dialogs.forms.dialogue import DateInput
from dialogs.models.cases import CASE_NOTE_MAX_LENGTH, CASE_REASON_MAX_LENGTH, CaseCategory, CaseStatus
from dialogs.models.dialogue import person_name

SELECT = forms.Select(attrs={"class": "form-select"})


class CaseOpenForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=CaseCategory.choices, widget=SELECT)
    reason = forms.CharField(
        label=_("Vad bygger indikationen på?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=CASE_REASON_MAX_LENGTH,
        help_text=_("Syns bara för uppföljningsteamet och regionens administratörer, aldrig för vårdcentralen."),
    )


class CaseTransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=CaseStatus.choices, widget=SELECT)
    note = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=CASE_NOTE_MAX_LENGTH,
        help_text=_("Krävs när uppföljningen avslutas: skriv vad den kom fram till."),
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class CaseDocumentDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför tas dokumentet bort? (valfritt)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=CASE_NOTE_MAX_LENGTH,
        help_text=_("Står i ärendets historik tillsammans med filnamnet, t.ex. ”fel fil, hör till ett annat ärende”."),
    )


class CaseOwnerForm(forms.Form):
    owner = OwnerChoiceField(label=_("Ansvarig"), queryset=None, empty_label=_("Ingen ansvarig"), required=False, widget=SELECT)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["owner"].queryset = get_user_model().objects.filter(pk__in=[user.pk for user in candidates])


class CaseNoteForm(forms.Form):
    text = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 4}), max_length=CASE_NOTE_MAX_LENGTH)
    noted_on = forms.DateField(label=_("Datum"), widget=DateInput(), initial=timezone.localdate)


class CaseDocumentForm(forms.Form):
    file = forms.FileField(label=pgettext_lazy("one uploaded file", "Dokument"))
