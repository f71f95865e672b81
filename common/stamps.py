"""Stamps: a short digest of what an edit form showed when it was opened. The form posts it back; the service
compares it, under a lock, with the stamp of what is saved now, and refuses a save that would undo someone else's
later change without them seeing it (the page then shows the saved version beside the person's own, unsaved
one). Used where a text has no revision number of its own: a dialogue's plan, the region's letter template, the items
of a draft guide in the guide editor."""

import hashlib
import json


def stamp(value) -> str:
    """The digest of ``value``: anything JSON can write, with dates and times as text and model instances (a
    form's chosen objects) as their primary keys."""
    text = json.dumps(value, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _plain(value):
    return value.pk if hasattr(value, "_meta") else str(value)
