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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = [(kind.key, kind.label) for kind in kinds.optional_kinds()]

    def muted_kinds(self) -> list[str]:
        wanted = set(self.cleaned_data["wanted"])
        return [kind.key for kind in kinds.optional_kinds() if kind.key not in wanted]
