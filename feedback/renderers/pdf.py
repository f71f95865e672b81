"""The feedback deck as a PDF (WeasyPrint): the same ``DeckContent`` as the PowerPoint, drawn as A4-landscape
pages from an HTML template, with the charts as SVG and the region's theme.

Text enters the HTML through Django's autoescaping; the only things marked safe are built here from checked
values (the font stack from the font whitelist). WeasyPrint may load nothing but the data: URIs this module
makes, so no user text can make the renderer fetch a file or an address.
"""

from __future__ import annotations

import math

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from common.pdf import html_to_pdf
from feedback.renderers import alt_text, figures
from feedback.renderers.colours import series_palette, text_colour_on
from feedback.renderers.content import THEME_FONTS, ChartBlock, DeckContent
from feedback.renderers.data_uri import image_data_uri, svg_data_uri
from feedback.renderers.charts import block_svg

TEMPLATE = "feedback/deck/pdf.html"


def render_pdf(content: DeckContent) -> bytes:
    """The deck as a tagged PDF/UA-1 document (``common.pdf``): headings, the language, the title and every
    figure's text alternative come from the template."""
    return html_to_pdf(render_pdf_html(content))


def render_pdf_html(content: DeckContent) -> str:
    theme = content.theme.checked()
    palette = series_palette(theme.primary, theme.secondary)
    font_stack = ", ".join(f'"{name}"' for name in [theme.font, *THEME_FONTS[theme.font]]) + ", sans-serif"
    blocks = []
    for block in content.outline():
        if isinstance(block, ChartBlock):
            svg = block.svg or block_svg(block, palette=palette, font=theme.font)
            blocks.append({"chart": block, "image": svg_data_uri(svg), "alt": alt_text.chart_description(block)})
        else:
            blocks.append({"section": block})
    return render_to_string(
        TEMPLATE,
        {
            "content": content,
            "theme": theme,
            "on_primary": text_colour_on(theme.primary),
            "on_secondary": text_colour_on(theme.secondary),
            "font_stack": mark_safe(font_stack),  # names from the THEME_FONTS whitelist only
            "svg_font": font_stack.replace('"', "'"),
            "logo": image_data_uri(theme.logo),
            "logo_alt": alt_text.logo_description(theme.name),
            "five_p_alt": alt_text.five_p_description(),
            "blocks": blocks,
            "five_p": _five_p_layout(),
            "staircase": figures.staircase(),
            "staircase_caption": figures.STAIRCASE_CAPTION,
            "attribution": figures.FIGURE_ATTRIBUTION,
        },
    )


def _five_p_layout() -> list[dict]:
    """Positions (in the figure's 660×420 SVG) of the five domains around the centre."""
    nodes = []
    for index, domain in enumerate(figures.FIVE_P):
        angle = -math.pi / 2 + index * 2 * math.pi / len(figures.FIVE_P)
        x, y = 330 + 210 * math.cos(angle), 210 + 155 * math.sin(angle)
        nodes.append({"domain": domain, "x": round(x - 110), "y": round(y - 45), "cx": round(x), "cy": round(y)})
    return nodes


