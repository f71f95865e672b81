"""The English translation: complete, compiled, and actually used.

Swedish is the source language; English lives in locale/en/LC_MESSAGES/django.po and its compiled django.mo.
The .po file is read with a small parser below so that the test needs nothing beyond the standard library.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.models import Party, Role

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# A fresh clone writes both files within moments of each other (django.mo first): allow for that.
MTIME_TOLERANCE_SECONDS = 5


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (str, or {n: str} for plurals),
    flags (set), obsolete (bool), line (where the entry starts). Handles multi-line strings and C escapes."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple | None = None  # ("msgid",) or ("msgstr", n) — where continuation lines go

    def new_entry(line_no: int) -> dict:
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": None,
                "flags": set(), "obsolete": False, "line": line_no}

    def finish():
        nonlocal entry, field
        if entry is not None and entry["msgid"] is not None:
            entries.append(entry)
        entry, field = None, None

    def unquote(text: str, line_no: int) -> str:
        text = text.strip()
        if not (len(text) >= 2 and text[0] == text[-1] == '"'):
            raise ValueError(f"{path}:{line_no}: expected a quoted string, got {text!r}")
        # .po strings use C escapes; a Python literal of the same text decodes them (and keeps non-ASCII).
        return ast.literal_eval(text)

    def store(key: tuple, value: str):
        if key[0] == "msgstr" and len(key) == 2:
            entry["msgstr"] = entry["msgstr"] if isinstance(entry["msgstr"], dict) else {}
            entry["msgstr"][key[1]] = entry["msgstr"].get(key[1], "") + value
        else:
            entry[key[0]] = (entry[key[0]] or "") + value

    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if field is not None and field[0] == "msgstr":
                finish()  # a comment after msgstr starts the next entry
            if entry is None:
                entry = new_entry(line_no)
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if entry is None or (field is not None and field[0] == "msgstr" and not line.startswith(('"', "msgstr"))):
            finish()
            entry = new_entry(line_no)
        entry["obsolete"] = entry["obsolete"] or obsolete
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, text = match.groups()
            field = (keyword, int(index)) if index is not None else (keyword,)
            if field == ("msgstr",):
                entry["msgstr"] = ""
            store(field, unquote(text, line_no))
        elif line.startswith('"') and field is not None:
            store(field, unquote(line, line_no))
        else:
            raise ValueError(f"{path}:{line_no}: cannot parse {raw!r}")
    finish()
    return entries


def live_entries() -> list[dict]:
    return [e for e in parse_po(PO_FILE) if not e["obsolete"] and e["msgid"] != ""]


def is_translated(entry: dict) -> bool:
    msgstr = entry["msgstr"]
    if entry["msgid_plural"] is not None:
        return isinstance(msgstr, dict) and len(msgstr) >= 2 and all(msgstr.values())
    return bool(msgstr)


def describe(entry: dict) -> str:
    return f"line {entry['line']}: {entry['msgid'][:70]!r}"


# (a) the catalogue is complete and compiled ------------------------------------------------------------------

def test_po_file_parses_and_is_not_empty():
    entries = live_entries()
    assert len(entries) > 50
    header = next(e for e in parse_po(PO_FILE) if e["msgid"] == "")
    assert "Language: en" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]


def test_every_entry_is_translated():
    untranslated = [describe(e) for e in live_entries() if not is_translated(e)]
    assert not untranslated, "Untranslated entries in django.po:\n" + "\n".join(untranslated)


def test_no_entry_is_fuzzy():
    fuzzy = [describe(e) for e in parse_po(PO_FILE) if "fuzzy" in e["flags"] and not e["obsolete"]]
    assert not fuzzy, "Fuzzy entries in django.po (check them and remove the flag):\n" + "\n".join(fuzzy)


def test_placeholders_are_kept():
    placeholder = re.compile(r"%\([^)]+\)[sd]|%%")
    wrong = []
    for e in live_entries():
        if "python-format" not in e["flags"]:
            continue
        if e["msgid_plural"] is None:
            if set(placeholder.findall(e["msgstr"])) != set(placeholder.findall(e["msgid"])):
                wrong.append(describe(e))
            continue
        # Plurals: the singular may leave out the count (“last month” / “the last %(counter)s months”).
        allowed = set(placeholder.findall(e["msgid"])) | set(placeholder.findall(e["msgid_plural"]))
        forms = [set(placeholder.findall(text)) for _n, text in sorted(e["msgstr"].items())]
        if any(not form <= allowed for form in forms) or forms[-1] != set(placeholder.findall(e["msgid_plural"])):
            wrong.append(describe(e))
    assert not wrong, "Placeholders differ from the Swedish:\n" + "\n".join(wrong)


def test_mo_file_is_compiled_from_the_current_po_file():
    assert MO_FILE.exists(), "Run: manage.py compilemessages -l en"
    assert MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime - MTIME_TOLERANCE_SECONDS, (
        "django.mo is older than django.po: run manage.py compilemessages -l en"
    )
    with MO_FILE.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    stale = []
    for e in live_entries():
        key = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if isinstance(e["msgstr"], dict):
            if any(catalog.get((key, n)) != text for n, text in e["msgstr"].items()):
                stale.append(describe(e))
        elif catalog.get(key) != e["msgstr"]:
            stale.append(describe(e))
    assert not stale, "django.mo does not match django.po (run compilemessages):\n" + "\n".join(stale)


# (b) key strings come out in English, and in Swedish by default ------------------------------------------------

KEY_STRINGS = {
    "Logga in": "Sign in",
    "Logga ut": "Sign out",
    "Hoppa till innehållet": "Skip to content",
    "Byt språk": "Change language",
    "Språk": "Language",
    "Vårdcentraler": "Clinics",
}


@pytest.mark.parametrize(("swedish", "english"), KEY_STRINGS.items())
def test_key_strings_in_english(swedish, english):
    with translation.override("en"):
        assert _(swedish) == english


@pytest.mark.parametrize("swedish", KEY_STRINGS)
def test_key_strings_in_swedish_by_default(swedish):
    assert settings.LANGUAGE_CODE == "sv"
    with translation.override(settings.LANGUAGE_CODE):
        assert _(swedish) == swedish


def test_role_and_party_labels_follow_the_language():
    with translation.override("en"):
        assert str(Role.UPPFOLJARE.label) == "Follow-up team member"
        assert str(Party.BESTALLARE.label) == "Purchasing organisation"
        assert str(Party.UTVECKLING.label) == "Development unit"
    with translation.override("sv"):
        assert str(Role.UPPFOLJARE.label) == "Uppföljare"


def test_plural_forms_in_english():
    singular = plural = "Filen har %(counter)s fel. Ingenting har sparats."
    with translation.override("en"):
        assert ngettext(singular, plural, 1) % {"counter": 1} == "The file has 1 error. Nothing has been saved."
        assert ngettext(singular, plural, 3) % {"counter": 3} == "The file has 3 errors. Nothing has been saved."


# (c) the language cookie switches a real page ------------------------------------------------------------------

def test_start_page_in_english_with_the_language_cookie(client_for):
    client = client_for("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Welcome, Ada Admin" in html
    assert "Sign out" in html
    assert "Skip to content" in html
    assert "Logga ut" not in html


def test_start_page_in_swedish_by_default(client_for):
    response = client_for("admin").get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Välkommen, Ada Admin" in html
    assert "Logga ut" in html


def test_an_english_browser_still_gets_swedish_until_the_user_chooses_english(client_for):
    client = client_for("admin")
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html and "Logga ut" in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html and "Sign out" in html
