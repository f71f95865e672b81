"""The letter's PDF (issue 10, §6, measured by bench/slow_actions.py): an unchanged letter is not rendered again,
and any change to what it says makes a new PDF."""

from django.core.cache import cache
from django.urls import reverse

from dialogs.models.dialogue import Dialogue
from dialogs.services import letter
from tests.dialogs.dialogue_factories import plan
from tests.pdftext import pdf_flat_text


def test_an_unchanged_letter_is_served_from_the_cache_and_a_changed_one_is_rendered_anew(world, client_for, monkeypatch):
    cache.clear()
    dialogue = plan(world, place="Vårdcentralens konferensrum")
    client = client_for("bestallare")
    url = reverse("dialogs:dialogue_letter_pdf", args=[dialogue.pk])
    first = client.get(url).content
    assert "Vårdcentralens konferensrum" in pdf_flat_text(first)

    from weasyprint import HTML

    rendered = []
    real_write_pdf = HTML.write_pdf
    monkeypatch.setattr(HTML, "write_pdf", lambda self, *args, **kwargs: rendered.append(1) or real_write_pdf(self, *args, **kwargs))
    assert client.get(url).content == first and rendered == []

    Dialogue.objects.filter(pk=dialogue.pk).update(place="Regionhuset, sal 3")
    changed = client.get(url).content
    assert rendered == [1] and "Regionhuset, sal 3" in pdf_flat_text(changed)
    # The letter is the clinic's Swedish one whatever the reader's language: the same, from the cache.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.get(url).content == changed and rendered == [1]


def test_the_font_configuration_is_made_once_per_thread():
    from common import pdf

    assert pdf._font_config() is pdf._font_config()
