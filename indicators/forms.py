from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from indicators.models import DataSource, Indicator


class DataSourceForm(forms.ModelForm):
    class Meta:
        model = DataSource
        fields = ["name", "slug", "url", "description", "coverage_note"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "coverage_note": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code", "name", "source", "unit", "polarity", "target", "numerator_definition",
            "denominator_definition", "description", "active",
        ]
        widgets = {
            "numerator_definition": forms.Textarea(attrs={"rows": 2}),
            "denominator_definition": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med indikatorvärden"),
        help_text=_(
            "CSV från Vården i siffror, CSV eller Excel (.xlsx) i den allmänna kolumnlayouten (UTF-8 eller "
            "Windows-1252, semikolon eller komma), eller JSON från Kolada."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (%(size)s MB). Största tillåtna storlek är %(max)s MB. Dela upp filen.")
                % {"size": round(upload.size / 1024 / 1024, 1), "max": settings.MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    valid_rows_only = forms.BooleanField(
        label=_("Importera bara giltiga rader"),
        required=False,
        help_text=_("Rader med fel hoppas över. Utan detta val importeras ingenting så länge filen har fel."),
    )

    def __init__(self, *args, has_errors: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_errors = has_errors

    def clean(self):
        cleaned = super().clean()
        if self.has_errors and not cleaned.get("valid_rows_only"):
            raise forms.ValidationError(
                _("Filen har fel. Rätta filen och ladda upp den igen, eller välj att importera bara giltiga rader.")
            )
        return cleaned


class ClinicRunFilterForm(forms.Form):
    """Which clinics' run charts the indicator page lists: a part of the name, and only flagged ones."""

    sok = forms.CharField(
        label=_("Sök vårdcentral"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    avvikande = forms.BooleanField(
        label=_("Bara vårdcentraler med icke-slumpmässig variation eller utanför gränserna"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def filters(self) -> dict:
        """Keyword arguments for selectors.region.find_clinic_runs (no filter when the input is invalid)."""
        if not self.is_valid():
            return {}
        return {"search": self.cleaned_data["sok"], "flagged_only": self.cleaned_data["avvikande"]}

    @property
    def is_active(self) -> bool:
        return any(self.filters().values())
