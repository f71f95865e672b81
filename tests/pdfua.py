"""What a tagged, accessible PDF must have (PDF/UA-1, ISO 14289-1, as far as a program can tell), read with pikepdf.

veraPDF, the reference checker, is a Java program that no package registry this project installs from carries
(not PyPI, npm or Debian), so the tests check the machine-checkable core themselves:
- the document says it is PDF/UA-1 (``pdfuaid:part`` 1 in its XMP metadata) and is marked as tagged;
- a structure tree (``/StructTreeRoot``) with headings;
- the document's language (``/Lang``) and title (info and XMP), shown as the window's title (``DisplayDocTitle``);
- bookmarks (an outline) from the headings;
- every figure (image or chart) in the structure tree has alternative text (``/Alt``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf


@dataclass
class PdfStructure:
    lang: str
    title: str
    xmp_title: str
    ua_part: str
    marked: bool
    display_doc_title: bool
    tags: list[str] = field(default_factory=list)  # structure element types, in document order
    figures: list[str] = field(default_factory=list)  # each figure's alternative text ("" when it has none)
    bookmarks: list[str] = field(default_factory=list)
    pdfa_part: str = ""

    def problems(self, *, variant: str = "ua") -> list[str]:
        found = []
        if variant == "ua" and self.ua_part != "1":
            found.append(f"not marked PDF/UA-1 (pdfuaid:part={self.ua_part!r})")
        if variant == "a" and not self.pdfa_part:
            found.append("not marked PDF/A")
        if not self.marked:
            found.append("not marked as tagged (MarkInfo)")
        if not self.tags:
            found.append("no structure tree")
        if not self.lang:
            found.append("no document language (/Lang)")
        if not self.title or not self.xmp_title:
            found.append("no title")
        if not self.display_doc_title:
            found.append("the viewer is not told to show the title (DisplayDocTitle)")
        if not any(tag in {"H1", "H2", "H3", "H4", "H5", "H6"} for tag in self.tags):
            found.append("no headings in the structure tree")
        if not self.bookmarks:
            found.append("no bookmarks")
        found += [f"figure {number} has no alternative text" for number, alt in enumerate(self.figures, 1) if not alt]
        return found


def _walk(element, structure: PdfStructure, depth: int = 0) -> None:
    if depth > 200 or not isinstance(element, pikepdf.Dictionary):
        return
    tag = element.get("/S")
    if tag is not None:
        name = str(tag).lstrip("/")
        structure.tags.append(name)
        if name == "Figure":
            structure.figures.append(str(element.get("/Alt", "")).strip())
    kids = element.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        _walk(kid, structure, depth + 1)


def _outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles = []
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack[0:0] = list(item.children)
    return titles


def read_structure(data: bytes) -> PdfStructure:
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    meta = pdf.open_metadata()
    structure = PdfStructure(
        lang=str(root.get("/Lang", "")).strip(),
        title=str(pdf.docinfo.get("/Title", "")).strip(),
        xmp_title=str(meta.get("dc:title", "") or "").strip(),
        ua_part=str(meta.get("pdfuaid:part", "") or ""),
        pdfa_part=str(meta.get("pdfaid:part", "") or ""),
        marked=bool(root.get("/MarkInfo", {}).get("/Marked", False)),
        display_doc_title=bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
        bookmarks=_outline_titles(pdf),
    )
    tree = root.get("/StructTreeRoot")
    if tree is not None:
        _walk(tree, structure)
    return structure


def assert_accessible(data: bytes, *, variant: str = "ua") -> PdfStructure:
    """The PDF's structure, after asserting it has everything ``PdfStructure.problems`` asks for."""
    structure = read_structure(data)
    problems = structure.problems(variant=variant)
    assert not problems, "; ".join(problems)
    return structure
