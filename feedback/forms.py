"""Forms of the feedback pages: they check and convert what a person typed; the services save it."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from feedback.models import LOGO_MAX_BYTES, RegionTheme
from feedback.renderers.content import Link, clean_text
from feedback.services import COMMENT_MAX_LENGTH, MAX_ITEM_LENGTH, text_lines

LINK_SEPARATOR = "|"
_url = URLValidator(schemes=["http", "https"])


class SectionForm(forms.Form):
    items = forms.CharField(
        label=_("Punkter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-reorderable-lines": "points"}),
        help_text=_("En punkt per rad. Ordningen här är ordningen i presentationen."),
    )
    links = forms.CharField(
        label=_("Länkar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-reorderable-lines": "links"}),
        help_text=_("En länk per rad: beskrivning | https://… (beskrivningen kan utelämnas)."),
    )
    notes = forms.CharField(
        label=_("Talaranteckningar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visas bara för den som presenterar (anteckningar i PowerPoint)."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_items(self) -> list[str]:
        items = text_lines(self.cleaned_data["items"])
        too_long = [number for number, item in enumerate(items, start=1) if len(item) > MAX_ITEM_LENGTH]
        if too_long:
            raise ValidationError(
                _("Punkt %(number)s är längre än %(max)s tecken.") % {"number": too_long[0], "max": MAX_ITEM_LENGTH}
            )
        return items

    def clean_links(self) -> list[Link]:
        links = []
        for number, line in enumerate(clean_text(self.cleaned_data["links"]).split("\n"), start=1):
            line = line.strip()
            if not line:
                continue
            label, _sep, url = line.rpartition(LINK_SEPARATOR) if LINK_SEPARATOR in line else ("", "", line)
            label, url = label.strip(), url.strip()
            try:
                _url(url)
            except ValidationError:
                raise ValidationError(
                    _("Rad %(number)s: ”%(url)s” är ingen giltig webbadress (den ska börja med https:// eller http://).")
                    % {"number": number, "url": url[:100]}
                ) from None
            links.append(Link(label, url))
        return links

    @staticmethod
    def initial_for(section) -> dict:
        return {
            "items": "\n".join(section.items),
            "links": "\n".join(
                f"{link['label']} {LINK_SEPARATOR} {link['url']}" if link.get("label") else link["url"]
                for link in section.links
            ),
            "notes": section.notes,
            "revision": section.revision,
        }


class ChartsForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indikatorer"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Varje vald indikator blir en bild med ett redigerbart diagram, källa, period och jämförelse."),
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda indicator: f"{indicator.name} ({indicator.source.name})"


class ShareForm(forms.Form):
    message = forms.CharField(
        label=_("Meddelande till vårdcentralen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Valfritt. Skickas med e-postmeddelandet och visas ovanför återkopplingen."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Kommentar"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Svar"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))


class ThemeForm(forms.ModelForm):
    logo_file = forms.ImageField(
        label=_("Logotyp"),
        required=False,
        help_text=_("PNG eller JPEG, högst 512 kB. Visas på varje bild."),
    )
    remove_logo = forms.BooleanField(label=_("Ta bort logotypen"), required=False)

    class Meta:
        model = RegionTheme
        fields = ["primary_colour", "secondary_colour", "font"]
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "secondary_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def clean_primary_colour(self) -> str:
        return self.cleaned_data["primary_colour"].upper()

    def clean_secondary_colour(self) -> str:
        return self.cleaned_data["secondary_colour"].upper()

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if upload is None:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError(_("Logotypen får vara högst 512 kB."))
        if getattr(upload, "image", None) is not None and upload.image.format not in ("PNG", "JPEG"):
            raise ValidationError(_("Logotypen ska vara en PNG- eller JPEG-bild."))
        return upload


class PointForm(forms.Form):
    """Which improvement point of the deck becomes an agreement (issue 13)."""

    index = forms.IntegerField(min_value=0, max_value=10_000)
    # The point's words as the page showed them (sent from a hidden input; a point may hold line breaks, hence the
    # multi-line widget for the control-character rule): found by them if the deck has been edited since.
    text = forms.CharField(required=False, strip=False, max_length=50_000, widget=forms.Textarea)
