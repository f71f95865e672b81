"""WCAG 2.1 criterion 3.1.2 (language of parts): the SKR guide is Swedish data, so on an English page a screen
reader must read its questions, help texts, follow-ups and section titles as Swedish and the page's own labels
as English."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dialogs.models import Question, Section
from tests.dialogs.factories import region_a_draft
from tests.dialogs.onsite_factories import onsite_dialogue, skr_version_of_region_a

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class LanguageOfText(HTMLParser):
    """Collects each piece of visible text with the language it is in: the nearest lang attribute around it.
    The page title is left out: a <title> has no parts to mark."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        inherited = self.stack[-1][1] if self.stack else ""
        self.stack.append((tag, dict(attrs).get("lang") or inherited))
        self.skipping += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        while self.stack:
            opened, _lang = self.stack.pop()
            self.skipping -= opened in ("script", "style", "title")
            if opened == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.skipping and self.stack:
            self.texts.append((" ".join(data.split()), self.stack[-1][1]))

    def language_of(self, text: str) -> set[str]:
        return {lang for piece, lang in self.texts if piece == text}


def languages(response) -> LanguageOfText:
    assert response.status_code == 200
    parser = LanguageOfText()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def english(client_for):
    def client(persona):
        signed_in = client_for(persona)
        signed_in.post(reverse("set_language"), {"language": "en", "next": "/"})
        return signed_in

    return client


def test_the_guide_preview_marks_the_swedish_guide_and_keeps_its_own_labels_english(english, world):
    version = skr_version_of_region_a(world)
    page = languages(english("bestallare").get(reverse("dialogs:version_detail", args=[version.pk])))
    question = Question.objects.filter(section__version=version).exclude(help="").first()
    assert page.language_of(question.text) == {"sv"}
    assert page.language_of(" ".join(question.help.splitlines()[0].split())) == {"sv"}
    followup = Question.objects.filter(section__version=version, followups__isnull=False).first().followups.first()
    assert page.language_of(followup.text) == {"sv"}
    sections = Section.objects.filter(version=version)
    assert all(page.language_of(section.heading if section.parent_id is None else section.title) == {"sv"}
               for section in sections)
    assert all(page.language_of(block.title) == {"sv"} for block in version.agenda_blocks.all())
    assert page.language_of("In-depth questions") == {"en"}
    # How each question is answered: the steps of a sequence, the parts of a yes/no per part, the legend's text.
    sequence = Question.objects.get(section__version=version, kind="sequence")
    assert sequence.prompts and all(page.language_of(prompt) == {"sv"} for prompt in sequence.prompts)
    choices = Question.objects.get(section__version=version, kind="choices")
    assert all(page.language_of(f"{choice}:") == {"sv"} for choice in choices.choices)
    assert page.language_of("Answer to:") == {"en"} and page.language_of(sequence.text) == {"sv"}


def test_a_partys_preparation_marks_the_guides_questions_and_sections_it_offers(english, world):
    dialogue = onsite_dialogue(world, version=skr_version_of_region_a(world))
    page = languages(english("bestallare").get(reverse("dialogs:preparation_update", args=[dialogue.pk, "bestallare"])))
    questions = Question.objects.filter(section__version=dialogue.guide_version, section__key__startswith="p1")
    assert questions and all(page.language_of(question.text) == {"sv"} for question in questions)
    assert page.language_of("The whole section") == {"en"}


def test_the_on_site_form_marks_the_swedish_questions_and_keeps_its_labels_english(english, world):
    dialogue = onsite_dialogue(world, version=skr_version_of_region_a(world))
    page = languages(english("bestallare").get(reverse("dialogs:onsite_section", args=[dialogue.pk, "p1"])))
    questions = Question.objects.filter(section__version=dialogue.guide_version, section__key__startswith="p1")
    assert questions and all(page.language_of(question.text) == {"sv"} for question in questions)
    section = dialogue.guide_version.sections.get(key="p1")
    assert page.language_of(section.heading) == {"sv"}  # the heading, the list of the day's sections
    assert page.language_of("Notes") == {"en"}


def test_on_a_swedish_page_everything_but_the_language_switch_is_swedish(client_for, world):
    version = skr_version_of_region_a(world)
    page = languages(client_for("bestallare").get(reverse("dialogs:version_detail", args=[version.pk])))
    assert {text for text, lang in page.texts if lang != "sv"} == {"English"}


def test_the_guide_editor_marks_the_questions_and_section_headings_it_lists(english, world):
    draft = region_a_draft(world)
    page = languages(english("admin").get(reverse("dialogs:version_edit", args=[draft.pk])))
    assert all(page.language_of(question.text) == {"sv"} for question in Question.objects.filter(section__version=draft))
    top = Section.objects.filter(version=draft, parent=None).exclude(code="")
    assert top and all(page.language_of(section.heading) == {"sv"} for section in top)


def test_the_dialogues_programme_marks_the_guides_agenda(english, world):
    dialogue = onsite_dialogue(world, version=skr_version_of_region_a(world), lifestyle=True)
    page = languages(english("bestallare").get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])))
    blocks = dialogue.guide_version.agenda_blocks.all()
    assert blocks and all(page.language_of(block.title) == {"sv"} for block in blocks)
    assert page.language_of("With the in-depth module:") == {"en"}
