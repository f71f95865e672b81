import re

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Clinic, Membership, Party, Role

# A person's HSA-id: the issuing organisation's id, a hyphen and the person's part (e.g. SE2321000016-1234).
HSA_ID_PATTERN = re.compile(r"[A-Z0-9]{2,24}-[A-Z0-9]{1,38}")


class ClinicForm(forms.ModelForm):
    vis_id = forms.CharField(
        label=_("Enhetskod i Vården i siffror"), required=False, max_length=64,
        help_text=_("Behövs bara om Vården i siffror använder en annan kod än HSA-id."),
    )
    kolada_ou = forms.CharField(label=_("Kolada OU-id"), required=False, max_length=32)

    class Meta:
        model = Clinic
        fields = [
            "name", "hsa_id", "regiform", "listed_patients", "cni", "acg",
            "street_address", "postal_code", "city", "contact_email", "active",
        ]
        # Swedish users type decimal commas (1,25).
        localized_fields = ["cni", "acg"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        external = self.instance.external_ids or {}
        self.fields["vis_id"].initial = external.get("vis", "")
        self.fields["kolada_ou"].initial = external.get("kolada_ou", "")

    def clean(self):
        cleaned = super().clean()
        external = dict(self.instance.external_ids or {})
        for key, field_name in (("vis", "vis_id"), ("kolada_ou", "kolada_ou")):
            value = (cleaned.get(field_name) or "").strip()
            if value:
                external[key] = value
            else:
                external.pop(key, None)
        self.instance.external_ids = external
        return cleaned


class ClinicImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil med vårdcentraler"),
        help_text=_("Semikolon- eller kommaseparerad, UTF-8 eller Windows-1252. Första raden innehåller kolumnnamnen."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Filen är för stor (högst 5 MB)."))
        return upload


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-postadress"))
    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    party = forms.ChoiceField(
        label=_("Part"),
        choices=[("", "—"), (Party.BESTALLARE, Party.BESTALLARE.label), (Party.UTVECKLING, Party.UTVECKLING.label)],
        required=False,
        help_text=_("För uppföljare: beställarorganisationen eller utvecklingsavdelningen."),
    )
    clinic = forms.ModelChoiceField(
        label=_("Vårdcentral"), queryset=Clinic.objects.none(), required=False, empty_label="—",
        help_text=_("För vårdcentralspersonal: den vårdcentral personen arbetar på."),
    )
    title = forms.CharField(label=_("Befattning"), max_length=120, required=False)
    hsa_id = forms.CharField(
        label=_("HSA-id"), max_length=64, required=False,
        help_text=_("Personens HSA-id, t.ex. SE2321000016-1234. Med det känns personen igen vid inloggning via "
                    "regionens inloggningstjänst."),
    )

    def __init__(self, *args, clinics, hsa_id_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinic"].queryset = clinics
        if not hsa_id_editable:
            self.fields["hsa_id"].disabled = True
            self.fields["hsa_id"].help_text = _(
                "Personen har roller i regioner som du inte administrerar, så HSA-id:t ändras av en administratör "
                "som administrerar alla personens regioner."
            )

    def clean_hsa_id(self) -> str:
        hsa_id = self.cleaned_data["hsa_id"].strip().upper()
        if hsa_id and not HSA_ID_PATTERN.fullmatch(hsa_id):
            raise forms.ValidationError(_("Skriv HSA-id:t som t.ex. SE2321000016-1234 (bokstäver, siffror och ett bindestreck)."))
        return hsa_id

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.UPPFOLJARE and not cleaned.get("party"):
            self.add_error("party", _("Välj vilken part uppföljaren företräder."))
        if role == Role.VARDCENTRAL and not cleaned.get("clinic"):
            self.add_error("clinic", _("Välj vilken vårdcentral personen arbetar på."))
        return cleaned


class MembershipForm(MemberForm):
    """Editing an existing membership: the person is fixed, only the role may change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "first_name", "last_name"):
            del self.fields[name]

    @classmethod
    def initial_for(cls, membership: Membership, *, hsa_id: str = "") -> dict:
        return {
            "role": membership.role, "party": membership.party, "clinic": membership.clinic, "title": membership.title,
            "hsa_id": hsa_id,
        }


class RegionSwitchForm(forms.Form):
    region = forms.IntegerField()


class RegionSignInForm(forms.Form):
    password_sign_in = forms.BooleanField(
        label=_("Tillåt inloggning med lösenord"),
        required=False,
        help_text=_(
            "Av: regionens personer loggar in via regionens inloggningstjänst. Den som bara har roller i regioner "
            "där lösenord är avstängda kan då inte logga in med lösenord."
        ),
    )
