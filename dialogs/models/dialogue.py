"""A follow-up dialogue (*uppföljningsdialog*): the follow-up team's day at one clinic, and what surrounds it.

    Dialogue (clinic, pinned GuideVersion, date, start time, place, status)
      ├─ TeamMember         the region's uppföljare who go, with their roles for the day
      ├─ ClinicParticipant  who takes part from the clinic (verksamhetschef, MAL, …)
      ├─ Preparation ×3     one per party: 2–3 focus areas, the data looked at, responsibility on the day
      ├─ Answer             one per question of the pinned version (see answers.py)
      ├─ FollowUpMeeting    the follow-up video meeting booked at the end of the day
      └─ DialogueStatusChange  who moved the status when
    LetterTemplate          the region's pre-meeting letter (Bilaga 1 of the SKR method)

Every write goes through ``dialogs.services.dialogue`` (and ``…answers`` for the on-site form); who may see
what is decided in ``dialogs.access`` and ``Dialogue.objects.for_user``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.personal_data import is_former_user
from common.stamps import stamp
from dialogs.models.guide import GuideVersion, Question, Section
from organisations.models import Clinic, Membership, Party, Region, Role


def person_name(user) -> str:
    """A user's full name, their username without one, "" for a deleted user, and "tidigare användare" for a
    person removed from the service (privacy/, issue 15 §3)."""
    if user is None:
        return ""
    if is_former_user(user):
        return str(_("tidigare användare"))
    return user.get_full_name() or user.username


class DialogueStatus(models.TextChoices):
    """Where a dialogue is in its life. The order of the members is the normal order of events."""

    PLANERAD = "planerad", _("planerad")
    FORBEREDELSE = "forberedelse", _("förberedelse")
    GENOMFORD = "genomford", _("genomförd")
    ATERKOPPLING_DELAD = "aterkoppling_delad", _("återkoppling delad")
    UPPFOLJNING_BOKAD = "uppfoljning_bokad", _("uppföljning bokad")
    AVSLUTAD = "avslutad", _("avslutad")
    # Off the normal course: a dialogue called off before the day, with the reason in its status history.
    INSTALLD = "installd", _("inställd")


S = DialogueStatus
# Which status may follow which. Forward along the normal course, plus one step back to correct a mistake.
# Closing straight from "återkoppling delad" is for dialogues whose follow-up meeting was explicitly waived;
# the guard in Dialogue.transition_blocker says so. A dialogue that has not taken place may be cancelled (with a
# reason); a cancellation made by mistake is undone by planning it again.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PLANERAD: (S.FORBEREDELSE, S.GENOMFORD, S.INSTALLD),
    S.FORBEREDELSE: (S.GENOMFORD, S.PLANERAD, S.INSTALLD),
    S.GENOMFORD: (S.ATERKOPPLING_DELAD, S.FORBEREDELSE),
    S.ATERKOPPLING_DELAD: (S.UPPFOLJNING_BOKAD, S.AVSLUTAD, S.GENOMFORD),
    S.UPPFOLJNING_BOKAD: (S.AVSLUTAD, S.ATERKOPPLING_DELAD),
    S.AVSLUTAD: (S.UPPFOLJNING_BOKAD, S.ATERKOPPLING_DELAD),
    S.INSTALLD: (S.PLANERAD,),
}
# The normal course, in order: the steps of the progress indicator (a cancelled dialogue is off it).
COURSE_STATUSES = (S.PLANERAD, S.FORBEREDELSE, S.GENOMFORD, S.ATERKOPPLING_DELAD, S.UPPFOLJNING_BOKAD, S.AVSLUTAD)
# Statuses in which the day has taken place: documentation exists, the follow-up meeting may be booked.
HELD_STATUSES = (S.GENOMFORD, S.ATERKOPPLING_DELAD, S.UPPFOLJNING_BOKAD, S.AVSLUTAD)
# Statuses in which planning details (date, team, participants) may still change.
PLANNING_STATUSES = (S.PLANERAD, S.FORBEREDELSE)
# Statuses in which the on-site documentation is read-only: closed (reopened by moving one step back) or cancelled.
DOCUMENTATION_CLOSED_STATUSES = (S.AVSLUTAD, S.INSTALLD)


class DialogueQuerySet(models.QuerySet):
    def for_user(self, user) -> "DialogueQuerySet":
        """Dialogues the user may see: all of the regions where they administer or follow up, and their own
        clinic's for clinic staff. The single definition of dialogue visibility (see dialogs/access.py).

        Subqueries rather than joins, so the list never needs DISTINCT and stays cheap at national scale."""
        if not user.is_authenticated:
            return self.none()
        team_regions = Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.UPPFOLJARE]).values("region_id")
        staff_clinics = Membership.objects.filter(user=user, role=Role.VARDCENTRAL).values("clinic_id")
        return self.filter(Q(clinic__region_id__in=team_regions) | Q(clinic_id__in=staff_clinics))

    def in_region(self, region: Region) -> "DialogueQuerySet":
        return self.filter(clinic__region=region)


class Dialogue(models.Model):
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="dialogues", verbose_name=_("vårdcentral")
    )
    # Pinned when the dialogue is planned: answers point at this version's questions, so it never changes.
    guide_version = models.ForeignKey(
        GuideVersion, on_delete=models.PROTECT, related_name="dialogues", verbose_name=_("version av dialogstödet")
    )
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("starttid"))
    place = models.CharField(_("plats"), max_length=300)
    include_lifestyle_module = models.BooleanField(
        _("ta med fördjupningen om levnadsvanor"), default=False
    )
    show_followups = models.BooleanField(
        _("visa fördjupningsfrågor"),
        default=True,
        help_text=_("Fördjupningsfrågorna och förslagen på datakällor (Bilaga 4) visas vid varje fråga."),
    )
    status = models.CharField(_("status"), max_length=24, choices=DialogueStatus.choices, default=S.PLANERAD)
    follow_up_waived = models.BooleanField(_("inget uppföljningsmöte"), default=False)
    follow_up_waived_reason = models.TextField(_("skäl till att inget uppföljningsmöte bokas"), blank=True)
    # Raised by every change of date, time or place and by cancelling or re-planning: the calendar invitations'
    # SEQUENCE (RFC 5545), so calendar programs replace the version they already have (dialogs/ics.py).
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    documentation_shared_at = models.DateTimeField(_("dokumentationen delad med vårdcentralen"), null=True, blank=True)
    documentation_shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        verbose_name = _("uppföljningsdialog")
        verbose_name_plural = _("uppföljningsdialoger")
        indexes = [
            models.Index(fields=["clinic", "-date"], name="dialogue_clinic_date"),
            models.Index(fields=["date"], name="dialogue_date"),
            models.Index(fields=["status"], name="dialogue_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_waived=False) | ~Q(follow_up_waived_reason=""),
                name="dialogue_waiver_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinic.name} {self.date:%Y-%m-%d}"

    # --- Rules about this one row -------------------------------------------------------------------

    def can_transition_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, ())

    @property
    def next_statuses(self) -> list[DialogueStatus]:
        """The statuses the status panel offers as buttons. Cancelling is not one of them: it has its own page,
        which asks for the reason."""
        return [DialogueStatus(status) for status in ALLOWED_TRANSITIONS.get(self.status, ()) if status != S.INSTALLD]

    def status_options(self, *, has_follow_up_meeting: bool, today) -> "StatusOptions":
        """The status panel's choices: the next statuses possible now, and the others with why not yet, so the
        page offers what can be done and explains the rest instead of a button that only refuses."""
        options = [
            StatusOption(status, self.transition_blocker(status, has_follow_up_meeting=has_follow_up_meeting, today=today))
            for status in self.next_statuses
        ]
        return StatusOptions(
            possible=[option for option in options if not option.blocker],
            later=[option for option in options if option.blocker],
        )

    @property
    def can_be_cancelled(self) -> bool:
        return self.can_transition_to(S.INSTALLD)

    def transition_blocker(self, status: str, *, has_follow_up_meeting: bool, today, note: str = "") -> str:
        """Why this dialogue may not move to ``status`` now, or "" when it may. ``note`` is the comment that goes
        with the change: the reason, which cancelling requires."""
        if not self.can_transition_to(status):
            if status == S.INSTALLD:
                return str(_("Bara en dialog som inte har genomförts ännu kan ställas in."))
            return str(
                _("En dialog med status ”%(current)s” kan inte få status ”%(target)s”.")
                % {"current": self.get_status_display(), "target": DialogueStatus(status).label}
            )
        if status == S.INSTALLD and not note.strip():
            return str(_("Skriv varför dialogen ställs in."))
        if status == S.GENOMFORD and self.date > today:
            return str(_("Dialogen kan inte markeras som genomförd före dialogdagen."))
        if status == S.UPPFOLJNING_BOKAD and not has_follow_up_meeting:
            return str(_("Boka uppföljningsmötet först."))
        if status == S.AVSLUTAD and not (has_follow_up_meeting or self.follow_up_waived):
            return str(
                _("Dialogen kan inte avslutas förrän uppföljningsmötet är bokat eller ni har angett varför inget "
                  "uppföljningsmöte behövs.")
            )
        return ""

    @property
    def is_held(self) -> bool:
        return self.status in HELD_STATUSES

    @property
    def is_planning(self) -> bool:
        return self.status in PLANNING_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == S.INSTALLD

    def plan_stamp(self) -> str:
        """A digest of the plan as the planning form edits it: day, time, place, options, the team with its roles
        and the clinic's participants (two queries). A change saved from a form opened at another stamp would
        overwrite what someone else saved in between (``services.dialogue.dialogue_update`` refuses it)."""
        team = sorted((member.user_id, member.party, sorted(member.roles)) for member in self.team_members.all())
        people = [
            (person.name, person.role, person.role_other, person.email, person.presents_data)
            for person in self.clinic_participants.all()
        ]
        return stamp([self.date, self.start_time, self.place, self.include_lifestyle_module, self.show_followups, team, people])

    @property
    def is_documentation_closed(self) -> bool:
        """The on-site documentation is read-only: the dialogue is closed or cancelled."""
        return self.status in DOCUMENTATION_CLOSED_STATUSES

    @property
    def is_documentation_shared(self) -> bool:
        return self.documentation_shared_at is not None

    @property
    def status_step(self) -> int:
        """1–6 along the normal course, for the progress indicator; 0 for a cancelled dialogue."""
        return COURSE_STATUSES.index(self.status) + 1 if self.status in COURSE_STATUSES else 0


@dataclass(frozen=True)
class StatusOption:
    """A status the dialogue may move to next, and why not now ("" when it can)."""

    status: DialogueStatus
    blocker: str = ""

    @property
    def value(self) -> str:
        return self.status.value

    @property
    def label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class StatusOptions:
    possible: list[StatusOption]
    later: list[StatusOption]

    def __bool__(self) -> bool:
        return bool(self.possible or self.later)


class DialogueStatusChange(models.Model):
    """One move of a dialogue's status: who, when, from what to what."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("från"), max_length=24, choices=DialogueStatus.choices, blank=True)
    to_status = models.CharField(_("till"), max_length=24, choices=DialogueStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    note = models.CharField(_("kommentar"), max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("statusändring")
        verbose_name_plural = _("statusändringar")

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"

    @property
    def changed_by_name(self) -> str:
        return person_name(self.changed_by)


class TeamRole(models.TextChoices):
    """What a team member does on the day."""

    INTERVJUARE = "intervjuare", _("intervjuare")
    BISITTARE = "bisittare", _("bisittare")
    DOKUMENTATION = "dokumentation", _("dokumentation")
    PRESENTERAR_DATA = "presenterar_data", _("presenterar data")


TEAM_PARTIES = (Party.BESTALLARE, Party.UTVECKLING)


class TeamMemberQuerySet(models.QuerySet):
    def elsewhere_on(self, day, *, user_ids, dialogue: Dialogue | None = None) -> "TeamMemberQuerySet":
        """The places these people hold on the teams of other dialogues (not cancelled) on ``day``, in the order
        of those dialogues' start."""
        rows = (
            self.filter(user_id__in=list(user_ids), dialogue__date=day)
            .exclude(dialogue__status=DialogueStatus.INSTALLD)
            .select_related("user", "dialogue__clinic")
            .order_by("dialogue__start_time", "dialogue__clinic__name", "user__last_name", "user__first_name")
        )
        return rows.exclude(dialogue=dialogue) if dialogue is not None else rows

    def by_dialogue(self) -> list[tuple[Dialogue, list["TeamMember"]]]:
        """Each dialogue once, in order, with its rows of this queryset."""
        grouped: dict[int, tuple[Dialogue, list[TeamMember]]] = {}
        for member in self:
            grouped.setdefault(member.dialogue_id, (member.dialogue, []))[1].append(member)
        return list(grouped.values())


class TeamMember(models.Model):
    """An uppföljare of the region who takes part in the dialogue, for their party, with roles for the day."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dialogue_teams")
    party = models.CharField(_("part"), max_length=16, choices=[(p.value, p.label) for p in TEAM_PARTIES])
    roles = models.JSONField(_("roller under dagen"), default=list, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["party", "user__last_name", "user__first_name", "pk"]
        verbose_name = _("medlem i uppföljningsteamet")
        verbose_name_plural = _("uppföljningsteam")
        constraints = [models.UniqueConstraint(fields=["dialogue", "user"], name="team_member_unique_per_dialogue")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_party_display()})"

    @property
    def display_name(self) -> str:
        return person_name(self.user)

    @property
    def role_labels(self) -> list[str]:
        return [str(TeamRole(role).label) for role in self.roles if role in TeamRole.values]


class ParticipantRole(models.TextChoices):
    VERKSAMHETSCHEF = "verksamhetschef", _("verksamhetschef")
    MAL = "medicinskt_ansvarig_lakare", _("medicinskt ansvarig läkare")
    ENHETSCHEF = "enhetschef", _("enhetschef")
    MEDARBETARREPRESENTANT = "medarbetarrepresentant", _("medarbetarrepresentant")
    ANNAN = "annan", _("annan")


class ClinicParticipant(models.Model):
    """Someone from the clinic who takes part; clinics name their own people, so there is no user account."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="clinic_participants")
    name = models.CharField(_("namn"), max_length=200)
    role = models.CharField(_("roll"), max_length=32, choices=ParticipantRole.choices)
    role_other = models.CharField(
        _("annan roll eller befattning"), max_length=200, blank=True, help_text=_("T.ex. ”distriktssköterska”.")
    )
    # Where the letter (Bilaga 1), changes and cancellations are sent; optional, the clinic's contact address
    # gets them too.
    email = models.EmailField(_("e-postadress"), max_length=254, blank=True)
    # The method gives "Presentera data (på storbildsskärm)" to the vårdcentral (Bilaga 2's programme).
    presents_data = models.BooleanField(_("presenterar data på storbildsskärmen"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("deltagare från vårdcentralen")
        verbose_name_plural = _("deltagare från vårdcentralen")

    def __str__(self) -> str:
        return f"{self.name}, {self.role_label}"

    @property
    def role_label(self) -> str:
        if self.role == ParticipantRole.ANNAN and self.role_other:
            label = self.role_other
        elif self.role_other:
            label = f"{self.get_role_display()} ({self.role_other})"
        else:
            label = str(self.get_role_display())
        return f"{label} – {_('presenterar data')}" if self.presents_data else label


class DataSourceChoice(models.TextChoices):
    """Data sources a party may have looked at before the dialogue (chapter 5 and Bilaga 1 of the method)."""

    MEDRAVE = "medrave", "Medrave"
    NPE = "npe", _("Nationell patientenkät")
    VIS = "vis", _("Vården i siffror")
    PVK = "pvk", "PrimärvårdsKvalitet"
    KOLADA = "kolada", "Kolada"
    ANNAN = "annan", _("annan källa")


MIN_FOCUS_AREAS = 2
MAX_FOCUS_AREAS = 3


class Preparation(models.Model):
    """One party's preparation. All three parties read all three (openness is one of the seven principles);
    each party writes only its own."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="preparations")
    party = models.CharField(_("part"), max_length=16, choices=Party.choices)
    focus_sections = models.ManyToManyField(
        Section, blank=True, related_name="+", verbose_name=_("områden att diskutera (avsnitt)")
    )
    focus_questions = models.ManyToManyField(
        Question, blank=True, related_name="+", verbose_name=_("områden att diskutera (frågor)")
    )
    overview_notes = models.TextField(_("översikt över vårdcentralens resultat"), blank=True)
    data_sources = models.JSONField(_("datakällor ni har tittat på"), default=list, blank=True)
    data_sources_other = models.CharField(_("annan datakälla"), max_length=300, blank=True)
    responsibility = models.TextField(_("ansvar under dagen"), blank=True)
    # Counts the saves: a form opened at one revision cannot overwrite a later one unnoticed.
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["party"]
        verbose_name = _("förberedelse")
        verbose_name_plural = _("förberedelser")
        constraints = [models.UniqueConstraint(fields=["dialogue", "party"], name="preparation_unique_party")]

    def __str__(self) -> str:
        return f"{self.dialogue} – {self.get_party_display()}"

    @property
    def updated_by_name(self) -> str:
        return person_name(self.updated_by)

    def snapshot(self) -> dict:
        """What the party wrote and chose, comparable with what a form posts."""
        return {
            "focus_section_ids": {section.pk for section in self.focus_sections.all()},
            "focus_question_ids": {question.pk for question in self.focus_questions.all()},
            "overview_notes": self.overview_notes,
            "data_sources": list(self.data_sources),
            "data_sources_other": self.data_sources_other,
            "responsibility": self.responsibility,
        }

    @property
    def data_source_labels(self) -> list[str]:
        labels = [str(DataSourceChoice(value).label) for value in self.data_sources if value in DataSourceChoice.values]
        if self.data_sources_other:
            labels = [label for label in labels if label != str(DataSourceChoice.ANNAN.label)] + [self.data_sources_other]
        return labels


class FollowUpMeeting(models.Model):
    """The follow-up video meeting agreed at the end of the day (Bilaga 3: "Upplägg vid uppföljande videomöte")."""

    dialogue = models.OneToOneField(Dialogue, on_delete=models.CASCADE, related_name="follow_up_meeting")
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("starttid"))
    duration_minutes = models.PositiveSmallIntegerField(_("längd i minuter"), default=60)
    video_link = models.URLField(_("länk till videomötet"), max_length=500, blank=True)
    focus_area = models.TextField(_("önskat fokusområde"), blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)  # as on Dialogue
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("bokat"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("uppföljningsmöte")
        verbose_name_plural = _("uppföljningsmöten")

    def __str__(self) -> str:
        return f"{self.dialogue} → {self.date:%Y-%m-%d} {self.start_time:%H:%M}"


class LetterTemplate(models.Model):
    """The region's pre-meeting letter (Bilaga 1), with placeholders filled in per dialogue.
    Without a saved template the region uses the default text in ``dialogs.services.letter``."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="letter_template")
    subject = models.CharField(_("rubrik"), max_length=300)
    body = models.TextField(_("brevtext"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brevmall")
        verbose_name_plural = _("brevmallar")

    def __str__(self) -> str:
        return f"{self.region}: {self.subject}"
