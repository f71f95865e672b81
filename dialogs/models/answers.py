"""Answers documented on the day, one per question of the dialogue's pinned guide version, and their history.

Two team members may document the same dialogue at once (issue 4, item 6). Each answer carries a ``revision``
that a save must name; ``dialogs.services.answers.answer_save`` refuses a stale one (HTTP 409) so that neither
text is silently lost, and writes an ``AnswerRevision`` (who, when, before → after) for every saved change.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogs.models.dialogue import Dialogue, person_name
from dialogs.models.guide import AgendaBlock, Question

ANSWER_TEXT_MAX_LENGTH = 20_000  # characters; checked by the service so the browser can keep a longer text


class YesNo(models.TextChoices):
    UNANSWERED = "", _("inte besvarad")
    JA = "ja", _("ja")
    NEJ = "nej", _("nej")


class Revisioned(models.Model):
    """What everything documented on the day has: a revision a save must name, and who saved it last, when
    (``dialogs.services.answers.save_revisioned``). Subclasses name their saved parts in ``content_fields``."""

    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("senast ändrad"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def updated_by_name(self) -> str:
        """Who saved it last ("" once that account is deleted)."""
        return person_name(self.updated_by)


class RevisionHistory(models.Model):
    """One saved change: ``before`` → ``after`` (each a ``snapshot()``), by whom, when. Subclasses add the link
    to what changed and name it in ``owner_field``."""

    revision = models.PositiveIntegerField(_("revision"))
    before = models.JSONField(_("före"), default=dict)
    after = models.JSONField(_("efter"), default=dict)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-revision"]


class Answer(Revisioned):
    content_fields = ("text", "yes_no", "choice_values", "prompt_answers")  # what dialogs.services.answers saves

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a published version's questions never go away while a dialogue has answered them.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("svar"), blank=True)
    yes_no = models.CharField(_("ja/nej"), max_length=3, choices=YesNo.choices, blank=True, default="")
    # For questions with several labelled yes/no choices: {"För patienterna": "ja", "För personalen": ""}.
    choice_values = models.JSONField(_("ja/nej per val"), default=dict, blank=True)
    # For numbered sequence questions ("Konkret exempel" 1–5): one text per prompt, in order.
    prompt_answers = models.JSONField(_("svar på delfrågorna"), default=list, blank=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [models.UniqueConstraint(fields=["dialogue", "question"], name="answer_unique_per_question")]

    def __str__(self) -> str:
        return f"{self.dialogue} – {self.question_id} (rev. {self.revision})"

    def snapshot(self) -> dict:
        """The answer's content, as kept in the history's before/after."""
        return {
            "text": self.text,
            "yes_no": self.yes_no,
            "choice_values": dict(self.choice_values or {}),
            "prompt_answers": list(self.prompt_answers or []),
        }

    @property
    def is_answered(self) -> bool:
        return bool(
            self.text.strip()
            or self.yes_no
            or any(self.choice_values.values() if self.choice_values else ())
            or any(part.strip() for part in self.prompt_answers or [])
        )


class AnswerRevision(RevisionHistory):
    """One saved change of an answer: ``before`` → ``after`` (each an ``Answer.snapshot()``), by whom, when."""

    owner_field = "answer"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")

    class Meta(RevisionHistory.Meta):
        verbose_name = _("ändring av svar")
        verbose_name_plural = _("ändringar av svar")
        constraints = [models.UniqueConstraint(fields=["answer", "revision"], name="answer_revision_unique")]

    def __str__(self) -> str:
        return f"{self.answer_id} rev. {self.revision}"


class AgendaNote(Revisioned):
    """Notes for an agenda block of the day that has no questions (e.g. "Samtal med medarbetare från olika
    professioner", the walk round the clinic), documented on site like an answer: the same revision rule,
    autosave and history (``dialogs.services.agenda_notes``)."""

    content_fields = ("text",)

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="agenda_notes")
    # PROTECT, as for answers: a published version's agenda never goes away while a dialogue has notes for it.
    block = models.ForeignKey(AgendaBlock, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("anteckningar"), blank=True)

    class Meta:
        verbose_name = _("anteckningar till programpunkt")
        verbose_name_plural = _("anteckningar till programpunkter")
        constraints = [models.UniqueConstraint(fields=["dialogue", "block"], name="agenda_note_unique_per_block")]

    def __str__(self) -> str:
        return f"{self.dialogue} – {self.block_id} (rev. {self.revision})"

    def snapshot(self) -> dict:
        """In the shape of ``Answer.snapshot()``, so the on-site autosave and its conflict rules apply as they are."""
        return {"text": self.text, "yes_no": "", "choice_values": {}, "prompt_answers": []}


class AgendaNoteRevision(RevisionHistory):
    """One saved change of an agenda block's notes: ``before`` → ``after``, by whom, when."""

    owner_field = "note"

    note = models.ForeignKey(AgendaNote, on_delete=models.CASCADE, related_name="revisions")

    class Meta(RevisionHistory.Meta):
        verbose_name = _("ändring av anteckningar")
        verbose_name_plural = _("ändringar av anteckningar")
        constraints = [models.UniqueConstraint(fields=["note", "revision"], name="agenda_note_revision_unique")]
