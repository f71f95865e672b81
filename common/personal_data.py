"""The register of personal data (issue 15 §3): every app says, in ``<app>/personal_data.py``, what each of its
fields that can hold text, files or a person is, and what the retention rule and the removal of a person do with it.

The privacy app reads these declarations (``privacy.registry``) and never names another app's fields itself, so an
app to its left declares its own and need not import it. ``tests/privacy/test_registry.py`` fails when a model has
a field of these sorts that no declaration names:
- every ``TextField``, ``JSONField`` and ``BinaryField``;
- every ``CharField`` (``EmailField``, ``URLField`` …) without choices – names, addresses and short texts;
- every link to a person (a foreign key to the user model).

A declaration names one model and some of its fields::

    Declared("dialogs.Answer", ["text", "prompt_answers"], FREE_TEXT, dialogue="dialogue")

``dialogue`` is the path from the model to the dialogue it belongs to (as in a query: ``"answer__dialogue"``), which
is how the retention rule finds a closed dialogue's rows; ``topic`` does the same for rows that name their dialogue
in a topic string (``"dialogue"`` for the outbox's ``dialogue:42``). ``person`` is the path to the person a row is
about or belongs to (``"user"``), which is how the removal of a person and the register extract find their rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    FREE_TEXT = "free_text"  # typed by people about the dialogue or a person: may mention anyone
    PERSON = "person"  # identifies a person: a name, an e-mail address, an HSA-id, a telephone number
    PERSON_LINK = "person_link"  # a link to a person's account (who wrote, changed, owns, received)
    RECORD = "record"  # what was delivered, kept as it was: the shared deck's snapshot and files
    STRUCTURED = "structured"  # choices, codes, numbers and keys: no free text (yes/no answers, categories)
    CONTENT = "content"  # the product's or the region's content, about no one (the guide, indicators, templates)
    TECHNICAL = "technical"  # made by the program: digests, dedupe keys, formats, error output


class Retention(StrEnum):
    """What the region's retention rule does with the declared fields of a dialogue whose time has come, when the
    region keeps the dialogue without its free text. (When it deletes whole dialogues, every row that belongs to one
    goes.)"""

    KEEP = "keep"
    BLANK = "blank"  # emptied: "" (or ``REMOVED_TEXT`` where the field may not be empty), [] or {}
    DELETE_ROWS = "delete_rows"  # the rows go, e.g. the history of a free text or an uploaded document


class Removal(StrEnum):
    """What the removal of a person who leaves does with the declared fields of rows linked to them by ``person``."""

    KEEP = "keep"  # kept; a link shows the removed account, named "tidigare användare"
    BLANK = "blank"
    DELETE_ROWS = "delete_rows"


# What an emptied text that may not be empty says.
REMOVED_TEXT = "[gallrad]"


@dataclass(frozen=True)
class Declared:
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...] | list[str]
    kind: Kind
    dialogue: str = ""  # the path to the row's dialogue, when it belongs to one
    topic: str = ""  # the topic prefix naming the row's dialogue ("dialogue" → "dialogue:42")
    retention: Retention | None = None  # default: BLANK for free text and persons, KEEP for the rest
    person: str = ""  # the path to the person the row belongs to or is about
    removal: Removal = Removal.KEEP
    authored: bool = False  # with ``person``: the person wrote these fields (they go into the register extract)
    purpose: str = ""  # why it is kept, for the record of processing (docs/privacy.md)

    @property
    def retention_action(self) -> Retention:
        if self.retention is not None:
            return self.retention
        return Retention.BLANK if self.kind in (Kind.FREE_TEXT, Kind.PERSON) else Retention.KEEP


# A removed person's account keeps its rows (who wrote, changed, took part) but no name: its username starts with
# this, and ``dialogs.models.dialogue.person_name`` shows it as "tidigare användare".
FORMER_USER_PREFIX = "tidigare-anvandare-"


def is_former_user(user) -> bool:
    return user is not None and user.username.startswith(FORMER_USER_PREFIX)
