"""Input rules every form, model and JSON endpoint follows (config/inputs.py, issue 10 §3): one-line text without
control characters, multi-line text without control characters but its line breaks, ids out of the database's
range that match nothing instead of a 500, JSON bodies refused with a message before anything is written."""

import copy
import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from config.inputs import JsonBodyError, read_json_body
from dialogs.exchange import GuideDocumentError, parse_document
from dialogs.models import GuideVersion
from feedback.models import FeedbackChart
from organisations import services as organisation_services
from organisations.forms import ClinicForm, MemberForm
from organisations.models import Clinic, Region
from tests.dialogs.factories import SMALL_GUIDE, as_bytes

HEADER_INJECTION = "Hamnstadens vårdcentral\r\nBcc: x@example.org"
HUGE = "99999999999999999999"


class AnyForm(forms.Form):
    """A form written today by someone who never heard of the rule: it applies all the same."""

    title = forms.CharField(label="Rubrik")
    website = forms.URLField(label="Webbplats", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(label="Anteckningar", widget=forms.Textarea, required=False)
    clinics = forms.ModelMultipleChoiceField(label="Vårdcentraler", queryset=Clinic.objects.all(), required=False)
    clinic = forms.ModelChoiceField(label="Vårdcentral", queryset=Clinic.objects.all(), required=False)


@pytest.mark.parametrize("value", [HEADER_INJECTION, "Rad\ttabb", "Nollbyte\x00", "Escape\x1b[31m", "C1\x85", "Sep\u2028"])
def test_every_one_line_field_refuses_control_characters_naming_the_field(value, db):
    form = AnyForm({"title": value, "secret": value, "website": f"https://example.org/{value}"})
    assert not form.is_valid()
    assert form.errors["title"] == [
        "”Rubrik” får inte innehålla radbrytningar, tabbar eller andra styrtecken. Skriv allt på en rad."
    ]
    assert "secret" in form.errors and "website" in form.errors


def test_multi_line_fields_keep_line_breaks_and_tabs_and_lose_other_control_characters(db):
    form = AnyForm({"title": "Rubrik", "notes": "Första raden\r\nAndra\traden\x07\x1b och\x00 slut\x85"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["notes"] == "Första raden\r\nAndra\traden och slut"


def test_ordinary_text_passes_unchanged(db):
    text = "Vårdcentralen Åsen – ”Bra” & <b>säker</b> 😀 ÅÄÖ"
    form = AnyForm({"title": text, "notes": text})
    assert form.is_valid() and form.cleaned_data["title"] == form.cleaned_data["notes"] == text


def test_the_project_forms_follow_the_rule(world):
    clinic_form = ClinicForm({"name": HEADER_INJECTION, "hsa_id": "SE-NY", "regiform": "offentlig"})
    assert "”Namn” får inte innehålla" in clinic_form.errors["name"][0]
    member_form = MemberForm(
        {"email": "ny@example.org", "first_name": "Eva\r\nBcc: x@example.org", "last_name": "Ek", "role": "admin"},
        clinics=Clinic.objects.none(),
    )
    assert "”Förnamn” får inte innehålla" in member_form.errors["first_name"][0]


def test_a_clinic_named_with_a_line_break_is_refused_and_not_saved(client_for, world):
    response = client_for("admin").post(
        reverse("organisations:clinic_create"), {"name": HEADER_INJECTION, "hsa_id": "SE-NY", "regiform": "offentlig"}
    )
    assert response.status_code == 200
    assert "”Namn” får inte innehålla radbrytningar" in response.content.decode()
    assert not Clinic.objects.filter(hsa_id="SE-NY").exists()


def test_models_refuse_control_characters_where_data_arrives_without_a_form(world):
    clinic = Clinic(region=world.region_a, name=HEADER_INJECTION, hsa_id="SE-MODELL")
    with pytest.raises(ValidationError) as raised:
        clinic.full_clean()
    assert "”Namn” får inte innehålla" in raised.value.message_dict["name"][0]
    region = Region(name="Region\x00C")
    with pytest.raises(ValidationError):
        region.full_clean()


def test_the_clinic_csv_import_refuses_a_name_with_a_line_break_naming_the_row(world):
    content = (
        "namn;hsa-id;region;regiform;listade patienter;cni;acg;gatuadress;postnummer;ort\r\n"
        'Ny vårdcentral;SE-OK1;;;;;;;;\r\n'
        '"Hamnstadens vårdcentral\r\nBcc: x@example.org";SE-NY1;;;;;;;;\r\n'
    ).encode()
    with pytest.raises(organisation_services.ClinicImportError) as raised:
        organisation_services.clinics_import_csv(region=world.region_a, user=world.user("admin"), content=content)
    [problem] = raised.value.problems
    assert problem.line == 3 and "får inte innehålla radbrytningar" in problem.message
    assert not Clinic.objects.filter(hsa_id__in=["SE-OK1", "SE-NY1"]).exists()


def _guide(**changes):
    document = copy.deepcopy(SMALL_GUIDE)
    for path, value in changes.items():
        target = document
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return document


def test_the_guide_exchange_refuses_control_characters_in_one_line_texts():
    with pytest.raises(GuideDocumentError) as raised:
        parse_document(as_bytes(_guide(**{"guide.name": "Guide\r\nBcc: x", "sections.0.title": "P1\x1b"})))
    problems = " ".join(raised.value.problems)
    assert "”name” ska vara en rad" in problems and "”title” ska vara en rad" in problems


def test_the_guide_exchange_keeps_line_breaks_in_multi_line_texts_but_refuses_other_control_characters():
    parse_document(as_bytes(_guide(**{"version.notes": "Rad ett\nRad två\tmed tabb"})))
    with pytest.raises(GuideDocumentError) as raised:
        parse_document(as_bytes(_guide(**{"version.notes": "Klocka\x07"})))
    assert "”notes” innehåller styrtecken" in raised.value.problems[0]


def test_the_guide_exchange_refuses_a_lone_surrogate_and_deep_nesting():
    text = json.dumps(_guide(**{"guide.name": "\ud800x"}))  # ensure_ascii: the escape "\\ud800" is valid JSON
    with pytest.raises(GuideDocumentError):
        parse_document(text.encode())
    with pytest.raises(GuideDocumentError) as raised:
        parse_document(b"[" * 100_000 + b"]" * 100_000)
    assert "djupt nästlad" in raised.value.problems[0]


def test_the_guide_import_page_refuses_deep_json_with_a_message(client_for, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("guide.json", b"[" * 100_000 + b"]" * 100_000, content_type="application/json")
    response = client_for("admin").post(reverse("dialogs:guide_import"), {"file": upload})
    assert response.status_code == 200 and "djupt nästlad" in response.content.decode()
    assert not GuideVersion.objects.filter(guide__region=world.region_a).exists()


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "-1", "abc", "1.5", ""])
def test_an_id_out_of_range_in_a_choice_field_is_an_invalid_choice(value, world):
    form = AnyForm({"title": "Rubrik", "clinics": [str(world.clinic_a1.pk), value], "clinic": value})
    assert not form.is_valid()
    assert "clinics" in form.errors
    if value:
        assert "clinic" in form.errors


def test_in_lookups_with_ids_out_of_range_match_nothing_instead_of_failing(world):
    assert list(Clinic.objects.filter(pk__in=[int(HUGE), -int(HUGE)])) == []
    assert list(Clinic.objects.filter(pk__in=[int(HUGE), world.clinic_a1.pk])) == [world.clinic_a1]
    assert list(Clinic.objects.filter(region__in=[int(HUGE)])) == []
    assert list(FeedbackChart.objects.filter(indicator_id__in=[int(HUGE)])) == []


def test_a_url_with_an_id_out_of_range_answers_404(client_for, world):
    response = client_for("admin").get(f"/vardcentraler/{HUGE}/")
    assert response.status_code == 404 and "Sidan finns inte" in response.content.decode()


class _Request:
    def __init__(self, body: bytes):
        self.body = body


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"text": "\\ud800x"}', "ensamt surrogattecken"),
        (b'{"\\udfff": 1}', "ensamt surrogattecken"),
        (b"[" * 100_000 + b"]" * 100_000, "djupt nästlat"),
        (b"[" * 30 + b"]" * 30, "djupt nästlat"),
        (b'{"text": "\xff"}', "UTF-8"),
        (b"{", "giltig JSON"),
        (b"", "giltig JSON"),
    ],
)
def test_json_bodies_are_refused_with_a_message(body, message):
    with pytest.raises(JsonBodyError) as raised:
        read_json_body(_Request(body))
    assert raised.value.status == 400 and message in raised.value.message


def test_a_json_body_of_ordinary_text_is_read():
    assert read_json_body(_Request('{"text": "Åsen 😀\\n", "n": [1, {"a": null}]}'.encode())) == {
        "text": "Åsen 😀\n", "n": [1, {"a": None}]
    }


@pytest.mark.parametrize(
    "body, status, message",
    [
        ('{"base_revision": 0, "text": "\\ud800x"}', 400, "ensamt surrogattecken"),
        ("[" * 100_000 + "]" * 100_000, 400, "djupt nästlat"),
        ('{"base_revision": 0, "text": ["fel", "typ"]}', 400, "kunde inte läsas"),
        # No answer has that revision: someone else's newer text is not overwritten.
        ('{"base_revision": 99999999999999999999, "text": "Svar"}', 409, "Någon annan har sparat"),
    ],
)
def test_the_autosave_refuses_a_body_it_cannot_store_with_a_message_and_writes_nothing(
    body, status, message, client_for, world
):
    from dialogs.models.answers import Answer
    from tests.dialogs.onsite_factories import onsite_dialogue

    dialogue = onsite_dialogue(world)
    question = dialogue.guide_version.questions.get(key="p1-q01")
    url = reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk])
    response = client_for("bestallare").post(url, body, content_type="application/json")
    assert response.status_code == status
    assert message in response.json()["error"]
    assert not Answer.objects.filter(dialogue=dialogue).exists()


def test_a_sign_in_with_a_user_name_of_20000_characters_is_refused_before_it_is_recorded(client, db):
    """The login form's user-name length is set after the field is made, so Django gave it no validator; the
    attempt reached django-axes, whose 255-character column failed on PostgreSQL."""
    response = client.post(reverse("login"), {"username": "å" * 20_000, "password": "x"})
    assert response.status_code == 200
    assert "som mest 150 tecken" in response.content.decode()


def test_a_clinic_csv_with_a_field_over_the_csv_modules_limit_is_refused_naming_the_row(world):
    """A 200,000-character field made the csv module raise (a 500); now it is a row problem and nothing is saved."""
    content = ("namn;hsa-id\r\nNy vårdcentral;SE-OK2\r\n" + "x" * 200_000 + ";SE-LANG\r\n").encode()
    with pytest.raises(organisation_services.ClinicImportError) as raised:
        organisation_services.clinics_import_csv(region=world.region_a, user=world.user("admin"), content=content)
    [problem] = raised.value.problems
    assert problem.line == 3 and "kunde inte läsas som CSV" in problem.message
    assert not Clinic.objects.filter(hsa_id="SE-OK2").exists()


def test_a_text_with_a_nul_character_matches_nothing_instead_of_failing_on_postgresql(world):
    """PostgreSQL refuses NUL in a text parameter (DataError): /program/kalender/%00.ics answered 500."""
    assert list(Clinic.objects.filter(name="A1\x00")) == []
    assert list(Clinic.objects.filter(hsa_id__in=["SE-A1", "\x00"])) == [world.clinic_a1]
    assert list(Clinic.objects.filter(name__icontains="\x00")) == []
    assert Clinic.objects.exclude(name__startswith="\x00").count() == Clinic.objects.count()


def test_a_url_with_a_nul_character_answers_404(client_for, world):
    response = client_for("admin").get("/program/kalender/Hamn%0D%0ABcc:%20x%00.ics")
    assert response.status_code == 404
