"""Who may export: the region's follow-up team and its administrators (not clinic staff), for closed dialogues."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from archive.models import ArchiveExport
from dialogs.access import get_dialogue_for_user_rw, require_follow_up_region  # noqa: F401  (used by views)
from dialogs.models import Dialogue, DialogueStatus
from organisations.access import is_follow_up_member, regions_for_user


def can_archive(user, dialogue: Dialogue) -> bool:
    return dialogue.status == DialogueStatus.AVSLUTAD


def get_dialogue_for_archive(user, pk: int) -> Dialogue:
    """A closed dialogue the user may export: 404 outside their sight, 403 for clinic staff and for a dialogue that
    is not closed (the page offers the package only once it is)."""
    dialogue = get_dialogue_for_user_rw(user, pk)
    if not can_archive(user, dialogue):
        raise PermissionDenied
    return dialogue


def get_export_for_user(user, pk: int) -> ArchiveExport:
    export = ArchiveExport.objects.filter(pk=pk, region__in=regions_for_user(user)).select_related("region").first()
    if export is None:
        raise Http404
    if not is_follow_up_member(user, export.region):
        raise PermissionDenied
    return export
