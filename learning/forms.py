"""The learning report's filters (a plain GET form): period and its division, clinic, medskick category and 5P
area. The clinics and areas offered are handed in by the view; a filter that is not valid is shown with its
message, and the report uses the default in its place."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogs.forms.dialogue import DateInput
from dialogs.models.learning import MedskickCategory

SELECT = forms.Select(attrs={"class": "form-select"})
MAX_YEARS = 10


class Granularity:
    QUARTER, HALF, YEAR = "kvartal", "halvar", "ar"
    CHOICES = [(QUARTER, _("kvartal")), (HALF, _("halvår")), (YEAR, _("år"))]


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date
    granularity: str = Granularity.QUARTER
    clinic_id: int | None = None
    category: str = ""
    area: str = ""
    page: int = 1

    @classmethod
    def default(cls, today: date | None = None) -> "ReportFilters":
        """The last twelve months, this one included, by quarter."""
        today = today or timezone.localdate()
        month = today.month + 1
        start = date(today.year - 1, month, 1) if month <= 12 else date(today.year, 1, 1)
        return cls(start=start, end=today)


class ReportFilterForm(forms.Form):
    fran = forms.DateField(label=_("Från"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    till = forms.DateField(label=_("Till"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    indelning = forms.ChoiceField(label=_("Indelning"), choices=Granularity.CHOICES, required=False, widget=SELECT)
    vardcentral = forms.TypedChoiceField(label=_("Vårdcentral"), coerce=int, required=False, widget=SELECT, empty_value=None)
    kategori = forms.ChoiceField(label=_("Kategori"), required=False, widget=SELECT)
    omrade = forms.ChoiceField(label=_("5P-område"), required=False, widget=SELECT)
    sida = forms.IntegerField(min_value=1, max_value=100_000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, clinics=None, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        if clinics is None:
            del self.fields["vardcentral"]  # the national view has no clinics
        else:
            self.fields["vardcentral"].choices = [("", _("Alla vårdcentraler")), *[(clinic.pk, clinic.name) for clinic in clinics]]
        self.fields["kategori"].choices = [("", _("Alla kategorier")), *MedskickCategory.choices]
        self.fields["omrade"].choices = [("", _("Alla områden")), *areas]

    def clean(self):
        data = super().clean()
        start, end = data.get("fran"), data.get("till")
        if start and end and start > end:
            self.add_error("till", _("Till-datumet ligger före från-datumet. Byt plats på dem."))
        for name in ("fran", "till"):
            day = data.get(name)
            if day and not 2000 <= day.year <= 2100:
                self.add_error(name, _("Välj ett datum mellan år 2000 och 2100."))
        if start and end and (end - start).days > MAX_YEARS * 366:
            self.add_error("fran", _("Välj en period på högst tio år."))
        return data

    def filters(self, today: date | None = None) -> ReportFilters:
        """The filters chosen, each invalid or missing one replaced by its default."""
        default = ReportFilters.default(today)
        data = {}
        if self.is_bound:
            self.is_valid()  # runs the checks; cleaned_data keeps the fields that passed them
            data = self.cleaned_data
        start, end = data.get("fran") or default.start, data.get("till") or default.end
        if start > end:
            start, end = default.start, default.end
        return ReportFilters(
            start=start, end=end, granularity=data.get("indelning") or default.granularity,
            clinic_id=data.get("vardcentral"), category=data.get("kategori") or "", area=data.get("omrade") or "",
            page=data.get("sida") or 1,
        )
