from django import forms
from django.utils.translation import gettext_lazy as _

from accessibility.models import StatementSettings


class StatementSettingsForm(forms.ModelForm):
    class Meta:
        model = StatementSettings
        fields = ["organisation", "contact_email", "contact_phone", "published_on"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"published_on": _("Den dag regionen började använda tjänsten (visas i redogörelsen).")}


class ProblemReportForm(forms.Form):
    """The report form. ``website`` is a trap for robots: it is hidden from people (and screen readers) and a
    filled-in one is thrown away without a word."""

    region = forms.TypedChoiceField(label=_("Region"), coerce=int, empty_value=None)
    page = forms.CharField(
        label=_("Sida eller funktion"), max_length=500, required=False,
        help_text=_("Var hittade du problemet? T.ex. sidans adress eller ”dokumentationen av en dialog”."),
    )
    description = forms.CharField(
        label=_("Beskriv problemet"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Vad försökte du göra, vad hände, och vilket hjälpmedel använder du om du använder något?"),
    )
    name = forms.CharField(label=_("Ditt namn (frivilligt)"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Din e-postadress (frivilligt)"), required=False,
        help_text=_("Om du vill ha svar. Vi använder den bara för att svara på rapporten."),
    )
    website = forms.CharField(label=_("Lämna fältet tomt"), required=False, max_length=200)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(region.pk, region.name) for region in regions]
        if len(regions) == 1:
            self.fields["region"].widget = forms.HiddenInput()
            self.fields["region"].initial = regions[0].pk

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Beskriv problemet."))
        return description


