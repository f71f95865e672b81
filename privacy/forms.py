from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import RetentionSettings


class RetentionSettingsForm(forms.ModelForm):
    class Meta:
        model = RetentionSettings
        fields = ["years", "mode"]
        widgets = {"mode": forms.RadioSelect}
        help_texts = {
            "mode": _(
                "Fritexten: svar, anteckningar, förberedelser, kommentarer, överenskommelsernas text, deltagarnas namn "
                "och e-post om dialogen tas bort; dialogen, ja/nej-svaren, kategorier, utvärderingarnas poäng, "
                "indikatorerna och den delade återkopplingen finns kvar. Hela dialogen: allt om dialogen raderas."
            )
        }


class RetentionConfirmForm(forms.Form):
    """The dry run the administrator saw, named by its fingerprint."""

    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{16}$", widget=forms.HiddenInput)
