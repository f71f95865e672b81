"""Forms of dialogues. They validate and convert what a person typed; the choices they offer (the region's
clinics, published versions, uppföljare, the version's sections) are handed in by the view, and saving is
the services' job (``dialogs.services.dialogue``)."""

from datetime import time

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogs.models.dialogue import (
    MAX_FOCUS_AREAS,
    MIN_FOCUS_AREAS,
    DataSourceChoice,
    DialogueStatus,
    ParticipantRole,
    TeamRole,
)
from dialogs.services.dialogue import ParticipantData, PlanChanged, TeamSelection
from dialogs.services.letter import PLACEHOLDERS, LetterTemplateChanged, unknown_placeholders

DEFAULT_START = time(8, 30)
CONFIRM_FIELD = "confirm_date"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class ConfirmsUnusualDate:
    """A form whose service warns about an unusual date (a weekend, a public holiday, …) under CONFIRM_FIELD: after
    the warning the form offers a box, and a later post with the box ticked goes ahead."""

    confirm_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and CONFIRM_FIELD in self.data:  # a post that carried the box (ticked or not) gets it back
            self.offer_confirmation()

    def clean(self):
        cleaned = super().clean()
        # Not ticked (or not offered yet): the service warns about an unusual date before saving.
        cleaned[CONFIRM_FIELD] = bool(cleaned.get(CONFIRM_FIELD))
        return cleaned

    def offer_confirmation(self) -> None:
        if CONFIRM_FIELD not in self.fields:
            self.fields[CONFIRM_FIELD] = forms.BooleanField(label=self.confirm_label, required=False)

    def offer_confirmation_after(self, error: forms.ValidationError) -> None:
        """Offer the box when the service's ``error`` is its warning about the date."""
        if hasattr(error, "error_dict") and CONFIRM_FIELD in error.error_dict:
            self.offer_confirmation()


class DialogueDayForm(ConfirmsUnusualDate, forms.Form):
    """Date, time, place and options of a dialogue. When planning, also the clinic and the guide version."""

    confirm_label = _("Planera dialogen den dagen ändå")

    clinic = forms.ModelChoiceField(label=_("Vårdcentral"), queryset=None, empty_label=_("Välj vårdcentral"))
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starttid"), widget=TimeInput(), initial=DEFAULT_START)
    place = forms.CharField(
        label=_("Plats"),
        max_length=300,
        required=False,
        help_text=_("Lämna tomt för vårdcentralens adress: metoden rekommenderar att dialogen hålls på plats hos vårdcentralen."),
    )
    guide_version = VersionChoiceField(
        label=_("Version av dialogstödet"),
        queryset=None,
        empty_label=None,
        help_text=_("Dialogen använder den här versionen hela vägen, även om dialogstödet ändras senare."),
    )
    held = forms.BooleanField(
        label=_("Dialogen har redan hållits (registreras i efterhand med sitt riktiga datum)"),
        required=False,
        help_text=_("T.ex. en dialog som dokumenterades på papper. Den registreras som genomförd."),
    )
    include_lifestyle_module = forms.BooleanField(label=_("Ta med fördjupningen om levnadsvanor"), required=False)
    show_followups = forms.BooleanField(
        label=_("Visa fördjupningsfrågor och förslag på datakällor vid frågorna"), required=False, initial=True
    )
    # Changing a plan: Dialogue.plan_stamp() when the form was opened (the service refuses a save over a later one).
    plan_stamp = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, clinics=None, versions=None, planning: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.planning = planning
        if planning:
            del self.fields["plan_stamp"]
            self.fields["clinic"].queryset = clinics
            self.fields["guide_version"].queryset = versions
            latest = versions.order_by("-published_at").first() if versions is not None else None
            if latest is not None and not self.is_bound:
                self.initial.setdefault("guide_version", latest.pk)
        else:
            del self.fields["clinic"]
            del self.fields["guide_version"]
            del self.fields["held"]

    def accept_stamp_after(self, error: forms.ValidationError) -> None:
        """After the service refused a plan someone changed meanwhile, the form carries the plan's stamp now:
        the person has been shown the saved plan, and posting again saves theirs over it."""
        if isinstance(error, PlanChanged):
            self.data = self.data.copy()
            self.data["plan_stamp"] = error.stamp

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        if day is None:
            return cleaned
        unchanged = not self.planning and day == self.initial.get("date")
        if day < timezone.localdate() and not unchanged and not cleaned.get("held"):
            self.add_error(
                "date",
                _("Datumet har redan passerat. Välj dagens datum eller ett senare, eller kryssa i att dialogen redan "
                  "har hållits."),
            )
        if cleaned.get("held") and day > timezone.localdate():
            self.add_error("held", _("En dialog med ett datum som inte har kommit än har inte hållits."))
        return cleaned


class TeamForm(forms.Form):
    """One fieldset per uppföljare of the region: take part or not, and the roles for the day.

    ``candidates`` are the region's uppföljare memberships (user and party)."""

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for membership in self.candidates:
            user = membership.user
            name = user.get_full_name() or user.username
            self.fields[f"member_{user.pk}"] = forms.BooleanField(
                label=_("%(name)s är med i teamet") % {"name": name}, required=False
            )
            self.fields[f"roles_{user.pk}"] = forms.MultipleChoiceField(
                label=_("Roller för %(name)s") % {"name": name},
                choices=TeamRole.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def rows(self):
        """(membership, "take part" field, roles field) per candidate, for the template."""
        for membership in self.candidates:
            yield membership, self[f"member_{membership.user.pk}"], self[f"roles_{membership.user.pk}"]

    def clean(self):
        cleaned = super().clean()
        chosen = [m for m in self.candidates if cleaned.get(f"member_{m.user.pk}")]
        if not chosen:
            raise forms.ValidationError(_("Välj minst en person till uppföljningsteamet."))
        for membership in self.candidates:
            if cleaned.get(f"roles_{membership.user.pk}") and not cleaned.get(f"member_{membership.user.pk}"):
                self.add_error(
                    f"member_{membership.user.pk}", _("Kryssa i att personen är med i teamet, eller ta bort rollerna.")
                )
        return cleaned

    @property
    def selections(self) -> list[TeamSelection]:
        return [
            TeamSelection(user_id=m.user.pk, roles=tuple(self.cleaned_data.get(f"roles_{m.user.pk}") or ()))
            for m in self.candidates
            if self.cleaned_data.get(f"member_{m.user.pk}")
        ]

    @staticmethod
    def initial_for(team_members) -> dict:
        initial = {}
        for member in team_members:
            initial[f"member_{member.user_id}"] = True
            initial[f"roles_{member.user_id}"] = list(member.roles)
        return initial


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Roll"), choices=[("", _("Välj roll"))] + list(ParticipantRole.choices), required=False
    )
    role_other = forms.CharField(
        label=_("Annan roll eller befattning"), max_length=200, required=False, help_text=_("T.ex. ”distriktssköterska”.")
    )
    email = forms.EmailField(
        label=_("E-post"), max_length=254, required=False, help_text=_("Får förordet och ändrade tider.")
    )
    presents_data = forms.BooleanField(label=_("Presenterar data på storbildsskärmen"), required=False)

    def clean(self):
        cleaned = super().clean()
        name, role = cleaned.get("name", "").strip(), cleaned.get("role", "")
        if cleaned.get("email") and not name:
            self.add_error("name", _("Skriv deltagarens namn."))
        if name and not role:
            self.add_error("role", _("Välj en roll."))
        if role and not name:
            self.add_error("name", _("Skriv deltagarens namn."))
        if role == ParticipantRole.ANNAN and not cleaned.get("role_other", "").strip():
            self.add_error("role_other", _("Skriv vilken roll personen har."))
        return cleaned


class BaseParticipantFormSet(forms.BaseFormSet):
    @property
    def participants(self) -> list[ParticipantData]:
        return [
            ParticipantData(
                name=form.cleaned_data["name"], role=form.cleaned_data["role"],
                role_other=form.cleaned_data.get("role_other", ""), email=form.cleaned_data.get("email", ""),
                presents_data=form.cleaned_data.get("presents_data", False),
            )
            for form in self.forms
            if form.cleaned_data.get("name", "").strip()
        ]

    @staticmethod
    def initial_for(participants) -> list[dict]:
        return [
            {"name": p.name, "role": p.role, "role_other": p.role_other, "email": p.email, "presents_data": p.presents_data}
            for p in participants
        ]


# absolute_max: a tampered TOTAL_FORMS is refused with its message, not drawn as a thousand empty rows.
ParticipantFormSet = forms.formset_factory(
    ParticipantForm, formset=BaseParticipantFormSet, extra=3, max_num=30, absolute_max=30
)


# --- Preparation -----------------------------------------------------------------------------------------


def focus_value(kind: str, pk: int) -> str:
    return f"{kind}-{pk}"


class PreparationForm(forms.Form):
    """One party's preparation. ``focus_groups`` are (section, [(value, label, is_section)]) built by the view
    from the pinned version: each section and its questions can be chosen."""

    focus = forms.MultipleChoiceField(
        label=_("Områden ni helst vill samtala om"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj två eller tre avsnitt eller frågor ur dialogstödet."),
    )
    overview_notes = forms.CharField(
        label=_("Er överblick över vårdcentralens resultat"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20_000,
        help_text=_("Vad ser ni i de data ni har tittat på? Vad vill ni veta mer om?"),
    )
    data_sources = forms.MultipleChoiceField(
        label=_("Datakällor ni har tittat på"),
        choices=DataSourceChoice.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    data_sources_other = forms.CharField(label=_("Vilken annan datakälla?"), max_length=300, required=False)
    responsibility = forms.CharField(
        label=_("Ert ansvar under dagen"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    # The revision the form was opened at: a save over someone else's later one is refused (409, both texts).
    base_revision = forms.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, widget=forms.HiddenInput,
        error_messages={
            key: _("Formuläret kom inte fram som det skickades. Ladda om sidan och försök igen; din text finns kvar nedan.")
            for key in ("invalid", "min_value", "max_value")
        },
    )

    def __init__(self, *args, focus_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_groups = list(focus_groups)
        self.fields["focus"].choices = [(value, label) for _section, options in self.focus_groups for value, label, _s in options]

    def clean_focus(self):
        values = self.cleaned_data["focus"]
        if not MIN_FOCUS_AREAS <= len(values) <= MAX_FOCUS_AREAS:
            raise forms.ValidationError(
                _("Välj två eller tre områden. Nu är %(count)s valda.") % {"count": len(values)}
            )
        return values

    def clean(self):
        cleaned = super().clean()
        if DataSourceChoice.ANNAN in (cleaned.get("data_sources") or []) and not cleaned.get("data_sources_other", "").strip():
            self.add_error("data_sources_other", _("Skriv vilken annan datakälla ni har tittat på."))
        return cleaned

    def focus_ids(self, kind: str) -> list[int]:
        prefix = f"{kind}-"
        return [int(value[len(prefix):]) for value in self.cleaned_data["focus"] if value.startswith(prefix)]

    def checked_values(self) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist("focus")) if hasattr(self.data, "getlist") else set(self.data.get("focus", []))
        return set(self.initial.get("focus", []))

    @staticmethod
    def initial_for(preparation, default_responsibility: str) -> dict:
        if preparation is None:
            return {"responsibility": default_responsibility, "base_revision": 0}
        return {
            "base_revision": preparation.revision,
            "focus": [focus_value("section", s.pk) for s in preparation.focus_sections.all()]
            + [focus_value("question", q.pk) for q in preparation.focus_questions.all()],
            "overview_notes": preparation.overview_notes,
            "data_sources": list(preparation.data_sources),
            "data_sources_other": preparation.data_sources_other,
            "responsibility": preparation.responsibility,
        }


# --- Status, follow-up meeting, letter template ---------------------------------------------------------


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=DialogueStatus.choices)
    note = forms.CharField(label=_("Kommentar"), max_length=500, required=False)


class FollowUpMeetingForm(ConfirmsUnusualDate, forms.Form):
    confirm_label = _("Boka mötet den dagen ändå")
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starttid"), widget=TimeInput(), initial=time(9, 0))
    duration_minutes = forms.IntegerField(label=_("Längd i minuter"), min_value=15, max_value=480, initial=60)
    video_link = forms.URLField(
        label=_("Länk till videomötet"), max_length=500, required=False, assume_scheme="https",
        help_text=_("T.ex. länken till Teams eller regionens videotjänst."),
    )
    focus_area = forms.CharField(
        label=_("Önskat fokusområde"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
        help_text=_("Vad vårdcentralen vill lägga fokus på vid uppföljningsmötet."),
    )

    @staticmethod
    def initial_for(meeting) -> dict:
        if meeting is None:
            return {}
        return {
            "date": meeting.date,
            "start_time": meeting.start_time,
            "duration_minutes": meeting.duration_minutes,
            "video_link": meeting.video_link,
            "focus_area": meeting.focus_area,
        }


class FollowUpWaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför behövs inget uppföljningsmöte?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DialogueCancelForm(forms.Form):
    # As long as a status change's comment, where the reason is kept.
    reason = forms.CharField(
        label=_("Varför ställs dialogen in?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Skälet sparas i dialogens historik och visas för uppföljningsteamet och vårdcentralen."),
    )


class LetterTemplateForm(forms.Form):
    """The region's letter, written in the language the clinics receive it in (the site's, Swedish)."""

    subject = forms.CharField(label=_("Rubrik"), max_length=300,
                              widget=forms.TextInput(attrs={"lang": settings.LANGUAGE_CODE}))
    body = forms.CharField(label=_("Brevtext"), max_length=50_000,
                           widget=forms.Textarea(attrs={"rows": 30, "lang": settings.LANGUAGE_CODE}))
    # The stamp of the letter when the editor was opened (the service refuses a save over a later one).
    base = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def accept_saved(self, error: LetterTemplateChanged) -> None:
        """The person has been shown the letter someone saved meanwhile: posting again saves theirs over it."""
        self.data = self.data.copy()
        self.data["base"] = error.stamp

    def _check_placeholders(self, field: str) -> str:
        text = self.cleaned_data[field]
        unknown = unknown_placeholders(text)
        if unknown:
            raise forms.ValidationError(
                _("Okända platshållare: %(unknown)s. Tillgängliga: %(known)s.")
                % {
                    "unknown": ", ".join("{" + name + "}" for name in unknown),
                    "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
                }
            )
        return text

    def clean_subject(self):
        return self._check_placeholders("subject")

    def clean_body(self):
        return self._check_placeholders("body")


class OverviewFilterForm(forms.Form):
    """The overview's filters (GET). Choices come from the view."""

    clinic = forms.TypedChoiceField(label=_("Vårdcentral"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)
    team_member = forms.TypedChoiceField(label=_("Teammedlem"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Alla"))]
        self.fields["clinic"].choices = everyone + [(c.pk, c.name) for c in options.clinics]
        self.fields["status"].choices = everyone + list(DialogueStatus.choices)
        self.fields["year"].choices = everyone + [(year, str(year)) for year in options.years]
        self.fields["team_member"].choices = everyone + [
            (user.pk, user.get_full_name() or user.username) for user in options.team_members
        ]


class ClinicOverviewForm(forms.Form):
    months = forms.IntegerField(
        label=_("Visa bara vårdcentraler utan dialog de senaste … månaderna"),
        min_value=1,
        max_value=120,
        required=False,
    )
