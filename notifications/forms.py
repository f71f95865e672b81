from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import kinds


class NotificationSettingsForm(forms.Form):
    language = forms.ChoiceField(label=_("Språk för e-post"), choices=settings.LANGUAGES)
    wanted = forms.MultipleChoiceField(
        label=_("Påminnelser och meddelanden jag vill få"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Inbjudningar, ändrade tider och inställda möten skickas alltid."),
    )

    def __init__(self, *args, user, muted: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = kinds.optional_kinds(user)
        self.muted = muted
        self.fields["wanted"].choices = [(kind.key, kind.label) for kind in self.shown]
        self.initial.setdefault("wanted", [kind.key for kind in self.shown if kind.key not in muted])

    def wanted_options(self) -> list[tuple[object, str]]:
        """Each offered kind's checkbox beside the words that say when it comes (empty when the label says it all)."""
        help_texts = {kind.key: kind.help_text for kind in self.shown}
        return [(option, help_texts.get(option.data["value"], "")) for option in self["wanted"]]

    def muted_kinds(self) -> list[str]:
        """The kinds turned off here, and those this person is not offered kept as they were (a role that
        changes later finds its old choices)."""
        wanted = set(self.cleaned_data["wanted"])
        shown = {kind.key for kind in self.shown}
        return [key for key in self.muted if key not in shown] + [key for key in shown if key not in wanted]
