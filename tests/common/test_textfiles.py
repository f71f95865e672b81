"""common.textfiles: what an uploaded file is, its encoding and separator, and JSON with a depth limit."""

import json
import struct
import zlib

import pytest

from common import textfiles


def png(width: int = 1, height: int = 1) -> bytes:
    """A real, tiny PNG: its header is full of NUL bytes, which once made it pass for UTF-16 text."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00\x00\x00\x00" * width for _row in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (png(), "PNG-bild"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF-fil"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG-bild"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip-fil (t.ex. en Excel-arbetsbok .xlsx)"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip-komprimerad fil"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP-bild"),
        (bytes(range(256)) * 4, "binärfil"),
    ],
)
def test_binary_formats_are_named_by_their_magic_number_or_content(content, kind):
    assert textfiles.binary_format(content) == kind
    assert not textfiles.is_utf16(content)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_text_in_utf16_with_or_without_byte_order_mark(encoding):
    content = "indikator;enhet;period;värde\r\nPVK-01;Åby vårdcentral;2024;41,7\r\n".encode(encoding)
    assert textfiles.binary_format(content) is None
    assert textfiles.is_utf16(content)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("indikator;värde\n".encode(), "utf-8-sig"),
        ("\ufeffindikator;värde\n".encode(), "utf-8-sig"),
        ("indikator;värde\n".encode("cp1252"), "cp1252"),
        (b"indikator;v\x81\x8drde\n", None),  # neither UTF-8 nor Windows-1252
    ],
)
def test_encoding_is_utf8_else_windows_1252(content, encoding):
    assert textfiles.binary_format(content) is None
    assert textfiles.detect_encoding(content) == encoding


def test_decode_text_drops_the_byte_order_mark():
    assert textfiles.decode_text("\ufeffnamn;ort".encode()) == "namn;ort"
    assert textfiles.decode_text("namn;Åby".encode("cp1252")) == "namn;Åby"


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ("indikator;enhet;period", ";"),
        ("indikator,enhet,period", ","),
        ("indikator\tenhet\tperiod", "\t"),
        ('"namn, ort";enhet', ";"),  # a comma inside quotes does not count
        ("indikator", ";"),
        ("a,b;c", ";"),  # a tie: Swedish Excel's semicolon
    ],
)
def test_sniff_separator(header, separator):
    assert textfiles.sniff_separator(header) == separator


def test_json_depth_counts_brackets_outside_strings():
    assert textfiles.json_depth('{"a": [1, {"b": "]]]}}{{{[[[\\"\\\\"}]}') == 3
    assert textfiles.json_depth(b"[]") == 1
    assert textfiles.json_depth("") == 0


def test_load_json_refuses_deep_nesting_before_the_parser_overflows():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(textfiles.JsonTooDeep):
        textfiles.load_json(deep, max_depth=100)
    assert textfiles.load_json('{"values": [[1]]}', max_depth=3) == json.loads('{"values": [[1]]}')
