"""Walk the site as one person: follow every link on every page reached from the start page, and press every
POST button found (each press rolled back, so the walk sees the site as it was). What answered 403 or 404 is
returned with the page that offered it: a control someone is shown must work for them (issue 10, §2)."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.db import transaction

# Not pages: static files, the language switch and signing out (which would end the walk).
SKIPPED_PATHS = re.compile(r"^/(static|media|django-admin|i18n)/|/logga-ut/|/logout/")
# Downloads are rendered files (PDF, PowerPoint): behind the same access helpers as their pages, and slow.
DOWNLOADS = re.compile(r"(\.(pdf|pptx|xlsx|csv|ics|json)|/(pdf|pptx|exportera)/)$")


@dataclass
class Refusal:
    status: int
    target: str  # "GET /path" or "POST /path"
    offered_on: str


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = {"method": (attributes.get("method") or "get").lower(), "action": attributes.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif tag in ("input", "button", "select", "textarea") and self._form is not None and attributes.get("name"):
            if tag == "input" and attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self._form["fields"].setdefault(attributes["name"], attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


@dataclass
class Walk:
    pages: set[str] = field(default_factory=set)
    refusals: list[Refusal] = field(default_factory=list)


def _local(base: str, href: str) -> str | None:
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
        return None
    if SKIPPED_PATHS.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client, start: str = "/", limit: int = 400) -> Walk:
    """Every page reachable from ``start`` by links (query-string variants of a path once), then every POST
    form found; ``client`` is a signed-in test client."""
    result, queue, offered, posts = Walk(), [start], {start: "(start)"}, {}
    seen_paths: set[str] = set()
    while queue and len(result.pages) < limit:
        url = queue.pop(0)
        path = url.split("?", 1)[0]
        if url in result.pages or ("?" in url and path in seen_paths):
            continue
        result.pages.add(url)
        seen_paths.add(path)
        response = client.get(url)
        if response.status_code in (403, 404):
            result.refusals.append(Refusal(response.status_code, f"GET {url}", offered[url]))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        controls = _Controls()
        controls.feed(response.content.decode())
        for href in controls.links:
            target = _local(url, href)
            if target and not DOWNLOADS.search(target.split("?", 1)[0]) and target not in offered:
                offered[target] = url
                queue.append(target)
        for form in controls.forms:
            action = _local(url, form["action"] or url)
            if form["method"] == "post" and action:
                posts.setdefault(action, (url, form["fields"]))
    for action, (page, fields) in posts.items():
        with transaction.atomic():
            response = client.post(action, fields)
            transaction.set_rollback(True)
        if response.status_code in (403, 404):
            result.refusals.append(Refusal(response.status_code, f"POST {action}", page))
    return result
