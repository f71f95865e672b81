"""dialogs.services.letter: the pre-meeting letter's placeholders, markup and default text (Bilaga 1)."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from dialogs.selectors.dialogue import AgendaSlot, dialogue_letter
from dialogs.services import letter
from dialogs.services.dialogue import ParticipantData
from tests.dialogs.dialogue_factories import plan

SEED = Path("/work/shared/seeds/002_9ae8c077f55fe913.txt")


def test_placeholders_are_filled_and_unknown_braces_left_alone():
    values = {"vardcentral": "VC Aby", "datum": "tisdag 17 mars 2026"}
    assert letter.fill_placeholders("Till {vardcentral} {datum}: {okänd} {}", values) == "Till VC Aby tisdag 17 mars 2026: {okänd} {}"


def test_unknown_placeholders_are_named():
    assert letter.unknown_placeholders("{vardcentral} {vårdcentral} {tid} {Datum}") == ["Datum", "vårdcentral"]
    assert letter.unknown_placeholders(str(letter.DEFAULT_BODY)) == []
    assert letter.unknown_placeholders(str(letter.DEFAULT_SUBJECT)) == []


def test_markup_becomes_headings_paragraphs_and_lists():
    blocks = letter.text_to_blocks("Hej!\nRad två\n\n## Rubrik\n- ett\n- två\n1. första\n2. andra\n\nSlut")
    assert [(block.kind, block.lines) for block in blocks] == [
        ("paragraph", ["Hej!", "Rad två"]),
        ("heading", ["Rubrik"]),
        ("bullets", ["ett", "två"]),
        ("numbers", ["första", "andra"]),
        ("paragraph", ["Slut"]),
    ]


def test_the_default_letter_carries_the_methods_facts():
    with translation.override("sv"):
        body = str(letter.DEFAULT_BODY)
    blocks = letter.text_to_blocks(body)
    numbered = [block.lines for block in blocks if block.kind == "numbers"]
    assert [len(lines) for lines in numbered] == [6, 7]  # six criteria of good follow-up, seven principles
    principles = " ".join(numbered[1])
    for word in ("Tillitsfulla relationer", "Medborgarfokus", "Helhetssyn", "Handlingsutrymme", "Stöd", "Kunskap", "Öppenhet"):
        assert word in principles
    for placeholder in ("{agenda}", "{team}", "{deltagare}", "{vardcentral}", "{datum}", "{tid}", "{plats}"):
        assert placeholder in body
    assert "5P" in body and "Förbättringstrappan" in body
    assert "Medrave" in body and "Nationell patientenkät" in body and "Vården i siffror" in body


@pytest.mark.skipif(not SEED.exists(), reason="the SKR seed text is not available")
def test_the_default_letter_is_written_in_our_own_words():
    """No run of eight words is copied from the SKR report."""
    def words(text):
        return re.findall(r"\w+", text.lower())

    seed = words(SEED.read_text(encoding="utf-8"))
    seed_runs = {" ".join(seed[i:i + 8]) for i in range(len(seed) - 7)}
    with translation.override("sv"):
        ours = words(str(letter.DEFAULT_BODY))
    copied = [" ".join(ours[i:i + 8]) for i in range(len(ours) - 7) if " ".join(ours[i:i + 8]) in seed_runs]
    assert copied == []


def test_letter_values_list_agenda_team_and_participants():
    dialogue = SimpleNamespace(clinic=SimpleNamespace(name="VC Aby"), date=datetime.date(2026, 3, 17),
                               start_time=datetime.time(8, 30), place="På vårdcentralen")
    member = SimpleNamespace(display_name="Bo B", get_party_display=lambda: "Beställarorganisation", role_labels=["intervjuare"])
    participant = SimpleNamespace(name="Vera", role_label="verksamhetschef")
    slot = AgendaSlot("a1", datetime.time(8, 30), datetime.time(9, 30), "Presentationsrunda", "Verksamhetschef, MAL")
    with translation.override("sv"):
        values = letter.letter_values(dialogue=dialogue, agenda=[slot], team_members=[member], participants=[participant])
        empty = letter.letter_values(dialogue=dialogue, agenda=[], team_members=[], participants=[])
    assert values["datum"] == "tisdag 17 mars 2026" and values["tid"] == "08:30"
    assert values["agenda"] == "- 08:30–09:30 Presentationsrunda (deltagare: Verksamhetschef, MAL)"
    assert values["team"] == "- Bo B, Beställarorganisation (intervjuare)"
    assert values["deltagare"] == "- Vera, verksamhetschef"
    assert empty["deltagare"] == "- meddelas senare"


def test_letter_for_a_dialogue_uses_the_regions_template(world):
    dialogue = plan(world, participants=[ParticipantData("Vera", "verksamhetschef")])
    page = dialogue_letter(dialogue)
    assert page.letter.subject.startswith("Välkommen till uppföljningsdialog på Vårdcentral A1")
    assert any(block.kind == "bullets" and "Vera, verksamhetschef" in block.lines for block in page.letter.blocks)
    letter.letter_template_save(region=world.region_a, user=None, subject="Inför {datum}", body="## Program\n{agenda}\n\n<b>fet</b>")
    page = dialogue_letter(dialogue)
    assert page.letter.subject.startswith("Inför ")
    assert page.letter.blocks[0].kind == "heading"
    assert page.letter.blocks[1].lines == ["08:30–09:30 Genomgång av P1 (deltagare: Verksamhetschef, MAL)",
                                           "09:30–09:45 Kaffepaus", "09:45–10:45 Genomgång av P4",
                                           "14:00–14:30 Sammanfattning och återkoppling"]
    assert "Vårdcentral A1" in page.letter.plain_text or "Inför" in page.letter.subject


def test_html_in_a_template_is_shown_as_text(world, client_for):
    from django.urls import reverse

    letter.letter_template_save(region=world.region_a, user=None, subject="Hej", body="<script>alert(1)</script>")
    dialogue = plan(world)
    page = client_for("bestallare").get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
