from django import forms
from django.utils.translation import gettext_lazy as _


class YearExportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("År"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
