"""Every PDF the product makes goes through here: HTML rendered by WeasyPrint as a tagged PDF/UA-1 document
(issue 15 §6), or as PDF/A for the archive (§4).

What makes the PDF accessible comes from the HTML, so each printable template must give it:
- ``<html lang="…">`` – the document's language (``/Lang``);
- ``<title>`` – the document's title, which viewers show instead of the file name (``DisplayDocTitle``);
- headings ``h1``–``h6`` in order – the bookmarks (outline) and the structure tree's headings;
- an ``alt`` on every ``<img>`` and a ``<title>`` in every inline ``<svg>`` – the figures' alternative text.
``tests/pdfua.py`` checks the result with pikepdf.

WeasyPrint is imported inside the functions: it is slow to import, and most commands and requests never draw a
PDF (``config/wsgi.py`` imports it as a web worker starts). By default WeasyPrint may fetch nothing but the
``data:`` URLs the templates make, so no user text can make the renderer open a file or an address.
"""

from __future__ import annotations

import threading

PDF_UA = "pdf/ua-1"
# For the region's e-archive: PDF/A-2 (ISO 19005-2) with the structure tree kept (level A, "accessible"), so the
# archived documentation is as readable with a screen reader as the one people download.
PDF_A = "pdf/a-2a"

_fonts = threading.local()


def _font_config():
    """WeasyPrint's font configuration, made once per thread: looking the fonts up again for every PDF was a
    quarter of a letter's rendering time."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def html_to_pdf(html: str, *, variant: str = PDF_UA, base_url: str | None = None, data_only: bool = True) -> bytes:
    """``html`` as a tagged PDF of ``variant`` (PDF/UA-1 unless told otherwise). With ``data_only`` (the default)
    WeasyPrint loads nothing but ``data:`` URLs; ``base_url`` is where relative links in the document point."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False) if data_only else None
    options = {"url_fetcher": fetcher} if fetcher else {}
    document = HTML(string=html, base_url=base_url, **options)
    return document.write_pdf(pdf_variant=variant, pdf_tags=True, font_config=_font_config())
