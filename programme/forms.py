"""Forms of the programme: they validate and convert; the services save. One-line fields refuse control
characters by the project-wide rule (config/inputs.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programme import models
from programme.selectors import SORTS, DueStatus
from programme.services import CYCLE_FIELDS, check_cycle


def _bounded(bounds: tuple[int, int]) -> dict:
    return {"min_value": bounds[0], "max_value": bounds[1]}


def _limits(bounds: tuple[int, int]) -> str:
    """The range as help text, in the active language (so built when a form is made, never at import)."""
    return str(_("Mellan %(low)s och %(high)s.")) % {"low": bounds[0], "high": bounds[1]}


BOUNDS = {
    "interval_months": models.INTERVAL_RANGE,
    "due_soon_months": models.DUE_SOON_RANGE,
    "letter_weeks_before": models.LETTER_WEEKS_RANGE,
    "preparation_days_before": models.PREPARATION_DAYS_RANGE,
    "preparation_reminder_days_before": models.PREPARATION_DAYS_RANGE,
    "feedback_due_days_after": models.FEEDBACK_DAYS_RANGE,
    "follow_up_reminder_days_before": models.FOLLOW_UP_REMINDER_RANGE,
}


class CycleSettingsForm(forms.Form):
    """The region's cycle: one whole number per setting, each within its range, and the rules between them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CYCLE_FIELDS:
            model_field = models.CycleSettings._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=str(model_field.verbose_name).capitalize(), **_bounded(BOUNDS[name]),
                help_text=" ".join(part for part in [str(model_field.help_text or ""), _limits(BOUNDS[name])] if part),
            )

    @staticmethod
    def initial_for(cycle) -> dict:
        return {name: getattr(cycle, name) for name in CYCLE_FIELDS}

    def clean(self):
        cleaned = super().clean()
        try:
            check_cycle(cleaned)
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class ClinicCycleForm(forms.Form):
    interval_months = forms.IntegerField(
        label=_("Månader mellan två dialoger"), **_bounded(models.INTERVAL_RANGE),
    )
    reason = forms.CharField(
        label=_("Skäl"), max_length=300,
        help_text=_("T.ex. ”ny vårdcentral” eller ”fördjupad uppföljning”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interval_months"].help_text = _limits(models.INTERVAL_RANGE)


class DueFilterForm(forms.Form):
    """The due list's filters, read from the address (a plain GET form)."""

    q = forms.CharField(label=_("Sök vårdcentral"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Alla"))] + DueStatus.choices())
    sortera = forms.ChoiceField(
        label=_("Sortera efter"),
        required=False,
        choices=[
            ("status", _("status")),
            ("forfaller", _("när nästa dialog ska hållas")),
            ("namn", _("namn")),
            ("senaste", _("senaste dialog")),
            ("nasta", _("nästa planerade dialog")),
        ],
    )
    ordning = forms.ChoiceField(
        label=_("Ordning"), required=False, choices=[("", _("stigande")), ("fallande", _("fallande"))]
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sortera") or "status"
        return {
            "query": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "sort": sort if sort in SORTS else "status",
            "descending": data.get("ordning") == "fallande",
        }


class MonthForm(forms.Form):
    ar = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100, required=False)
    manad = forms.IntegerField(label=_("Månad"), min_value=1, max_value=12, required=False)
