"""The deck's content as plain, typed data: what both renderers (PPTX and PDF) draw from.

A ``DeckContent`` is built from a feedback report (``feedback.services.deck_content``) or read back
from a shared version's snapshot (``DeckContent.from_dict``); the renderers never touch the database. Keeping
one structure for both formats is what makes the PowerPoint and the PDF say the same thing.

Everything a person typed arrives here as plain text. ``clean_text`` removes the few characters XML cannot
carry (C0 control characters), so no user text can break the PPTX's XML; the renderers put text into
PowerPoint as text runs and into HTML through Django's autoescaping.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Literal

from feedback.renderers.colours import HEX_COLOUR

# XML 1.0 forbids these; python-pptx and lxml refuse them. Tab and newline are kept.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

FigureKind = Literal["", "five_p", "staircase"]
ChartKind = Literal["line", "bar"]


def clean_text(text: str | None) -> str:
    """Text that is safe to put in XML: line breaks normalised, control characters dropped."""
    if not text:
        return ""
    return _XML_ILLEGAL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def safe_url(url: str | None) -> str:
    """The URL if it is an absolute http(s) or mailto address, else "": what a renderer may make a link of.
    Forms validate links already; this keeps a renderer from ever writing a javascript: or file: link."""
    url = clean_text(url).strip()
    return url if re.match(r"^(https?://[^\s]+|mailto:[^\s]+)$", url, re.IGNORECASE) else ""


@dataclass(frozen=True)
class Link:
    label: str
    url: str

    @property
    def href(self) -> str:
        return safe_url(self.url)


@dataclass(frozen=True)
class Theme:
    """The region's look. Colours are ``#RRGGBB``; the font is one of ``THEME_FONTS``; the logo is PNG/JPEG
    bytes. The logo is not part of a snapshot's JSON (the stored files carry it)."""

    primary: str = "#1F4E79"
    secondary: str = "#2E75B6"
    font: str = "Arial"
    logo: bytes | None = None
    name: str = ""

    def checked(self) -> "Theme":
        """The theme with anything invalid replaced by the default: renderers never put an unchecked colour
        or font name into a file, whatever reached the database."""
        default = Theme()
        return Theme(
            primary=self.primary.upper() if HEX_COLOUR.match(self.primary or "") else default.primary,
            secondary=self.secondary.upper() if HEX_COLOUR.match(self.secondary or "") else default.secondary,
            font=self.font if self.font in THEME_FONTS else default.font,
            logo=self.logo,
            name=self.name,
        )


# Fonts an administrator may choose: common on the clinics' Office installations, and each mapped to a
# metric-compatible free font so the PDF looks the same on a server without Microsoft's fonts.
THEME_FONTS: dict[str, list[str]] = {
    "Arial": ["Liberation Sans", "DejaVu Sans"],
    "Calibri": ["Carlito", "Liberation Sans", "DejaVu Sans"],
    "Verdana": ["DejaVu Sans"],
    "Georgia": ["DejaVu Serif", "Liberation Serif"],
    "Times New Roman": ["Liberation Serif", "DejaVu Serif"],
}


@dataclass(frozen=True)
class Section:
    """One heading of Bilaga 3 with its points (one per line, in order) and links."""

    key: str
    title: str
    items: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    notes: str = ""
    figure: FigureKind = ""
    # What each point stands for, when it was built from an item of the dialogue (e.g. "medskick:12", issue 14),
    # so the clinic's comment on it reaches the item; empty for typed points and in versions shared before.
    item_refs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChartSeries:
    """One series; the style fields are optional (empty: the theme's palette, a solid line with markers)."""

    name: str
    values: list[float | None]
    colour: str = ""  # "#RRGGBB"
    dash: str = ""  # a member name of pptx.enum.dml.MSO_LINE_DASH_STYLE, e.g. "DASH"
    markers: bool = True


@dataclass(frozen=True)
class ChartBlock:
    """One indicator chart: categories (periods) and series (clinic, region, riket …) with what a reader
    needs to judge it: source, period, the interval used, and the comparison in words."""

    key: str
    title: str
    categories: list[str]
    series: list[ChartSeries]
    number_format: str = "0.0"
    unit: str = ""
    source: str = ""
    period: str = ""
    interval: str = ""
    comparison: str = ""
    kind: ChartKind = "line"
    svg: str = ""  # for the PDF
    notes: str = ""
    axis_min: float | None = None
    axis_max: float | None = None
    # The same chart drawn for the page: narrower, with larger type. Versions shared before it existed have only
    # ``svg``; the page draws their charts from ``series`` (feedback.renderers.charts.SCREEN).
    screen_svg: str = ""


@dataclass(frozen=True)
class DeckContent:
    title: str
    clinic: str
    region: str
    date: str
    participants: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    charts: list[ChartBlock] = field(default_factory=list)
    theme: Theme = field(default_factory=Theme)
    author: str = ""
    subject: str = ""
    version_label: str = ""
    created: datetime | None = None
    # The charts follow this section (its key); with no such section they come last.
    charts_after: str = ""
    # The title slide's speaker notes; "" for a clinic's feedback (the deck's own sentence). The region's learning
    # report (learning/) says what it is.
    title_notes: str = ""

    def outline(self) -> list[Section | ChartBlock]:
        """Sections and charts in deck order: the one order both renderers follow."""
        ordered: list[Section | ChartBlock] = []
        placed = False
        for section in self.sections:
            ordered.append(section)
            if section.key == self.charts_after:
                ordered.extend(self.charts)
                placed = True
        if not placed:
            ordered.extend(self.charts)
        return ordered

    # --- snapshot (JSON) ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        data = asdict(self)
        data["theme"].pop("logo", None)
        data["created"] = self.created.isoformat() if self.created else None
        return data

    @classmethod
    def from_dict(cls, data: dict, *, logo: bytes | None = None) -> DeckContent:
        sections = [
            Section(**{**section, "links": [Link(**link) for link in section.get("links", [])]})
            for section in data.get("sections", [])
        ]
        charts = [
            ChartBlock(**{**chart, "series": [ChartSeries(**series) for series in chart.get("series", [])]})
            for chart in data.get("charts", [])
        ]
        created = data.get("created")
        return cls(
            **{
                **data,
                "sections": sections,
                "charts": charts,
                "theme": Theme(**{**data.get("theme", {}), "logo": logo}),
                "created": datetime.fromisoformat(created) if created else None,
            }
        )
