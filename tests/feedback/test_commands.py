"""manage.py build_deck: a dialogue's draft deck, or a shared version's stored file, written to a file."""

import io

import pytest
from django.core.management import CommandError, call_command
from pptx import Presentation

from feedback import services
from tests.feedback import factories

pytestmark = pytest.mark.django_db


def test_build_deck_writes_the_draft_as_pptx_and_pdf(world, tmp_path):
    report = factories.report(world)
    pptx, pdf = tmp_path / "deck.pptx", tmp_path / "deck.pdf"
    out = io.StringIO()
    call_command("build_deck", str(report.dialogue_id), "--format", "pptx", "--output", str(pptx), stdout=out)
    call_command("build_deck", str(report.dialogue_id), "--format", "pdf", "--output", str(pdf), stdout=out)
    titles = [slide.shapes.title.text for slide in Presentation(str(pptx)).slides]
    assert titles[1] == "Uppföljningsdialog utifrån 5P"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert "deck.pptx" in out.getvalue()


def test_build_deck_writes_a_shared_versions_stored_file(world, tmp_path):
    report = factories.report(world)
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    path = tmp_path / "v1.pptx"
    call_command("build_deck", str(report.dialogue_id), "--output", str(path), "--shared-version", "1", stdout=io.StringIO())
    assert path.read_bytes() == services.file_of(version, "pptx")[0]


def test_build_deck_explains_what_is_missing(world, tmp_path):
    with pytest.raises(CommandError, match="ingen återkoppling"):
        call_command("build_deck", "999999", "--output", str(tmp_path / "x.pptx"))
    report = factories.report(world)
    with pytest.raises(CommandError, match="ingen version 3"):
        call_command("build_deck", str(report.dialogue_id), "--output", str(tmp_path / "x.pptx"), "--shared-version", "3")
