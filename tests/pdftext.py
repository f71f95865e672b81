"""Reading what a PDF says, in pure Python (pdfminer.six), so the tests need nothing outside `make install`:
its text, its words with their positions, its pages' sizes and its title."""

import io
import re
from dataclasses import dataclass
from pathlib import Path

from pdfminer.cmapdb import CMap
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LAParams, LTChar, LTComponent, LTContainer
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFCIDFont
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.utils import decode_text


def _cmap_from_stream(data: bytes) -> CMap:
    """A CMap from its PostScript text: the codes of its cidchar and cidrange entries, as pdfminer's tree."""
    cmap = CMap()

    def add(code: bytes, cid: int) -> None:
        node = cmap.code2cid
        for byte in code[:-1]:
            node = node.setdefault(byte, {})
        node[code[-1]] = cid

    for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in re.findall(rb"<([0-9a-fA-F]+)>\s*(\d+)", block):
            add(bytes.fromhex(code.decode()), int(cid))
    for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for start, end, cid in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
            first, last = int(start, 16), int(end, 16)
            for offset in range(last - first + 1):
                add((first + offset).to_bytes(len(start) // 2, "big"), int(cid) + offset)
    return cmap


def _embedded_cmap(get_cmap_from_spec):
    """pdfminer.six looks an embedded CMap (a font's /Encoding given as a stream) up by its name and, not
    finding it, decodes nothing; WeasyPrint writes its fonts' encodings that way. Read the stream itself."""

    def read(self, spec, strict):
        encoding = resolve1(spec.get("Encoding")) if hasattr(spec, "get") else None
        if isinstance(encoding, PDFStream):
            return _cmap_from_stream(encoding.get_data())
        return get_cmap_from_spec(self, spec, strict)

    return read


if not getattr(PDFCIDFont.get_cmap_from_spec, "reads_embedded", False):
    PDFCIDFont.get_cmap_from_spec = _embedded_cmap(PDFCIDFont.get_cmap_from_spec)
    PDFCIDFont.get_cmap_from_spec.reads_embedded = True


def _stream(pdf: bytes | Path | str) -> io.BytesIO:
    return io.BytesIO(pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes())


def pdf_text(pdf: bytes | Path | str) -> str:
    """The PDF's text, page after page, lines as laid out."""
    return extract_text(_stream(pdf), laparams=LAParams(all_texts=True))


def pdf_flat_text(pdf: bytes | Path | str) -> str:
    """The text with every run of white space (line breaks included) made one space."""
    return " ".join(pdf_text(pdf).split())


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    top: float  # points from the top of the page
    left: float
    right: float
    text: str


def _chars(element):
    """The page's characters in the order drawn, None where a word must end (a space, a line's end, a new
    block); the text of drawings (SVG charts become figures) included."""
    if isinstance(element, LTChar):
        yield None if element.get_text().isspace() else element
    elif isinstance(element, LTComponent) and not isinstance(element, LTContainer):
        yield None
    elif isinstance(element, LTContainer):
        for child in element:
            yield from _chars(child)
        yield None


def _continues(previous: LTChar, char: LTChar) -> bool:
    """Whether ``char`` follows ``previous`` in the same word: same baseline, no gap wider than a tenth of the
    type size (pdftotext's rule too: drawings place words apart without a space character between them)."""
    size = max(previous.size, char.size)
    return abs(previous.y0 - char.y0) < size / 2 and -size / 3 < char.x0 - previous.x1 < size / 10


def pdf_words(pdf: bytes | Path | str) -> list[Word]:
    """Every word with its box, as `pdftotext -bbox` gives them (top measured from the page's top edge)."""
    words = []
    for number, page in enumerate(extract_pages(_stream(pdf), laparams=LAParams(all_texts=True)), start=1):
        run: list[LTChar] = []

        def close():
            if run:
                top = round(page.height - max(char.y1 for char in run), 1)
                text = "".join(char.get_text() for char in run)
                words.append(Word(number, top, min(char.x0 for char in run), max(char.x1 for char in run), text))
                run.clear()

        for char in _chars(page):
            if char is None or (run and not _continues(run[-1], char)):
                close()
            if char is not None:
                run.append(char)
        close()
    return words


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    page_size: tuple[float, float]  # of the first page, in points
    title: str


def pdf_info(pdf: bytes | Path | str) -> PdfInfo:
    parser = PDFParser(_stream(pdf))
    document = PDFDocument(parser)
    pages = list(PDFPage.create_pages(document))
    x0, y0, x1, y1 = resolve1(pages[0].mediabox)
    raw_title = resolve1((document.info[0] if document.info else {}).get("Title", b""))
    title = decode_text(raw_title) if isinstance(raw_title, bytes) else str(raw_title)
    return PdfInfo(len(pages), (x1 - x0, y1 - y0), title)
