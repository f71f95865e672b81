"""Text alternatives of the deck's charts and figures (issue 15 §6), the same words in the PowerPoint (each shape's
description) and in the PDF (each figure's ``alt``), for the feedback deck and every deck built on its renderers
(the learning report).

A chart's description names what a sighted reader takes from it: its title, its main finding in words, where the
numbers come from and which period they cover. The finding is the chart's own summary (the first line of the
block's notes, ``indicators.charts.ChartSpec.summary``) and its comparison with the region and the country.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from feedback.renderers import figures
from feedback.renderers.content import ChartBlock, clean_text


def _sentence(text: str) -> str:
    text = clean_text(text).strip()
    return text if not text or text.endswith((".", "!", "?", ":")) else text + "."


def chart_description(chart: ChartBlock) -> str:
    summary = (chart.notes or "").split("\n", 1)[0]
    parts = [_sentence(chart.title), _sentence(summary), _sentence(chart.comparison)]
    if chart.source:
        parts.append(_sentence(_("Källa: %(source)s") % {"source": clean_text(chart.source)}))
    if chart.period:
        parts.append(_sentence(_("Period: %(period)s") % {"period": clean_text(chart.period)}))
    return " ".join(part for part in parts if part)


def five_p_description() -> str:
    domains = "; ".join(f"{domain.code} {domain.name} – {domain.question}" for domain in figures.FIVE_P)
    return _("5P-modellen: fem områden som beskriver vårdcentralen som mikrosystem: %(domains)s.") % {"domains": domains}


def staircase_description() -> str:
    steps = "; ".join(f"{number}. {label}" for number, label in enumerate(figures.STAIRCASE_STEPS, 1))
    return _(
        "%(title)s: stegen i ett förbättringsarbete, nerifrån och upp: %(steps)s. %(caption)s"
    ) % {"title": figures.STAIRCASE_TITLE, "steps": steps, "caption": _sentence(str(figures.STAIRCASE_CAPTION))}


def logo_description(region: str) -> str:
    return _("Logotyp: %(region)s") % {"region": region} if region else _("Regionens logotyp")
