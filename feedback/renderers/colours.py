"""Colour arithmetic for the region theme: WCAG 2.1 contrast and a readable text colour on a fill."""

import re

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
WHITE = "#FFFFFF"
INK = "#1A1A1A"


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.03928 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(fill: str) -> str:
    """White or near-black, whichever reads better on the fill."""
    return WHITE if contrast_ratio(fill, WHITE) >= contrast_ratio(fill, INK) else INK


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def series_palette(primary: str, secondary: str) -> list[str]:
    """Series colours of a chart, the same in PowerPoint and PDF: the clinic in the primary colour, the
    comparison units after it."""
    return [primary, secondary, "#7F7F7F", "#A5A5A5", "#404040"]
