"""A web worker's start (config/warmup.py): every template of the project compiles, so none is left to compile
(or to fail) in a user's request, and the small PDF it draws is a real PDF."""

import logging
from pathlib import Path

from django.template import engines

from config import warmup


def _template_files() -> int:
    engine = engines["django"]
    return sum(1 for directory in engine.template_dirs for path in Path(directory).rglob("*") if path.is_file())


def test_every_template_compiles_at_start(caplog):
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        compiled = warmup._compile_templates()
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    assert compiled == _template_files()
    assert compiled > 100  # the project's own and the apps' templates, not only Django's


def test_a_broken_template_is_reported_not_fatal(tmp_path, caplog, settings):
    (tmp_path / "broken.html").write_text("{% if %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        warmup._compile_templates()
    assert any("broken.html" in record.getMessage() for record in caplog.records)


def test_the_start_pdf_is_drawn(monkeypatch):
    drawn = []
    from common import pdf

    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html, **kwargs: drawn.append(real(html, **kwargs)) or drawn[-1])
    warmup._draw_pdf()
    assert len(drawn) == 1 and drawn[0].startswith(b"%PDF-")


def test_a_failing_pdf_renderer_does_not_stop_a_worker_from_starting(monkeypatch, caplog):
    from common import pdf

    def broken(html, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        warmup._draw_pdf()
    assert any("No PDF drawn at start" in record.getMessage() for record in caplog.records)
