"""Forms of the guide editor. They validate and convert; the views hand the cleaned data to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogs.models import AnswerKind, GuideVersion, SectionKind
from dialogs.selectors.guide import MIN_CHOICES

MAX_IMPORT_BYTES = 2 * 1024 * 1024
LINES_HELP = _("En per rad.")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A textarea where each non-empty line is one item (follow-up questions, choice labels, prompts)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        return _lines(super().to_python(value) or "")


class GuideVersionForm(forms.ModelForm):
    class Meta:
        model = GuideVersion
        fields = ["label", "notes", "attribution", "source_title", "source_year", "source_url"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "attribution": forms.Textarea(attrs={"rows": 2})}


class AgendaBlockForm(forms.Form):
    start = forms.TimeField(label=_("Börjar (klockslag)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Slutar (klockslag)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    title = forms.CharField(label=_("Innehåll"), max_length=300, help_text=_("T.ex. ”Genomgång av P4” eller ”Lunch”."))
    participants = forms.CharField(
        label=_("Deltagare"), max_length=500, required=False, help_text=_("T.ex. ”Verksamhetschef, MAL, enhetschefer”.")
    )
    sections = forms.ModelMultipleChoiceField(
        label=_("Avsnitt som gås igenom"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = sections
        self.fields["sections"].label_from_instance = lambda section: section.heading

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Agendapunkten måste sluta efter att den börjar."))
        return cleaned


class SectionForm(forms.Form):
    code = forms.CharField(label=_("Kod"), max_length=10, required=False, help_text=_("T.ex. P1. Kan lämnas tom."))
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    kind = forms.ChoiceField(label=_("Typ av avsnitt"), choices=SectionKind.choices)
    optional = forms.BooleanField(
        label=_("Valfri fördjupning"), required=False,
        help_text=_("Valfria avsnitt, som Levnadsvanor, tas med när teamet väljer det."),
    )
    intro = forms.CharField(label=_("Inledande text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SubsectionForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    intro = forms.CharField(label=_("Inledande text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Frågetext"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Svarstyp"), choices=AnswerKind.choices, widget=forms.RadioSelect, initial=AnswerKind.TEXT)
    choices = LinesField(
        label=_("Etiketter för valen"),
        help_text=_("Bara för ”flera ja/nej-val”, minst två, en per rad, t.ex. ”För patienterna” och ”För personalen”."),
    )
    prompts = LinesField(
        label=_("Delfrågor"), help_text=_("Bara för numrerade delfrågor: en per rad, i den ordning de ska ställas.")
    )
    help = forms.CharField(
        label=_("Förklaring"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Visas under frågan, t.ex. vad en förkortning betyder."),
    )
    followups = LinesField(label=_("Fördjupningsfrågor"), help_text=LINES_HELP, widget=forms.Textarea(attrs={"rows": 4}))
    team_only = forms.BooleanField(
        label=_("Svaret visas bara för uppföljningsteamet"),
        required=False,
        help_text=_(
            "För teamets egna slutsatser, t.ex. om det finns en indikation för fördjupad uppföljning. Bara regionens "
            "uppföljningsteam och administratörer läser svaret – vårdcentralens personal ser det aldrig, inte heller i "
            "export, sökning eller nästa års dialog."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == AnswerKind.CHOICES and len(cleaned.get("choices", [])) < MIN_CHOICES:
            self.add_error("choices", _("Skriv minst två etiketter, en per rad."))
        if kind == AnswerKind.SEQUENCE and not cleaned.get("prompts"):
            self.add_error("prompts", _("Skriv minst en delfråga."))
        return cleaned


class DataSourceForm(forms.Form):
    label = forms.CharField(label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    url = forms.URLField(label=_("Länk"), max_length=500, required=False, assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("url") and not cleaned.get("label", "").strip():
            self.add_error("label", _("Beskriv datakällan, t.ex. ”Se resultat på www.patientenkat.se”."))
        return cleaned


DataSourceFormSet = forms.formset_factory(DataSourceForm, extra=2, max_num=30, validate_max=True, absolute_max=30)


def data_source_initial(question) -> list[dict]:
    return [{"label": source.label, "url": source.url} for source in question.data_sources.all()]


def data_sources_from(formset) -> list[tuple[str, str]]:
    return [
        (form.cleaned_data["label"], form.cleaned_data.get("url", ""))
        for form in formset.forms
        if form.cleaned_data.get("label", "").strip()
    ]


class MoveToSectionForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("Avsnitt"), queryset=None, empty_label=None, widget=forms.RadioSelect,
        help_text=_("Frågan hamnar sist i avsnittet och behåller sin identitet i jämförelsen mellan versioner."),
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["section"].label_from_instance = lambda section: section.path_heading


class GuideImportForm(forms.Form):
    file = forms.FileField(label=_("JSON-fil med ett dialogstöd"), help_text=_("En fil som exporterats ur PrimärvårdsUppföljning."))
    guide = forms.ModelChoiceField(
        label=_("Importera som nytt utkast i"),
        queryset=None,
        required=False,
        empty_label=_("Ett nytt dialogstöd (namnet hämtas från filen)"),
    )

    def __init__(self, *args, guides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide"].queryset = guides

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Filen är för stor (högst 2 MB)."))
        return upload


class GuideDiffForm(forms.Form):
    old = forms.ModelChoiceField(label=_("Jämför från"), queryset=None)
    new = forms.ModelChoiceField(label=_("till"), queryset=None)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old", "new"):
            self.fields[name].queryset = versions
            self.fields[name].label_from_instance = lambda version: version.display_name


class GuideAdoptForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Förlaga"), queryset=None)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


class QuestionIndicatorsForm(forms.Form):
    """The indicators shown beside a question, as checkboxes grouped by data source (``groups``)."""

    indicators = forms.ModelMultipleChoiceField(
        label=_("Indikatorer till frågan"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda indicator: f"{indicator.name} ({indicator.code})"

    def groups(self) -> list[tuple[str, list]]:
        """(data source name, its checkboxes) in the queryset's order, which sorts by source."""
        grouped: dict[str, list] = {}
        for checkbox in self["indicators"]:
            grouped.setdefault(checkbox.data["value"].instance.source.name, []).append(checkbox)
        return list(grouped.items())
