"""What a web worker does once, as it starts, instead of on its first requests (config/gunicorn.conf.py's
``post_worker_init``; the benchmarks call the same function before they time pages, so they measure the worker
production runs):

- import every app's URLs and views, and with them the libraries the views use (pandas, scipy, python-pptx…):
  measured, a worker's first request took 1.2 s, the first autosave after a deploy;
- read both languages' translations;
- compile every template into the cached loader;
- draw one small PDF, so WeasyPrint has read its fonts and built its caches before a user's letter or report.

Then everything loaded so far is moved out of the garbage collector's reach (``gc.freeze``). A full collection
walks every object it tracks; before this, the 1,500 modules a worker imported on its first requests were still
tracked, and a full collection that landed in a request took 60–110 ms of it (bench/learning.py: the learning
report's slow tail; bench/dialogue.py: the on-site page's).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def _compile_templates() -> int:
    """Every template of every Django engine, compiled once into the cached loader; returns how many."""
    from django.template import TemplateSyntaxError, engines
    from django.template.backends.django import DjangoTemplates

    compiled = 0
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for directory in engine.template_dirs:
            root = Path(directory)
            for path in sorted(root.rglob("*")):
                if not path.is_file():
                    continue
                name = path.relative_to(root).as_posix()
                try:
                    engine.get_template(name)
                except (TemplateSyntaxError, UnicodeDecodeError) as error:  # a broken template is reported when used
                    logger.warning("Template %s not compiled at start: %s", name, error)
                    continue
                compiled += 1
    return compiled


def _draw_pdf() -> None:
    """One small PDF; a worker whose PDF renderer fails still starts (its PDFs then answer with their own error
    page) and says why in the log."""
    from common.pdf import html_to_pdf

    page = '<!DOCTYPE html><html lang="sv"><head><title>Start</title></head><body><h1>Start</h1></body></html>'
    try:
        html_to_pdf(page)
    except Exception:  # noqa: BLE001 - never stop a worker from starting over a warm-up
        logger.warning("No PDF drawn at start", exc_info=True)


def warm_worker() -> None:
    """Load what requests would load, then freeze it (see the module's docstring)."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Start")  # loads the language's catalogue
    _compile_templates()
    _draw_pdf()
    gc.collect()
    gc.freeze()
