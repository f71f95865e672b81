"""No input gives a 5xx (issue 10 §3): every endpoint of the authorization matrix, as every persona, gets hostile
values in every form field, query parameter, URL argument and JSON body, and none may answer 500 or more.

Nothing is listed by hand, so endpoints added later are covered by themselves. For each route of the matrix
(tests/authz_matrix.py and tests/*/routes.py) the test
1. GETs it as every persona, then GETs it with hostile values in each query parameter the page itself uses (its
   links to itself and its GET forms) and with ids out of range, negative or not numbers in the URL;
2. reads the forms that post to it from the HTML – on its own page, or, for an action that only takes POST, on
   the pages around it (its address's parent pages and what they link to), as each persona until found;
3. posts them with every hostile value in all fields at once, and with one field at a time hostile and the others
   as the page filled them in (a sample of fields when a form has many), as the persona that has the form; the
   other personas post the hostile values as well; a form with file fields posts hostile files;
4. posts hostile JSON bodies (deep, lone surrogates, huge numbers, wrong types, broken) to it as every persona.

Hostile values (tests/hostile.py): control characters and a header injection, a lone surrogate as raw UTF-8
bytes, 20,000 characters, 99999999999999999999, -1, text where a number belongs, 10,000 levels of brackets, a
list where one value belongs, a missing field.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from tests.authz_matrix import all_routes
from tests.conftest import PERSONAS
from tests.hostile import (
    FORM_KINDS,
    HUGE_ID,
    Failures,
    Form,
    hostile_files,
    hostile_pairs,
    json_bodies,
    query_names,
    query_string,
    read_page,
    urlencoded,
)

ROUTES = all_routes()
FIELDS_PER_FORM = 8  # fields posted one at a time (evenly spread over a larger form)
KINDS_PER_FIELD = 2
OTHER_PERSONAS_KINDS = ["control", "huge"]  # what the personas without the form post (they are refused early)
CRAWL_PAGES = 6  # pages looked at, per persona, to find the form of a POST-only action
FILE_SUFFIXES = re.compile(r"(\.(pdf|pptx|xlsx|csv|ics|json|png|svg|zip)|/(pdf|pptx|xlsx|csv|ics))/?$")
URL_PERSONAS = ["admin", "staff_a1", "anonymous"]  # who asks for the addresses with hostile arguments
LEAVES_SESSION = {"logout"}  # forms that would sign the persona out: posted by their own route only
FORM_CONTENT = "application/x-www-form-urlencoded"


def _client(world, persona: str) -> Client:
    client = Client(raise_request_exception=False)
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def _is_html(response) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def _route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Exception:  # noqa: BLE001 - an address that resolves to nothing has no route name
        return None
    return match.view_name


class Visit:
    """One route's run: the clients of every persona, the pages read and the 5xx answers met."""

    def __init__(self, world, route):
        self.route = route
        self.kwargs = route.kwargs(world)  # built once: a route's builder may create its objects anew
        self.url = reverse(route.name, kwargs=self.kwargs) + route.query
        self.path = urlsplit(self.url).path
        self.clients = {persona: _client(world, persona) for persona in PERSONAS}
        self.failures = Failures()
        self.pages: dict[str, object] = {}
        self.statuses: dict[str, int] = {}
        self.seen_names: set[str] = set()
        self.main: str | None = None  # the persona that has the form
        self.takes_posts = False

    def get(self, persona: str, url: str, what: str):
        response = self.clients[persona].get(url)
        self.failures.check(response, f"GET {url[:200]} as {persona} ({what})")
        return response

    def post(self, persona: str, url: str, what: str, **kwargs):
        response = self.clients[persona].post(url, **kwargs)
        self.failures.check(response, f"POST {url[:200]} as {persona} ({what})")
        return response

    def read(self, persona: str, url: str, response):
        reader = read_page(url, response.content.decode("utf-8", "replace"))
        for form in reader.forms:
            self.seen_names |= set(form.names)
        return reader

    # --- 1. GET, query parameters, URL arguments ----------------------------------------------------------------

    def get_as_everyone(self) -> None:
        for persona in PERSONAS:
            response = self.get(persona, self.url, "as is")
            self.statuses[persona] = response.status_code
            if _is_html(response):
                self.pages[persona] = self.read(persona, self.url, response)

    def hostile_queries(self) -> None:
        names = {name for name, _value in _query_pairs(self.route.query)}
        for reader in self.pages.values():
            names |= query_names(reader, self.path)
        persona = next(iter(self.pages), "admin")
        kinds = [kind for kind, value in FORM_KINDS.items() if value is not None]
        for kind in kinds:
            if names:
                pairs = [(name, item) for name in sorted(names) for item in _values(FORM_KINDS[kind])]
                self.get(persona, f"{self.path}?{query_string(pairs)}", f"query {kind}")
        for index, name in enumerate(sorted(names)):
            for kind in _kinds_for(index, kinds):
                pairs = [(name, item) for item in _values(FORM_KINDS[kind])]
                self.get(persona, f"{self.path}?{query_string(pairs)}", f"query {name}={kind}")

    def hostile_url_arguments(self) -> None:
        kwargs = self.kwargs
        for name, value in kwargs.items():
            variants = [HUGE_ID] if isinstance(value, int) else ["Hamn\r\nBcc: x\x00", "å" * 20_000]
            for variant in variants:
                try:
                    url = reverse(self.route.name, kwargs={**kwargs, name: variant})
                except NoReverseMatch:
                    continue
                for persona in URL_PERSONAS:
                    self.get(persona, url, f"URL {name}={variant[:20]!r}")
                if self.takes_posts:
                    self.post(self.main or "admin", url, f"URL {name}={variant[:20]!r}", data=b"", content_type=FORM_CONTENT)
            if isinstance(value, int):
                for variant in ("-1", "abc", "1e99"):
                    url = self.path.replace(f"/{value}/", f"/{variant}/", 1)
                    self.get("admin", url, f"URL {name}={variant}")

    # --- 2. The forms that post here ------------------------------------------------------------------------------

    def own_forms(self, readers: dict) -> tuple[str | None, list[Form]]:
        for persona, reader in readers.items():
            forms = [form for form in reader.forms if form.method == "post" and urlsplit(form.action).path == self.path]
            if forms:
                return persona, _distinct(forms)
        return None, []

    def refused_outright(self, persona: str) -> bool:
        """An empty post (itself a hostile value: every field missing) that the persona may not make at all: no
        page of theirs will offer the form, so there is no need to look for it."""
        response = self.post(persona, self.url, "every field missing", data=b"", content_type=FORM_CONTENT)
        return response.status_code in (403, 404)

    def look_around(self) -> tuple[str | None, list[Form]]:
        """For an action that only takes POST: the pages around its address, as each persona, until one has a form
        that posts to it."""
        for persona in PERSONAS:
            if persona == "anonymous" or self.refused_outright(persona):
                continue
            queue = _parents(self.path)
            looked: set[str] = set()
            # An address that only redirects GET (set_language) has its form on the pages above it.
            limit = CRAWL_PAGES if self.method_not_allowed else len(queue)
            while queue and len(looked) < limit:
                url = queue.pop(0)
                if url in looked:
                    continue
                looked.add(url)
                response = self.get(persona, url, "looking for the form")
                if not _is_html(response):
                    continue
                reader = self.read(persona, url, response)
                found, forms = self.own_forms({persona: reader})
                if forms:
                    return found, forms
                queue.extend(sorted(_links_worth_following(reader, looked), key=lambda link: -_shared(link, self.path)))
        return None, []

    # --- 3. Posting hostile values --------------------------------------------------------------------------------

    def post_form(self, persona: str, form: Form, pairs, kind: str, what: str) -> None:
        if form.multipart or form.files:
            data = {}
            for name, value in pairs:
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                data.setdefault(name, []).append(text)
            data.update(hostile_files(form, kind))
            self.post(persona, form.action, what, data=data)
        else:
            self.post(persona, form.action, what, data=urlencoded(pairs), content_type=FORM_CONTENT)

    def hostile_posts(self, main: str, forms: list[Form]) -> None:
        kinds = list(FORM_KINDS)
        for form in forms:
            for persona in PERSONAS:
                for kind in kinds if persona == main else OTHER_PERSONAS_KINDS:
                    self.post_form(persona, form, hostile_pairs(form, kind), kind, f"all fields {kind}")
            names = [name for name in form.fields if name != "csrfmiddlewaretoken"]
            for index, name in enumerate(_spread(names, FIELDS_PER_FORM)):
                for kind in _kinds_for(index, kinds):
                    self.post_form(main, form, hostile_pairs(form, kind, only=name), "text", f"{name}={kind}")
            for kind in ("control", "deep", "long", "surrogate") if form.files else ():
                self.post_form(main, form, hostile_pairs(form, "text", only=""), kind, f"files {kind}")

    def post_without_a_form(self) -> None:
        """No page offers a form for it (an endpoint scripts call): post the field names seen around it."""
        form = Form(action=self.url, method="post", multipart=False, fields={name: [""] for name in self.seen_names})
        for persona in PERSONAS:
            for kind in FORM_KINDS if persona == "admin" else OTHER_PERSONAS_KINDS:
                self.post_form(persona, form, hostile_pairs(form, kind), kind, f"all fields {kind} (no form found)")

    # --- 4. JSON ----------------------------------------------------------------------------------------------------

    @property
    def method_not_allowed(self) -> bool:
        return 405 in self.statuses.values()

    @property
    def post_only(self) -> bool:
        """Nobody may GET it, and it answers GET with 'wrong method' or sends everyone elsewhere (Django's
        set_language): an action that takes POST from a form on another page."""
        signed_in = [status for persona, status in self.statuses.items() if persona != "anonymous"]
        return 200 not in signed_in and (405 in signed_in or all(300 <= status < 400 for status in signed_in))

    def hostile_json(self) -> None:
        bodies = json_bodies(sorted(self.seen_names))
        for persona in PERSONAS:
            for kind, body in bodies.items():
                if persona == (self.main or "admin") or kind == "json-surrogate":
                    self.post(persona, self.url, kind, data=body, content_type="application/json")


def _query_pairs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query.lstrip("?"), keep_blank_values=True)


def _values(value) -> list:
    return value if isinstance(value, list) else [value]


def _kinds_for(index: int, kinds: list[str]) -> list[str]:
    """A few kinds per field, turning with the field, so a form's fields together meet every kind."""
    return [kinds[(index * KINDS_PER_FIELD + step) % len(kinds)] for step in range(KINDS_PER_FIELD)]


def _spread(items: list, count: int) -> list:
    if len(items) <= count:
        return items
    step = len(items) / count
    return [items[int(index * step)] for index in range(count)]


def _distinct(forms: list[Form]) -> list[Form]:
    seen, distinct = set(), []
    for form in forms:
        signature = (form.action, tuple(sorted(form.names)))
        if signature not in seen:
            seen.add(signature)
            distinct.append(form)
    return distinct


def _parents(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[:end]) + ("/" if end else "") for end in range(len(parts) - 1, -1, -1)]


def _links_worth_following(reader, looked: set[str]) -> set[str]:
    links = set()
    for link in reader.links:
        parts = urlsplit(link)
        if parts.netloc not in ("", "testserver") or FILE_SUFFIXES.search(parts.path) or parts.path in looked:
            continue
        if _route_name(parts.path) in (None, "logout", "set_language") or parts.path.startswith("/django-admin/"):
            continue
        links.add(parts.path)
    return links


def _shared(link: str, path: str) -> int:
    """How much of its address a link shares with the action's: the likelier page is looked at first."""
    shared = 0
    for mine, theirs in zip(link.strip("/").split("/"), path.strip("/").split("/"), strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_no_hostile_value_gives_a_server_error(route, world):
    visit = Visit(world, route)
    visit.get_as_everyone()
    visit.hostile_queries()
    visit.main, forms = visit.own_forms(visit.pages)
    if not forms and visit.post_only and route.name not in LEAVES_SESSION:
        visit.main, forms = visit.look_around()
    visit.takes_posts = bool(forms) or visit.method_not_allowed
    if forms:
        visit.hostile_posts(visit.main, forms)
    elif visit.method_not_allowed:
        visit.post_without_a_form()
    if visit.takes_posts:
        visit.hostile_json()
    visit.hostile_url_arguments()
    assert visit.failures.requests, "nothing was sent"
    assert not visit.failures, visit.failures.report()
