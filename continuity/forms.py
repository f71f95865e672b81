"""The search form: words, and the filters by clinic, period, 5P area and agreement status. The clinics and areas
offered are handed in by the view; the form only checks and converts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.selectors.search import MAX_PAGE, MAX_QUERY_LENGTH
from dialogs.forms.dialogue import DateInput
from dialogs.models.agreements import AgreementStatus

SELECT = forms.Select(attrs={"class": "form-select"})


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök efter"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
        help_text=_("Ord ur svar, överenskommelser, återkopplingen eller kommentarer. Skriv \"flera ord\" inom citattecken för en fras och -ord för att utesluta."),
    )
    vardcentral = forms.TypedChoiceField(label=_("Vårdcentral"), required=False, coerce=int, empty_value=None, widget=SELECT)
    fran = forms.DateField(label=_("Dialoger från"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    till = forms.DateField(label=_("till och med"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    omrade = forms.ChoiceField(label=_("5P-område"), required=False, widget=SELECT)
    status = forms.ChoiceField(label=_("Status för överenskommelser"), required=False, widget=SELECT)
    # Set by the page links under the hits, never by the form itself: a new search starts on page 1.
    sida = forms.CharField(required=False, strip=True, widget=forms.HiddenInput)

    def __init__(self, *args, clinics, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vardcentral"].choices = [("", _("Alla"))] + [(clinic.pk, clinic.name) for clinic in clinics]
        self.fields["omrade"].choices = [("", _("Alla"))] + list(areas)
        self.fields["status"].choices = [("", _("Alla"))] + list(AgreementStatus.choices)

    def clean_sida(self) -> int:
        """The page of hits: a page beyond the last that can be shown is the last, anything that is not a page number
        the first (it only ever comes from a link, so it never stops the search)."""
        value = (self.cleaned_data.get("sida") or "").strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 6 or int(value) < 1:
            return 1
        return min(int(value), MAX_PAGE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fran") and cleaned.get("till") and cleaned["fran"] > cleaned["till"]:
            self.add_error("till", _("Slutdatumet ligger före startdatumet."))
        return cleaned
