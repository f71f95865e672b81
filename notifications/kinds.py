"""The kinds of e-mail the product sends, declared by the app that sends them (in its ``AppConfig.ready``).

A kind marked ``optional`` is a reminder or notice a person may turn off on their e-mail settings page;
the others (an invitation, a password link, a cancelled meeting) always go out.

A kind names its ``audience``: the region's follow-up team (``TEAM``: follow-up staff and administrators), the
clinics' staff (``CLINIC``), or both. The settings page offers each person only the notices they can receive.
Who is who is the organisations app's knowledge (this module sits below it), so it hands over a function that
answers it (``set_audience_resolver``, from its ``AppConfig.ready``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

TEAM = "team"
CLINIC = "clinic"
EVERYONE = frozenset({TEAM, CLINIC})


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    optional: bool = False
    help_text: str | Promise = ""
    audience: frozenset[str] = EVERYONE


KINDS: dict[str, Kind] = {}
_audience_resolver: Callable[[object], set[str]] | None = None


def register(
    key: str, label: str | Promise, *, optional: bool = False, help_text: str | Promise = "",
    audience: Iterable[str] = EVERYONE,
) -> Kind:
    """Declare a kind; declaring the same key again (e.g. on a reload) replaces it."""
    kind = Kind(key=key, label=label, optional=optional, help_text=help_text, audience=frozenset(audience))
    KINDS[key] = kind
    return kind


def set_audience_resolver(resolver: Callable[[object], set[str]]) -> None:
    """``resolver(user)`` returns the audiences the person belongs to (TEAM, CLINIC, both or none)."""
    global _audience_resolver
    _audience_resolver = resolver


def audiences_of(user) -> frozenset[str]:
    """The audiences a person belongs to; everyone's when nobody can say, or when they belong to none (then no
    notice is hidden from them)."""
    found = frozenset(_audience_resolver(user)) if _audience_resolver is not None and user is not None else frozenset()
    return found or EVERYONE


def optional_kinds(user=None) -> list[Kind]:
    """The kinds a person may turn off: all of them, or, for ``user``, those meant for an audience they are in."""
    audiences = audiences_of(user) if user is not None else EVERYONE
    return [kind for kind in KINDS.values() if kind.optional and kind.audience & audiences]


def get(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise LookupError(f"E-mail kind {key!r} is not registered (notifications.kinds.register)") from None
