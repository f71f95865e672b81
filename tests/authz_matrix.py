"""The authorization matrix: for every named URL of the project, how to build it and the HTTP status each
persona must get on GET. Each feature lists its URLs in ``tests/<app>/routes.py`` (a ``ROUTES`` list of
``Route``); test_authorization_matrix.py collects them all and fails when a named URL is missing, so no
page escapes the matrix."""

import importlib
import importlib.util
import pkgutil

from collections.abc import Callable
from dataclasses import dataclass, field

SIGNED_IN = ["admin", "bestallare", "utveckling", "staff_a1", "staff_a2", "outsider", "national"]
LOGIN = 302  # anonymous users are redirected to the login page


def statuses(default: int, anonymous: int = LOGIN, **overrides: int) -> dict[str, int]:
    expected = {persona: default for persona in SIGNED_IN}
    expected["anonymous"] = anonymous
    expected["national"] = _national(default, anonymous, overrides)
    expected.update(overrides)
    return expected


def _national(default: int, anonymous: int, overrides: dict[str, int]) -> int:
    """What a nationell läsare gets (issue 14), unless the route says: they belong to no region, so
    - a public address (anonymous users are not sent to the login page) answers them as it answers everyone;
    - region A's objects are as invisible to them as to region B's outsider, and what clinic staff may not know
      of (404 for them) is hidden from them too: 404;
    - a page of one's own region that everyone with a role there may open refuses them with a page (403: they
      have no region); pages only some roles may open refuse them as they refuse the rest (the default)."""
    if anonymous != LOGIN:
        return default
    if 404 in (overrides.get("outsider"), overrides.get("staff_a1")):
        return 404
    return 403 if default == 200 else default


# Pages of one's account, open to everyone signed in (a nationell läsare too).
EVERYONE_SIGNED_IN = statuses(200, national=200)
# Pages of one's own region that everyone with a role there may open (a nationell läsare has none: 403).
EVERYONE_IN_A_REGION = statuses(200)
REGION_ADMIN_ONLY = statuses(403, admin=200)
# An object of region A that only A's administrators may change: others in A get 403, B's outsider 404.
REGION_A_ADMIN_OBJECT = statuses(403, admin=200, outsider=404)
PUBLIC = statuses(200, anonymous=200)


@dataclass
class Route:
    name: str
    expected: dict[str, int]
    kwargs: Callable = field(default=lambda world: {})
    query: str = ""


CORE_ROUTES: list[Route] = [
    # Start page, health and robots.
    Route("home", EVERYONE_SIGNED_IN),
    Route("healthz", PUBLIC),
    Route("robots_txt", PUBLIC),
    Route("favicon", statuses(302, anonymous=302)),  # to the icon among the static files
    # Accounts.
    Route("login", statuses(302, anonymous=200)),
    Route("logout", statuses(405)),  # POST only
    Route("password_change", EVERYONE_SIGNED_IN),
    Route("password_change_done", EVERYONE_SIGNED_IN),
    Route("password_reset", PUBLIC),
    Route("password_reset_done", PUBLIC),
    Route("password_reset_confirm", PUBLIC, kwargs=lambda world: {"uidb64": "MQ", "token": "bad-token"}),
    Route("password_reset_complete", PUBLIC),
    Route("set_language", statuses(302, anonymous=302)),
    # Organisations.
    Route("organisations:clinic_list", EVERYONE_IN_A_REGION),
    Route("organisations:clinic_create", REGION_ADMIN_ONLY),
    Route("organisations:clinic_import", REGION_ADMIN_ONLY),
    Route("organisations:clinic_import_template", REGION_ADMIN_ONLY),
    Route(
        "organisations:clinic_detail",
        statuses(200, staff_a2=404, outsider=404),
        kwargs=lambda world: {"pk": world.clinic_a1.pk},
    ),
    Route(
        "organisations:clinic_update",
        statuses(403, admin=200, staff_a2=404, outsider=404),
        kwargs=lambda world: {"pk": world.clinic_a1.pk},
    ),
    Route("organisations:member_list", REGION_ADMIN_ONLY),
    Route("organisations:member_create", REGION_ADMIN_ONLY),
    Route(
        "organisations:member_update",
        REGION_A_ADMIN_OBJECT,
        kwargs=lambda world: {"pk": world.user("bestallare").memberships.get().pk},
    ),
    Route(
        "organisations:member_delete",
        REGION_A_ADMIN_OBJECT,
        kwargs=lambda world: {"pk": world.user("bestallare").memberships.get().pk},
    ),
    Route("organisations:region_switch", statuses(405)),
    # Apps whose pages come with later features.
    Route("dialogs:index", statuses(302)),  # redirects to the overview of dialogues (dialogs:dialogue_list)
    Route("indicators:index", EVERYONE_IN_A_REGION),
    Route("feedback:index", EVERYONE_IN_A_REGION),
]


def all_routes() -> list[Route]:
    """The core routes plus every ``tests/<package>/routes.py``."""
    import tests

    routes = list(CORE_ROUTES)
    for package in pkgutil.iter_modules(tests.__path__):
        if package.ispkg and importlib.util.find_spec(f"tests.{package.name}.routes"):
            routes.extend(importlib.import_module(f"tests.{package.name}.routes").ROUTES)
    return routes
