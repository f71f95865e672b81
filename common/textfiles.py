"""What an uploaded file is, and how to read it as text.

People upload what their programs saved: a CSV from Excel (Windows-1252 or UTF-8, often with a byte-order mark,
semicolons), a UTF-16 "Unicode text" export, or by mistake a picture, a PDF or a zip renamed ``.csv``. The
questions are asked in this order, so a binary file is never mistaken for text in some exotic encoding:

1. ``binary_format``: a known binary format by its magic number (PNG, PDF, zip/XLSX, old Excel …), else
   binary by content (NUL bytes that are not UTF-16 text, or many control characters);
2. ``is_utf16``: UTF-16 text, with a byte-order mark or recognisably without one;
3. ``detect_encoding``: UTF-8 (with or without byte-order mark), else Windows-1252.

``sniff_separator`` reads a CSV header's separator; ``load_json`` parses JSON refusing deep nesting before
Python's parser would run out of stack.
"""

from __future__ import annotations

import codecs
import json

import numpy as np

from django.utils.translation import gettext_lazy as _

# Magic numbers of the binary formats people upload by mistake, with the name a message gives them. Only
# signatures no text file starts with (a CSV may well begin "BM…" or "MZ…"); other binary files are told by their
# NUL bytes or control characters.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", _("zip-fil (t.ex. en Excel-arbetsbok .xlsx)")),
    (b"PK\x05\x06", _("zip-fil (t.ex. en Excel-arbetsbok .xlsx)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _("gammal Office-fil (t.ex. Excel .xls)")),
    (b"\x89PNG\r\n\x1a\n", _("PNG-bild")),
    (b"\xff\xd8\xff", _("JPEG-bild")),
    (b"GIF87a", _("GIF-bild")),
    (b"GIF89a", _("GIF-bild")),
    (b"II*\x00", _("TIFF-bild")),
    (b"MM\x00*", _("TIFF-bild")),
    (b"%PDF", _("PDF-fil")),
    (b"\x1f\x8b", _("gzip-komprimerad fil")),
    (b"7z\xbc\xaf\x27\x1c", _("7-zip-fil")),
    (b"Rar!\x1a\x07", _("RAR-fil")),
    (b"\x7fELF", _("programfil")),
    (b"SQLite format 3\x00", _("SQLite-databas")),
    (b"{\\rtf", _("RTF-dokument")),
)
UNKNOWN_BINARY = _("binärfil")  # what binary_format names a binary file of no known format
_RIFF = (b"WEBP", _("WebP-bild")), (b"WAVE", _("ljudfil")), (b"AVI ", _("videofil"))

UTF8_BOM = codecs.BOM_UTF8
_SAMPLE = 65536
# C0 control characters other than tab, line feed, form feed and carriage return.
_CONTROLS = bytes([*range(1, 9), 11, *range(14, 32)])


def binary_format(content: bytes) -> str | None:
    """The name of the binary format ``content`` is in, or None for text (which may still be UTF-16:
    ``is_utf16``). Magic numbers first; then NUL bytes (which text only has as UTF-16) or more than 1 % control
    characters make it binary "of an unknown kind"."""
    head = content[:16]
    for magic, name in SIGNATURES:
        if head.startswith(magic):
            return str(name)
    if head.startswith(b"RIFF"):
        return next((str(name) for tag, name in _RIFF if head[8:12] == tag), str(_("RIFF-fil")))
    sample = content[:_SAMPLE]
    if b"\x00" in sample:
        return None if _utf16_without_bom(sample) else str(UNKNOWN_BINARY)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    controls = sum(sample.count(bytes([byte])) for byte in _CONTROLS)
    return str(UNKNOWN_BINARY) if controls > max(2, len(sample) // 100) else None


def is_utf16(content: bytes) -> bool:
    """Text saved as UTF-16 ("Unicode text" in Excel): a UTF-16 byte-order mark, or every other byte NUL where
    the rest decodes as printable text."""
    return content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(content[:_SAMPLE])


def _utf16_without_bom(sample: bytes) -> bool:
    """Mostly-ASCII text in UTF-16 has a NUL in every other byte and decodes to printable characters; a picture
    or an archive has NULs here and there, and decodes to control characters or unpaired surrogates."""
    sample = sample[: len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 2:
        return False
    for encoding, nuls in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if nuls.count(0) < 0.7 * half:
            continue
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(char.isprintable() or char in "\t\r\n" for char in text)
        if printable >= 0.95 * len(text):
            return True
    return False


def detect_encoding(content: bytes) -> str | None:
    """'utf-8-sig' if the bytes are valid UTF-8 (a byte-order mark is dropped when read), else 'cp1252' if
    valid there (what Swedish Excel saves as "CSV"), else None. Validates in chunks, so a large file is never
    decoded into one big string."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            step = 1 << 20
            for start in range(0, len(content), step):
                decoder.decode(content[start : start + step])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def decode_text(content: bytes) -> str | None:
    """The content as text in the encoding ``detect_encoding`` finds, or None when neither fits."""
    encoding = detect_encoding(content)
    return None if encoding is None else content.decode(encoding)


def sniff_separator(header_line: str) -> str:
    """The separator of a CSV header: the most frequent of ``;``, ``,`` and tab outside quotes, ``;`` on a tie
    or when there is none (Swedish Excel's choice)."""
    counts = {";": 0, ",": 0, "\t": 0}
    in_quotes = False
    for char in header_line:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(counts.items(), key=lambda item: (item[1], item[0] == ";"))
    return best[0] if best[1] > 0 else ";"


_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'"[]{}')


class JsonTooDeep(ValueError):
    """JSON nested deeper than the reader allows."""

    def __init__(self, max_depth: int):
        super().__init__(f"nested deeper than {max_depth} levels")
        self.max_depth = max_depth


def json_depth(data: bytes | str) -> int:
    """How deep the brackets of a JSON document nest, brackets inside strings left out. In C-speed steps, before
    the recursive parser sees it: escaped backslashes and quotes are dropped (so every remaining quote opens or
    closes a string), everything but quotes and brackets is dropped, and numpy counts what is left. The data
    need not be valid JSON."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    structure = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    codes = np.frombuffer(structure, dtype=np.uint8)
    quotes = codes == ord('"')
    outside = (np.cumsum(quotes, dtype=np.int32) & 1) == 0
    opening = (codes == ord("[")) | (codes == ord("{"))
    steps = opening.astype(np.int8) - (~opening & ~quotes)  # what is neither a quote nor opening closes
    return int(np.cumsum(steps * outside, dtype=np.int32).max(initial=0))


def load_json(text: str | bytes, *, max_depth: int = 100, **kwargs):
    """``json.loads`` that refuses, with ``JsonTooDeep``, a document nested deeper than ``max_depth`` (100,000
    levels would end the parser in a RecursionError)."""
    if json_depth(text) > max_depth:
        raise JsonTooDeep(max_depth)
    return json.loads(text, **kwargs)
