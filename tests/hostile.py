"""Hostile values and the pieces the endpoint-wide hostile-values test (test_hostile_inputs.py) is built from:
reading a page's forms and links from its HTML, encoding posts byte by byte (so a post can carry what a browser
never would, such as the UTF-8 bytes of a lone surrogate), and remembering every answer of 500 or more.

Nothing here knows the project's URLs or forms: they are read from the authorization matrix and the pages."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_from_bytes, urlencode, urljoin, urlsplit

HUGE_ID = "99999999999999999999"

# Form values: one kind per line of attack. Bytes are sent as they are (url-encoded), str as UTF-8.
FORM_KINDS: dict[str, str | bytes | list] = {
    "control": "Hamnstadens vårdcentral\r\nBcc: x@example.org\x00\x07\x1b[31m\x85",
    "surrogate": b"\xed\xa0\x80x \xff\xfe",  # a lone surrogate as UTF-8 bytes, and bytes no UTF-8 has
    "long": "å" * 20_000,
    "huge": HUGE_ID,
    "negative": "-1",
    "text": "abc",
    "deep": "[" * 5_000 + "]" * 5_000,
    "list": [HUGE_ID, "abc", "-" + HUGE_ID],
    "missing": None,
}

# JSON bodies for every POST endpoint; keys are the field names the pages use (prefixes dropped).
def json_bodies(names: list[str]) -> dict[str, bytes]:
    keys = sorted({name.rsplit("-", 1)[-1] for name in names} | {"text", "base_revision"})[:40]
    return {
        "json-deep": b"[" * 100_000 + b"]" * 100_000,
        "json-surrogate": json.dumps({key: "\ud800x" for key in keys}).encode(),
        "json-huge": json.dumps({key: int(HUGE_ID) for key in keys}).encode(),
        "json-types": json.dumps({key: [{"a": None}, True, -1.5e308] for key in keys}).encode(),
        "json-not-object": b'"\\udfff"',
        "json-broken": b'{"text": "\xff',
    }


@dataclass
class Form:
    action: str  # absolute path, with query
    method: str
    multipart: bool
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values a browser would send now
    files: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [name for name in [*self.fields, *self.files] if name != "csrfmiddlewaretoken"]


class PageReader(HTMLParser):
    """The forms of a page with the values a browser would submit as it stands, and the links' query names."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None  # name, multiple, options, selected
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        if self._form is not None and name:
            self._form.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(urljoin(self.url, attributes["href"]))
        elif tag == "form":
            action = urljoin(self.url, attributes.get("action") or self.url)
            parts = urlsplit(action)
            self._form = Form(
                action=parts.path + (f"?{parts.query}" if parts.query else ""),
                method=(attributes.get("method") or "get").lower(),
                multipart=attributes.get("enctype") == "multipart/form-data",
            )
            self.forms.append(self._form)
        elif self._form is None or attributes.get("disabled") is not None:
            return
        elif tag == "input":
            kind = (attributes.get("type") or "text").lower()
            name = attributes.get("name") or ""
            if kind == "file":
                self._form.files.append(name)
            elif kind in {"checkbox", "radio"}:
                if attributes.get("checked") is not None:
                    self._add(name, attributes.get("value", "on"))
                else:
                    self._form.fields.setdefault(name, [])
            elif kind not in {"submit", "button", "image", "reset"}:
                self._add(name, attributes.get("value", ""))
        elif tag == "button" and attributes.get("name"):
            if attributes["name"] not in self._form.fields:
                self._add(attributes["name"], attributes.get("value", ""))
        elif tag == "select":
            self._select = (attributes.get("name") or "", attributes.get("multiple") is not None, [], [])
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            self._select[2].append(value)
            if attributes.get("selected") is not None:
                self._select[3].append(value)
        elif tag == "textarea":
            self._textarea, self._text = attributes.get("name") or "", []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, multiple, options, selected = self._select
            chosen = selected or ([] if multiple or not options else options[:1])
            for value in chosen:
                self._add(name, value)
            if not chosen and self._form is not None:
                self._form.fields.setdefault(name, [])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None


def read_page(url: str, html: str) -> PageReader:
    reader = PageReader(url)
    reader.feed(html)
    return reader


def query_names(reader: PageReader, path: str) -> set[str]:
    """Query parameter names the page itself uses for ``path``: its links to it and its GET forms."""
    names = set()
    for link in reader.links:
        parts = urlsplit(link)
        if parts.path == path and parts.query:
            names |= {name for name, _value in parse_qsl(parts.query, keep_blank_values=True)}
    for form in reader.forms:
        if form.method == "get" and urlsplit(form.action).path == path:
            names |= set(form.names)
    return names


def _encode(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def urlencoded(pairs: list[tuple[str, str | bytes]]) -> bytes:
    """An application/x-www-form-urlencoded body, byte for byte (invalid UTF-8 included)."""
    return b"&".join(
        quote_from_bytes(_encode(name), safe="").encode() + b"=" + quote_from_bytes(_encode(value), safe="").encode()
        for name, value in pairs
    )


def query_string(pairs: list[tuple[str, str | bytes]]) -> str:
    return urlencoded(pairs).decode("ascii")


def hostile_pairs(form: Form, kind: str, only: str | None = None) -> list[tuple[str, str | bytes]]:
    """The form's current values, with ``only`` (or every field when None) replaced by the hostile ``kind``."""
    value = FORM_KINDS[kind]
    pairs: list[tuple[str, str | bytes]] = []
    for name, values in form.fields.items():
        if name != "csrfmiddlewaretoken" and (only is None or name == only):
            if value is None:
                continue
            pairs.extend((name, item) for item in (value if isinstance(value, list) else [value]))
        else:
            pairs.extend((name, item) for item in values)
    return pairs


def hostile_files(form: Form, kind: str) -> dict:
    """File fields for a multipart post: a small file whose name and content are hostile."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    contents = {
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "control": "namn;hsa-id\r\nHamnstaden\r\nBcc: x@example.org;SE-1\x00\x07\r\n".encode(),
        "long": ("å" * 20_000).encode(),
        "surrogate": b"\xed\xa0\x80\xff\xfe\x00",
    }
    names = {"control": "a\r\nb\x00.csv", "long": "a" * 300 + ".csv"}
    if FORM_KINDS[kind] is None:
        return {}
    return {
        name: SimpleUploadedFile(names.get(kind, "fil.csv"), contents.get(kind, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))
        for name in form.files
    }


@dataclass
class Failures:
    """Every answer of 500 or more, with what was sent and the exception behind it."""

    items: list[str] = field(default_factory=list)
    requests: int = 0

    def check(self, response, what: str) -> None:
        self.requests += 1
        if response.status_code >= 500:
            exc_info = getattr(response, "exc_info", None)
            cause = "".join(traceback.format_exception(*exc_info)[-3:]) if exc_info else ""
            self.items.append(f"{response.status_code} for {what}\n{cause}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def report(self) -> str:
        return f"{len(self.items)} of {self.requests} requests answered 5xx:\n\n" + "\n\n".join(self.items[:15])

