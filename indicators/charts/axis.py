"""Which periods a chart's category axis names: as many as fit, and never two that run into each other.

A run chart of 16 half-years or 36 months has more periods than room for their names ("2023 jan-jun" is about
seven em wide). The axis then names every k-th period, k chosen from the room a period has and the width of the
longest name, and always the latest period, which the chart's words speak of. Used by the SVG drawing (the
PDF's and the page's, ``render_svg``) and by PowerPoint's native charts (``render_pptx``: ``tickLblSkip``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# A generous average glyph width, in em, for the digits, spaces and lower-case letters of period names in the
# charts' fonts (DejaVu Sans, Liberation Sans, Carlito): "2023 jan-jun" measures about 0.53 em a character in
# DejaVu Sans, the widest of them.
GLYPH_EM = 0.62
# Room kept free between two names.
GAP_EM = 0.75


def label_width(labels: Sequence[str], font_size: float) -> float:
    """The room the longest of ``labels`` needs at ``font_size``, with the gap kept free beside it."""
    longest = max((len(label) for label in labels), default=0)
    return (longest * GLYPH_EM + GAP_EM) * font_size


def label_step(count: int, slot: float, width: float) -> int:
    """Name every ``step``-th of ``count`` periods that stand ``slot`` apart, so that names ``width`` wide never
    meet. A step that lands on the latest period from the first is preferred while it is at most half as
    large again as the smallest that fits (15 periods apart: 3 or 5 rather than 4)."""
    if count < 2:
        return 1
    needed = max(1, math.ceil(width / slot)) if slot > 0 else count
    for step in range(needed, min(count - 1, needed + needed // 2) + 1):
        if (count - 1) % step == 0:
            return step
    return needed


def named_periods(count: int, step: int) -> list[int]:
    """The indexes of the periods to name: the first and every ``step``-th after it, and the latest. A name
    that would stand closer than ``step`` to the latest gives way to it."""
    if count < 1:
        return []
    indexes = list(range(0, count, max(1, step)))
    last = count - 1
    if indexes[-1] != last:
        if last - indexes[-1] < step:
            indexes.pop()
        indexes.append(last)
    return indexes


def decimals_of(number_format: str) -> int:
    """Decimals an Excel number format shows: "0.0" → 1, "0" → 0, '0.00"%"' → 2."""
    head = number_format.split(";")[0]
    if "." not in head:
        return 0
    return sum(1 for char in head.split(".", 1)[1] if char in "0#")
