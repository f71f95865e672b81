"""The kinds of e-mail the product sends, declared by the app that sends them (in its ``AppConfig.ready``).

A kind marked ``optional`` is a reminder or notice a person may turn off on their e-mail settings page;
the others (an invitation, a password link, a cancelled meeting) always go out.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    optional: bool = False
    help_text: str | Promise = ""


KINDS: dict[str, Kind] = {}


def register(key: str, label: str | Promise, *, optional: bool = False, help_text: str | Promise = "") -> Kind:
    """Declare a kind; declaring the same key again (e.g. on a reload) replaces it."""
    kind = Kind(key=key, label=label, optional=optional, help_text=help_text)
    KINDS[key] = kind
    return kind


def optional_kinds() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.optional]


def get(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise LookupError(f"E-mail kind {key!r} is not registered (notifications.kinds.register)") from None
