"""The feedback deck as an editable PowerPoint (python-pptx): 16:9, the region's theme, a title slide and one
slide per section, the 5P model and Förbättringstrappan as native shapes, indicator charts as native charts
(drawn by ``indicators.charts.add_chart`` from the chart's spec, ``feedback.renderers.charts``).

Long sections continue on further slides instead of overflowing: text is measured with a character and line
budget per text box (a conservative average glyph width for the font size), and a point that does not fit is
split across slides. User text only ever enters as text runs (never as XML), so markup stays text.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from feedback.renderers import alt_text, figures
from feedback.renderers.charts import block_spec
from feedback.renderers.colours import INK, rgb, series_palette, text_colour_on
from feedback.renderers.content import ChartBlock, DeckContent, Section, clean_text
from indicators.charts import add_chart

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.55)
BODY_HEIGHT = Inches(5.25)
FULL_WIDTH = SLIDE_WIDTH - 2 * MARGIN
FIGURE_TEXT_WIDTH = Inches(5.6)
BODY_PT = 20
# Beside a figure the column is narrow: a smaller size keeps facts such as a long list of participants on one slide.
FIGURE_BODY_PT = 18
TITLE_PT = 28
GREY = "#595959"
# A conservative average glyph width (in em) for proportional fonts in mixed Swedish text: Arial's lowercase
# averages about 0.5 em; the margin makes a wrapped line in PowerPoint or LibreOffice never outrun the budget.
GLYPH_EM = 0.56
LINE_SPACING = 1.2
PARAGRAPH_GAP_LINES = 0.35

CHART_WIDTH, CHART_HEIGHT = Inches(8.3), Inches(5.1)
CHART_PT = 12
# What of the chart's width the category axis gets: less the value axis' numbers ("60,0 %") and its title.
CATEGORY_AXIS_WIDTH = Inches(7.0)

LAYOUT_TITLE = 0
LAYOUT_TITLE_ONLY = 5


@dataclass(frozen=True)
class Entry:
    """One paragraph of a body text box: a point, a fact line or a link, possibly the tail of a split one."""

    text: str
    url: str = ""
    bullet: bool = True
    bold_prefix: str = ""


def render_pptx(content: DeckContent) -> bytes:
    deck = _Deck(content)
    return deck.build()


# --- text budget ---------------------------------------------------------------------------------


def chars_per_line(width_emu: int, font_pt: float) -> int:
    width_pt = Emu(width_emu).pt - 0.5 * 72 * 0.35  # the bullet indent
    return max(10, int(width_pt / (font_pt * GLYPH_EM)))


def lines_per_box(height_emu: int, font_pt: float) -> int:
    return max(3, int(Emu(height_emu).pt / (font_pt * LINE_SPACING)))


def line_starts(text: str, width: int) -> list[int]:
    """Where each wrapped line of ``text`` starts (character offsets), wrapping greedily at spaces at
    ``width`` characters and breaking a word longer than a line, as PowerPoint does."""
    starts: list[int] = []
    offset = 0
    for hard_line in text.split("\n"):
        starts.append(offset)
        column = 0
        for word in re.finditer(r"\S+", hard_line):
            position, length = word.start(), len(word.group())
            if column and column + length > width:
                starts.append(offset + position)
                column = 0
            while length > width:
                position, length = position + width, length - width
                starts.append(offset + position)
            column += length + 1
        offset += len(hard_line) + 1
    return starts


def paginate(entries: list[Entry], *, width: int, max_lines: int) -> list[list[Entry]]:
    """Entries grouped into pages of at most ``max_lines`` wrapped lines. An entry too long for the room left
    is split at a line boundary and continues, without a bullet, on the next page; a page never ends with the
    first line of a longer entry."""
    pages: list[list[Entry]] = [[]]
    used = 0.0
    for entry in entries:
        full = entry.bold_prefix + entry.text
        starts = line_starts(full, width)
        index, first = 0, True
        while index < len(starts):
            room = int(max_lines - used)
            if room < 1 or (pages[-1] and room < min(len(starts) - index, 2)):
                pages.append([])
                used, room = 0.0, max_lines
            end_index = min(len(starts), index + room)
            piece = full[starts[index] : starts[end_index] if end_index < len(starts) else len(full)]
            prefix = entry.bold_prefix if first else ""
            pages[-1].append(
                Entry(piece[len(prefix) :].strip(), url=entry.url, bullet=entry.bullet and first, bold_prefix=prefix)
            )
            used += end_index - index + PARAGRAPH_GAP_LINES
            index, first = end_index, False
    return [page for page in pages if page] or [[]]


# --- the deck ------------------------------------------------------------------------------------


class _Deck:
    def __init__(self, content: DeckContent):
        self.content = content
        self.theme = content.theme.checked()
        self.prs = Presentation()
        self.prs.slide_width = SLIDE_WIDTH
        self.prs.slide_height = SLIDE_HEIGHT
        _widen_layouts(self.prs)
        _apply_theme_part(self.prs, self.theme.primary, self.theme.secondary, self.theme.font)

    def build(self) -> bytes:
        self._title_slide()
        for block in self.content.outline():
            if isinstance(block, ChartBlock):
                self._chart_slide(block)
            else:
                self._section_slides(block)
        self._number_slides()
        for slide in self.prs.slides:
            _set_reading_order(slide)
        self._properties()
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()

    # --- slides ---

    def _title_slide(self) -> None:
        content = self.content
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE])
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_WIDTH, Inches(4.4))
        band.name = "Title band"
        _mark_decorative(band)
        _fill(band, self.theme.primary)
        _send_to_back(slide, band)
        on_band = text_colour_on(self.theme.primary)
        title = slide.shapes.title
        _place(title, MARGIN, Inches(1.2), FULL_WIDTH, Inches(1.6))
        self._set_text(title.text_frame, content.title, size=40, bold=True, colour=on_band)
        title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        subtitle = slide.placeholders[1]
        _place(subtitle, MARGIN, Inches(2.9), FULL_WIDTH, Inches(1.3))
        lines = [content.clinic, " · ".join(part for part in [content.region, content.date] if part)]
        self._set_lines(subtitle.text_frame, [line for line in lines if line], size=24, colour=on_band)
        subtitle.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        if content.version_label:
            box = slide.shapes.add_textbox(MARGIN, Inches(4.8), Inches(8), Inches(0.5))
            box.name = "Version"
            self._set_text(box.text_frame, content.version_label, size=14, colour=GREY)
        self._logo(slide, top=Inches(5.9), height=Inches(1.0))
        _notes(slide, content.title_notes or _("Återkoppling från uppföljningsdialogen med %(clinic)s.") % {"clinic": content.clinic})

    def _section_slides(self, section: Section) -> None:
        has_figure = bool(section.figure)
        width = FIGURE_TEXT_WIDTH if has_figure else FULL_WIDTH
        size = FIGURE_BODY_PT if has_figure else BODY_PT
        entries = self._section_entries(section)
        pages = paginate(entries, width=chars_per_line(width, size), max_lines=lines_per_box(BODY_HEIGHT, size))
        for number, page in enumerate(pages):
            title = section.title if number == 0 else _("%(title)s (forts.)") % {"title": section.title}
            slide = self._titled_slide(title)
            body = slide.shapes.add_textbox(MARGIN, BODY_TOP, width, BODY_HEIGHT)
            body.name = "Body" if number == 0 else f"Body (continued {number})"
            self._fill_body(body.text_frame, page, size=size)
            if has_figure and number == 0:
                if section.figure == "five_p":
                    self._five_p(slide)
                else:
                    self._staircase(slide)
            _notes(slide, section.notes)

    def _section_entries(self, section: Section) -> list[Entry]:
        entries: list[Entry] = []
        if section.figure == "five_p":
            content = self.content
            facts = [
                (_("Vårdcentral: "), content.clinic),
                (_("Datum: "), content.date),
                (_("Deltagare: "), ", ".join(content.participants)),
            ]
            entries.extend(Entry(clean_text(value), bullet=False, bold_prefix=label) for label, value in facts if value)
        entries.extend(Entry(clean_text(item)) for item in section.items if clean_text(item).strip())
        for link in section.links:
            label = clean_text(link.label) or clean_text(link.url)
            entries.append(Entry(label, url=link.href))
        return entries

    def _chart_slide(self, chart: ChartBlock) -> None:
        slide = self._titled_slide(chart.title)
        frame = add_chart(
            slide.shapes, block_spec(chart, palette=series_palette(self.theme.primary, self.theme.secondary)),
            left=MARGIN, top=BODY_TOP, width=CHART_WIDTH, height=CHART_HEIGHT, font=self.theme.font,
            font_pt=CHART_PT, category_axis_width=CATEGORY_AXIS_WIDTH,
        )
        frame.name = f"Chart {chart.key}"
        _describe(frame, alt_text.chart_description(chart))
        facts = [
            (_("Källa: "), chart.source),
            (_("Period: "), chart.period),
            (_("Intervall: "), chart.interval),
            (_("Jämförelse: "), chart.comparison),
        ]
        box = slide.shapes.add_textbox(Inches(9.1), BODY_TOP, Inches(3.63), Inches(5.1))
        box.name = "Chart facts"
        frame_text = box.text_frame
        frame_text.word_wrap = True
        frame_text.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        first = True
        for label, value in facts:
            if not value:
                continue
            paragraph = frame_text.paragraphs[0] if first else frame_text.add_paragraph()
            first = False
            paragraph.space_after = Pt(8)
            self._run(paragraph, label, size=14, bold=True, colour=self.theme.primary)
            self._run(paragraph, clean_text(value), size=14, colour=INK)
        notes = "\n".join(clean_text(part) for part in [chart.comparison, chart.interval, chart.notes] if part)
        _notes(slide, notes)

    # --- figures ---

    def _five_p(self, slide) -> None:
        """The 5P model: a centre circle and the five domains around it, each a labelled native shape."""
        centre_x, centre_y = Inches(9.55), Inches(4.2)
        radius_x, radius_y = Inches(2.3), Inches(1.95)
        node_w, node_h = Inches(2.0), Inches(1.1)
        group = slide.shapes.add_group_shape()
        group.name = "5P model"
        hub = group.shapes.add_shape(
            MSO_SHAPE.OVAL, centre_x - Inches(0.75), centre_y - Inches(0.75), Inches(1.5), Inches(1.5)
        )
        hub.name = "5P centre"
        _fill(hub, self.theme.primary)
        self._shape_text(hub, [(figures.FIVE_P_CENTRE, 28, True)], text_colour_on(self.theme.primary))
        for index, domain in enumerate(figures.FIVE_P):
            angle = -math.pi / 2 + index * 2 * math.pi / len(figures.FIVE_P)
            left = int(centre_x + radius_x * math.cos(angle) - node_w / 2)
            top = int(centre_y + radius_y * math.sin(angle) - node_h / 2)
            node = group.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, node_w, node_h)
            node.name = f"5P {domain.code}"
            _fill(node, self.theme.secondary)
            self._shape_text(
                node,
                [(f"{domain.code}: {domain.name}", 14, True), (str(domain.question), 11, False)],
                text_colour_on(self.theme.secondary),
            )
        _describe(group, alt_text.five_p_description())
        caption = slide.shapes.add_textbox(Inches(7.0), Inches(6.75), Inches(5.7), Inches(0.35))
        caption.name = "5P attribution"
        self._set_text(caption.text_frame, str(figures.FIGURE_ATTRIBUTION), size=10, colour=GREY)

    def _staircase(self, slide) -> None:
        """Förbättringstrappan: one bar per step, each a step higher and further right than the one before;
        the dialogue's step in the primary colour, the clinic's own steps in the secondary colour."""
        steps = figures.STAIRCASE_STEPS
        left0, bottom = Inches(6.9), Inches(6.3)
        step_dx, step_dy, bar_w = Inches(0.3), Inches(0.5), Inches(3.4)
        # The figure's name, as the PDF has it: above the lowest steps, left of the highest ones.
        title = slide.shapes.add_textbox(left0, Inches(1.5), Inches(2.4), Inches(0.4))
        title.name = "Staircase title"
        self._set_text(title.text_frame, str(figures.STAIRCASE_TITLE), size=16, bold=True, colour=self.theme.primary)
        group = slide.shapes.add_group_shape()
        group.name = "Staircase"
        for index, label in enumerate(steps):
            top = bottom - step_dy * (index + 1)
            step = group.shapes.add_shape(
                MSO_SHAPE.RECTANGLE, left0 + step_dx * index, top, bar_w, step_dy - Inches(0.05)
            )
            step.name = f"Staircase step {index + 1}"
            colour = self.theme.primary if index < figures.STAIRCASE_DIALOGUE_STEPS else self.theme.secondary
            _fill(step, colour)
            self._shape_text(step, [(f"{index + 1}. {label}", 12, index == 0)], text_colour_on(colour))
            step.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        _describe(group, alt_text.staircase_description())
        caption = slide.shapes.add_textbox(left0, Inches(6.35), Inches(5.8), Inches(0.55))
        caption.name = "Staircase caption"
        self._set_lines(
            caption.text_frame, [str(figures.STAIRCASE_CAPTION), str(figures.FIGURE_ATTRIBUTION)], size=10, colour=GREY
        )

    # --- building blocks ---

    def _titled_slide(self, title: str):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE_ONLY])
        shape = slide.shapes.title
        _place(shape, MARGIN, Inches(0.3), Inches(10.6), Inches(1.0))
        title = clean_text(title)
        self._set_text(shape.text_frame, title, size=_title_size(title), bold=True, colour=self.theme.primary)
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        shape.text_frame.word_wrap = True
        shape.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.36), FULL_WIDTH, Inches(0.06))
        bar.name = "Accent bar"
        _mark_decorative(bar)
        _fill(bar, self.theme.secondary)
        self._logo(slide, top=Inches(0.35), height=Inches(0.8))
        footer = slide.shapes.add_textbox(MARGIN, Inches(6.95), Inches(10), Inches(0.4))
        footer.name = "Footer"
        self._set_text(
            footer.text_frame,
            " · ".join(part for part in [self.content.clinic, self.content.date, self.content.version_label] if part),
            size=10,
            colour=GREY,
        )
        return slide

    def _fill_body(self, frame, entries: list[Entry], *, size: float) -> None:
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for index, entry in enumerate(entries):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.space_after = Pt(size * PARAGRAPH_GAP_LINES)
            _bullet(paragraph, entry.bullet)
            if entry.bold_prefix:
                self._run(paragraph, entry.bold_prefix, size=size, bold=True, colour=self.theme.primary)
            run = self._run(paragraph, entry.text.replace("\n", " "), size=size, colour=INK)
            if entry.url:
                run.hyperlink.address = entry.url
                run.font.underline = True
                run.font.color.rgb = RGBColor(*rgb(self.theme.primary))

    def _run(self, paragraph, text: str, *, size: float, bold: bool = False, colour: str = INK):
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = self.theme.font
        run.font.color.rgb = RGBColor(*rgb(colour))
        return run

    def _set_text(self, frame, text: str, *, size: float, bold: bool = False, colour: str = INK) -> None:
        self._set_lines(frame, [text], size=size, bold=bold, colour=colour)

    def _set_lines(self, frame, lines: list[str], *, size: float, bold: bool = False, colour: str = INK) -> None:
        frame.clear()
        frame.word_wrap = True
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            self._run(paragraph, clean_text(line), size=size, bold=bold, colour=colour)

    def _shape_text(self, shape, lines: list[tuple[str, float, bool]], colour: str, anchor=MSO_ANCHOR.MIDDLE) -> None:
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = anchor
        for margin in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(frame, margin, Inches(0.05))
        for index, (text, size, bold) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.CENTER
            self._run(paragraph, text, size=size, bold=bold, colour=colour)

    def _logo(self, slide, *, top: int, height: int) -> None:
        if not self.theme.logo:
            return
        picture = slide.shapes.add_picture(io.BytesIO(self.theme.logo), 0, top, height=height)
        if picture.width > Inches(2.2):  # very wide logos: keep them inside the corner
            ratio = Inches(2.2) / picture.width
            picture.width, picture.height = Inches(2.2), int(picture.height * ratio)
        picture.left = SLIDE_WIDTH - MARGIN - picture.width
        picture.name = "Logo"
        _describe(picture, alt_text.logo_description(self.theme.name))
        picture.shadow.inherit = False

    def _number_slides(self) -> None:
        """A slide-number field in the corner of every slide but the first (PowerPoint keeps it right when
        slides are moved)."""
        for index, slide in enumerate(self.prs.slides):
            if index == 0:
                continue
            box = slide.shapes.add_textbox(SLIDE_WIDTH - MARGIN - Inches(1.2), Inches(6.95), Inches(1.2), Inches(0.4))
            box.name = "Slide number"
            paragraph = box.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT
            field = etree.SubElement(paragraph._p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}",
                                     type="slidenum")
            properties = etree.SubElement(field, qn("a:rPr"), lang="sv-SE", sz="1000")
            fill = etree.SubElement(properties, qn("a:solidFill"))
            etree.SubElement(fill, qn("a:srgbClr"), val=GREY[1:])
            etree.SubElement(field, qn("a:t")).text = str(index + 1)

    def _properties(self) -> None:
        content = self.content
        properties = self.prs.core_properties
        properties.title = clean_text(f"{content.title} – {content.clinic}")[:255]
        properties.author = clean_text(content.author)[:255]
        properties.subject = clean_text(content.subject)[:255]
        properties.keywords = "PrimärvårdsUppföljning; 5P; återkoppling"
        properties.language = "sv-SE"
        properties.last_modified_by = clean_text(content.author)[:255]
        created = content.created or timezone.now()
        properties.created = _naive_utc(created)
        properties.modified = _naive_utc(created)
        properties.revision = 1


# --- helpers -------------------------------------------------------------------------------------


def _title_size(title: str) -> int:
    """Smaller type for longer titles (an indicator's name may have 255 characters) so that three lines at
    most fill the title box."""
    if len(title) <= 55:
        return TITLE_PT
    return 22 if len(title) <= 110 else 16


def _naive_utc(moment: datetime) -> datetime:
    if timezone.is_aware(moment):
        moment = moment.astimezone(timezone.UTC).replace(tzinfo=None)
    return moment


def _place(shape, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = int(left), int(top), int(width), int(height)


def _fill(shape, colour: str) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor(*rgb(colour))
    shape.line.fill.background()
    shape.shadow.inherit = False


def _send_to_back(slide, shape) -> None:
    tree = slide.shapes._spTree
    tree.remove(shape._element)
    tree.insert(2, shape._element)  # after the group's nvGrpSpPr and grpSpPr


# PowerPoint's "Mark as decorative" (Office 2019 and later): screen readers skip the shape.
DECORATIVE_EXTENSION = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
# Reading order (the order of the slide's shape tree, which is also the order they are drawn in): decorative shapes
# first (they lie behind the rest and are skipped), the title, the content as it was added, then the logo, the
# footer and the slide number.
_ORDER_LAST = {"Logo": 1, "Footer": 2, "Slide number": 3}


def _describe(shape, text: str) -> None:
    """The shape's description (alternative text), read by screen readers and shown in PowerPoint's Alt Text."""
    shape._element._nvXxPr.cNvPr.set("descr", clean_text(text)[:4000])


def _mark_decorative(shape) -> None:
    properties = shape._element._nvXxPr.cNvPr
    extensions = properties.find(qn("a:extLst"))
    if extensions is None:
        extensions = etree.SubElement(properties, qn("a:extLst"))
    extension = etree.SubElement(extensions, qn("a:ext"), uri=DECORATIVE_EXTENSION)
    etree.SubElement(extension, f"{{{DECORATIVE_NS}}}decorative", nsmap={"adec": DECORATIVE_NS}, val="1")


def is_decorative(element) -> bool:
    return bool(element.xpath(".//a:ext[@uri='%s']" % DECORATIVE_EXTENSION))


def _set_reading_order(slide) -> None:
    def rank(shape) -> tuple[int, int]:
        if is_decorative(shape._element):
            return (0, 0)
        if shape.is_placeholder:
            return (1, shape.placeholder_format.idx)  # the title (0) before the subtitle
        return (3, _ORDER_LAST[shape.name]) if shape.name in _ORDER_LAST else (2, 0)

    tree = slide.shapes._spTree
    ordered = sorted(slide.shapes, key=rank)  # stable: content keeps the order it was added in
    for shape in ordered:
        tree.remove(shape._element)
    for shape in ordered:
        tree.append(shape._element)


def _bullet(paragraph, on: bool) -> None:
    properties = paragraph._p.get_or_add_pPr()
    for child in list(properties):
        if child.tag in (qn("a:buNone"), qn("a:buChar"), qn("a:buFont")):
            properties.remove(child)
    if on:
        properties.set("marL", str(Inches(0.35)))
        properties.set("indent", str(-Inches(0.35)))
        etree.SubElement(properties, qn("a:buFont"), typeface="Arial")
        etree.SubElement(properties, qn("a:buChar"), char="•")
    else:
        properties.set("marL", "0")
        properties.set("indent", "0")
        etree.SubElement(properties, qn("a:buNone"))


def _notes(slide, text: str) -> None:
    text = clean_text(text)
    if text:
        slide.notes_slide.notes_text_frame.text = text


def _widen_layouts(prs) -> None:
    """python-pptx's default template is 4:3; stretch the master's and layouts' placeholders to 16:9 so the
    slides PowerPoint adds later (from those layouts) fit too."""
    factor = 16 / 9 / (4 / 3)
    masters = [prs.slide_master, *prs.slide_layouts]
    for owner in masters:
        for shape in owner.placeholders:
            xfrm = shape._element.spPr.find(qn("a:xfrm"))
            if xfrm is None:
                continue
            shape.left = int(shape.left * factor)
            shape.width = int(shape.width * factor)


def _apply_theme_part(prs, primary: str, secondary: str, font: str) -> None:
    """Put the region's colours and font into the theme itself, so text and shapes a person adds in PowerPoint
    get them too."""
    theme_part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    namespace = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for slot, colour in (("dk2", primary), ("accent1", primary), ("accent2", secondary), ("hlink", primary)):
        element = root.find(f".//a:clrScheme/a:{slot}", namespace)
        if element is None:
            continue
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, qn("a:srgbClr"), val=colour[1:].upper())
    for kind in ("majorFont", "minorFont"):
        latin = root.find(f".//a:fontScheme/a:{kind}/a:latin", namespace)
        if latin is not None:
            latin.set("typeface", font)
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

