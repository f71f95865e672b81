"""Who may see and change the written feedback. Every feedback view goes through these helpers.

Rules, on top of dialogs/access.py:
- the draft (the report and its editing pages, draft downloads) belongs to the region's follow-up team
  (administrators and uppföljare); the dialogue's clinic staff get 403, everyone else 404;
- a shared version, its files and its comments are read by the team and by the staff of *that* clinic;
  staff of another clinic and people of other regions get 404;
- the clinic's staff comment and acknowledge (the team gets 403), the team replies (the clinic gets 403);
- the region's theme is set by its administrators.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dialogs.access import can_edit_dialogue, get_dialogue_for_user, parties_for_user
from dialogs.models.dialogue import Dialogue
from feedback.models import ClinicComment, FeedbackReport, SharedVersion
from organisations.models import Party


def get_dialogue_for_feedback_rw(user, pk: int) -> Dialogue:
    dialogue = get_dialogue_for_user(user, pk)
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    return dialogue


def _report(user, queryset, **filters) -> FeedbackReport:
    report = queryset.select_related("dialogue__clinic__region").filter(**filters).first()
    if report is None:
        raise Http404
    # The dialogue's visibility decides: a report of an invisible dialogue does not exist for this user.
    get_dialogue_for_user(user, report.dialogue_id)
    if not can_edit_dialogue(user, report.dialogue):
        raise PermissionDenied
    return report


def get_report_for_user(user, pk: int) -> FeedbackReport:
    """A report whose draft the user may read (the follow-up team)."""
    return _report(user, FeedbackReport.objects.all(), pk=pk)


def get_report_for_user_rw(user, pk: int) -> FeedbackReport:
    """A report whose draft the user may change and share (the follow-up team)."""
    return get_report_for_user(user, pk)


def get_report_section_for_user_rw(user, pk: int, key: str):
    report = get_report_for_user_rw(user, pk)
    section = report.sections.filter(key=key).first()
    if section is None:
        raise Http404
    section.report = report
    return section


def is_clinic_staff(user, dialogue: Dialogue) -> bool:
    return Party.VARDCENTRAL in parties_for_user(user, dialogue)


def get_version_for_user(user, pk: int) -> SharedVersion:
    """A shared version the user may read: the team, and the staff of the dialogue's clinic."""
    version = SharedVersion.objects.select_related("report__dialogue__clinic__region", "shared_by").filter(pk=pk).first()
    if version is None:
        raise Http404
    get_dialogue_for_user(user, version.report.dialogue_id)  # 404 for other clinics and regions
    return version


def get_version_for_clinic_rw(user, pk: int) -> SharedVersion:
    """A shared version the user may comment on and acknowledge: staff of its clinic."""
    version = get_version_for_user(user, pk)
    if not is_clinic_staff(user, version.report.dialogue):
        raise PermissionDenied
    return version


def get_comment_for_team_rw(user, pk: int) -> ClinicComment:
    """A clinic comment the user may answer: the follow-up team."""
    comment = ClinicComment.objects.select_related("version__report__dialogue__clinic__region").filter(pk=pk).first()
    if comment is None:
        raise Http404
    dialogue = comment.version.report.dialogue
    get_dialogue_for_user(user, dialogue.pk)
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    return comment
