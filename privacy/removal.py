"""The removal of a person who leaves (issue 15 §3): their memberships end, their account is deactivated and loses
its name and address, and their name is replaced by "tidigare användare" wherever the service shows who did
something.

Where the law allows, and no further. The region's records stay as they are: what the person wrote in a dialogue's
documentation, a comment or a note is part of the region's record of that dialogue (an allmän handling), handled by
the region's retention rule (``privacy.retention``), and a deck shared with a clinic is kept as it was delivered.
What changes is what identifies the person:
- links to their account (who wrote, changed, took part, shared) keep pointing at it, and it is shown as "tidigare
  användare" (``common.personal_data.is_former_user``) – in answer, status and agreement histories, comments, notes,
  evaluations and the historical rows django-simple-history keeps of memberships;
- the fields the apps declare with ``Removal.BLANK`` or ``DELETE_ROWS`` (``privacy.registry.person_rules``): their
  HSA-id, their address on e-mail already sent, their name on accessibility reports; their memberships, HSA-id,
  calendar feed and e-mail settings go;
- e-mail not yet sent to them is deleted; they leave the teams of dialogues not yet held; open fördjupade
  uppföljningar they owned get no owner (the preview names them, so someone takes them over); failed sign-ins
  recorded under their name or address are deleted.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from common.personal_data import FORMER_USER_PREFIX
from dialogs.models import Case, Dialogue, TeamMember
from dialogs.models.cases import OPEN_CASE_STATUSES
from dialogs.models.dialogue import PLANNING_STATUSES
from notifications.models import MessageStatus, OutboxMessage
from organisations.models import Membership, Region, Role
from privacy import registry
from privacy.models import PersonRemoval

logger = logging.getLogger(__name__)
FINAL = [MessageStatus.SENT, MessageStatus.GAVE_UP]


class RemovalRefused(Exception):
    pass


@dataclass
class RemovalPreview:
    """What removing the person will do, shown before anyone confirms."""

    user: object
    memberships: list[Membership]
    upcoming: list[Dialogue] = field(default_factory=list)  # dialogues not yet held whose team they leave
    open_cases: list[Case] = field(default_factory=list)  # open cases that lose their owner
    unsent: int = 0
    changes: list[tuple[str, str, int]] = field(default_factory=list)  # (what, done how, how many)
    blockers: list[str] = field(default_factory=list)

    @property
    def regions(self) -> list[Region]:
        return sorted({m.region for m in self.memberships}, key=lambda region: region.name)


def last_admin_regions(user) -> list[Region]:
    """Regions where the person is the only administrator: they cannot leave before someone else is one."""
    administered = Membership.objects.filter(user=user, role=Role.ADMIN).values("region_id")
    alone = (
        Membership.objects.filter(region_id__in=administered, role=Role.ADMIN)
        .values("region_id").annotate(admins=Count("pk")).filter(admins=1).values("region_id")
    )
    return list(Region.objects.filter(pk__in=alone).order_by("name"))


def person_removal_preview(*, user, removed_by) -> RemovalPreview:
    preview = RemovalPreview(
        user=user,
        memberships=list(Membership.objects.filter(user=user).select_related("region", "clinic").order_by("region__name")),
        upcoming=list(
            Dialogue.objects.filter(team_members__user=user, status__in=PLANNING_STATUSES).select_related("clinic")
        ),
        open_cases=list(Case.objects.filter(owner=user, status__in=OPEN_CASE_STATUSES).select_related("clinic")),
        unsent=OutboxMessage.objects.filter(user=user).exclude(status__in=FINAL).count(),
    )
    for rule in registry.person_rules():
        if not (rule.delete_rows or rule.blank):
            continue
        count = rule.rows(user).count()
        if count:
            how = _("tas bort") if rule.delete_rows else _("töms")
            preview.changes.append((rule.label, how, count))
    if user.pk == removed_by.pk:
        preview.blockers.append(_("Du kan inte ta bort dig själv; be en annan administratör."))
    for region in last_admin_regions(user):
        preview.blockers.append(
            _("%(name)s är den enda administratören i %(region)s. Gör någon annan till administratör först.")
            % {"name": user.get_full_name() or user.username, "region": region.name}
        )
    return preview


@transaction.atomic
def person_remove(*, user, removed_by) -> PersonRemoval:
    """Remove the person (see the module's text). Refused for oneself and for a region's only administrator."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    preview = person_removal_preview(user=user, removed_by=removed_by)
    if preview.blockers:
        raise RemovalRefused(" ".join(preview.blockers))
    names = {user.username, user.email} - {""}
    summary = {
        "regioner": [region.name for region in preview.regions],
        "dialoger_som_lämnas": len(preview.upcoming),
        "ärenden_utan_ansvarig": len(preview.open_cases),
        "ej_skickad_e-post": preview.unsent,
        **{f"{what} ({how})": count for what, how, count in preview.changes},
    }
    OutboxMessage.objects.filter(user=user).exclude(status__in=FINAL).delete()
    TeamMember.objects.filter(user=user, dialogue__status__in=PLANNING_STATUSES).delete()
    Case.objects.filter(owner=user, status__in=OPEN_CASE_STATUSES).update(owner=None)
    rules = registry.person_rules()
    for rule in rules:  # deletions first: deleting a row with history (an HSA-id) adds a historical row to empty
        if rule.delete_rows:
            for row in rule.rows(user):
                row.delete()
    for rule in rules:
        for model_field in [] if rule.delete_rows else rule.blank:
            rule.rows(user).exclude(registry.empty_filter(model_field)).update(
                **{model_field.name: registry.empty_value(model_field)}
            )
    if names:
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__in=names).delete()
    _account_anonymise(user)
    removal = PersonRemoval.objects.create(user=user, removed_by=removed_by, summary=summary)
    logger.info("Person %s removed by %s: %s", user.pk, removed_by.pk, summary)
    return removal


def _account_anonymise(user) -> None:
    user.username = FORMER_USER_PREFIX + secrets.token_hex(6)
    user.first_name, user.last_name = "Tidigare", "användare"  # what a page that shows the raw name says
    user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()


def removable_by(admin, user) -> bool:
    """Whether ``admin`` may remove (and take the register extract of) ``user``: an administrator of every region
    the person has a role in, as for the HSA-id, since removal ends the person's roles everywhere."""
    regions = set(Membership.objects.filter(user=user).values_list("region_id", flat=True))
    administered = set(Membership.objects.filter(user=admin, role=Role.ADMIN).values_list("region_id", flat=True))
    return bool(regions) and regions <= administered


def removed_filter() -> Q:
    return Q(username__startswith=FORMER_USER_PREFIX)
