"""What goes into the archive package of a closed dialogue (issue 15 §4), for the region's diarium or e-archive:

    dokumentation.pdf            the documentation as PDF/A-2a (tagged, for long-term keeping)
    dokumentation.csv            the same answers as a table
    dokumentation-historik.json  every answer and agenda note with every saved change (who, when, before → after)
    forord.pdf                   the letter to the clinic (Bilaga 1), PDF/UA
    forberedelser.json           the three parties' preparations
    dialog.json                  the dialogue: clinic, date, place, guide version, team, participants, follow-up
    statushistorik.json          every change of status, by whom, when, with its note
    overenskommelser.json        the agreements with every change of text, status and comment
    aterkoppling/version-N.pptx  every shared version of the feedback deck exactly as it was shared,
    aterkoppling/version-N.pdf   its PDF, and
    aterkoppling/version-N.json  its content, message, who shared it and when
    aterkoppling/kommentarer.json  the clinic's comments, the team's replies and the acknowledgements
    manifest.json                every file above with its SHA-256, size and what it is

In a region's export of a year each dialogue has a folder of its own and one manifest covers them all. Fördjupad
uppföljning is not part of the package: it is its own matter, seen only by the team.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.pdf import PDF_A, html_to_pdf
from dialogs.models import Agreement, Answer, ClinicParticipant, Dialogue, DialogueStatusChange, Preparation, TeamMember
from dialogs.models.answers import AgendaNote
from dialogs.models.dialogue import person_name
from dialogs.selectors import dialogue as dialogue_selectors
from dialogs.selectors.dialogue import follow_up_meeting_of
from dialogs.services import export
from feedback.models import DeckFormat, SharedVersion

FORMAT = "primarvardsuppfoljning.arkivpaket/1"


@dataclass(frozen=True)
class ArchiveFile:
    path: str
    data: bytes
    content_type: str
    description: str


def _json(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _when(moment):
    return timezone.localtime(moment) if moment else None


def folder_name(dialogue: Dialogue) -> str:
    return f"{dialogue.date:%Y-%m-%d}-{slugify(dialogue.clinic.name) or 'vardcentral'}-{dialogue.pk}"


def _documentation(dialogue: Dialogue) -> list[ArchiveFile]:
    # The package is the region's record, made by its follow-up team (clinic staff get 403): all answers.
    page = dialogue_selectors.dialogue_documentation_page(dialogue, team=True)
    html = render_to_string("dialogs/dialogue/documentation_print.html", {"dialogue": dialogue, "page": page})
    return [
        ArchiveFile("dokumentation.pdf", html_to_pdf(html, variant=PDF_A), "application/pdf",
                    _("Dokumentationen av dialogen (PDF/A-2a)")),
        ArchiveFile("dokumentation.csv", export.documentation_csv(page.documentation), "text/csv",
                    _("Dokumentationens frågor och svar som tabell")),
    ]


def _revisions(rows) -> list[dict]:
    return [
        {"revision": change.revision, "tid": _when(change.created_at), "av": person_name(change.user),
         "före": change.before, "efter": change.after}
        for change in rows
    ]


def _history(dialogue: Dialogue) -> ArchiveFile:
    answers = Answer.objects.filter(dialogue=dialogue).select_related("question", "updated_by").prefetch_related(
        "revisions__user").order_by("question_id")
    notes = AgendaNote.objects.filter(dialogue=dialogue).select_related("block", "updated_by").prefetch_related(
        "revisions__user")
    content = {
        "svar": [
            {"fråga": answer.question.key, "frågetext": answer.question.text, **answer.snapshot(),
             "revision": answer.revision, "senast_ändrad": _when(answer.updated_at), "av": answer.updated_by_name,
             "ändringar": _revisions(answer.revisions.all())}
            for answer in answers
        ],
        "anteckningar": [
            {"programpunkt": note.block.title, "text": note.text, "revision": note.revision,
             "senast_ändrad": _when(note.updated_at), "av": note.updated_by_name,
             "ändringar": _revisions(note.revisions.all())}
            for note in notes
        ],
    }
    return ArchiveFile("dokumentation-historik.json", _json(content), "application/json",
                       _("Varje svar och anteckning med alla sparade ändringar"))


def _letter(dialogue: Dialogue) -> ArchiveFile:
    page = dialogue_selectors.dialogue_letter(dialogue)
    html = render_to_string("dialogs/dialogue/letter_print.html", {"dialogue": dialogue, "page": page})
    return ArchiveFile("forord.pdf", html_to_pdf(html), "application/pdf", _("Förordet till vårdcentralen (Bilaga 1)"))


def _dialogue(dialogue: Dialogue) -> list[ArchiveFile]:
    meeting = follow_up_meeting_of(dialogue)
    about = {
        "id": dialogue.pk, "vårdcentral": dialogue.clinic.name, "hsa_id": dialogue.clinic.hsa_id,
        "region": dialogue.clinic.region.name, "datum": dialogue.date, "starttid": dialogue.start_time,
        "plats": dialogue.place, "status": dialogue.get_status_display(),
        "dialogstöd": dialogue.guide_version.display_name, "källa": dialogue.guide_version.attribution,
        "team": [{"namn": member.display_name, "part": member.get_party_display(), "roller": member.role_labels}
                 for member in TeamMember.objects.filter(dialogue=dialogue).select_related("user")],
        "deltagare": [{"namn": person.name, "roll": person.role_label}
                      for person in ClinicParticipant.objects.filter(dialogue=dialogue)],
        "uppföljningsmöte": {"datum": meeting.date, "tid": meeting.start_time, "fokus": meeting.focus_area}
        if meeting else None,
        "inget_uppföljningsmöte": dialogue.follow_up_waived_reason if dialogue.follow_up_waived else "",
    }
    statuses = [
        {"från": change.get_from_status_display(), "till": change.get_to_status_display(),
         "tid": _when(change.changed_at), "av": change.changed_by_name, "kommentar": change.note}
        for change in DialogueStatusChange.objects.filter(dialogue=dialogue).select_related("changed_by")
    ]
    preparations = [
        {"part": preparation.get_party_display(), "översikt": preparation.overview_notes,
         "områden": [section.title for section in preparation.focus_sections.all()]
         + [question.text for question in preparation.focus_questions.all()],
         "datakällor": preparation.data_source_labels, "ansvar": preparation.responsibility,
         "senast_ändrad": _when(preparation.updated_at), "av": preparation.updated_by_name}
        for preparation in Preparation.objects.filter(dialogue=dialogue).select_related("updated_by")
        .prefetch_related("focus_sections", "focus_questions")
    ]
    return [
        ArchiveFile("dialog.json", _json(about), "application/json", _("Dialogen: vårdcentral, datum, team och deltagare")),
        ArchiveFile("statushistorik.json", _json(statuses), "application/json", _("Statushistoriken")),
        ArchiveFile("forberedelser.json", _json(preparations), "application/json", _("De tre parternas förberedelser")),
    ]


def _agreements(dialogue: Dialogue) -> ArchiveFile:
    agreements = Agreement.objects.filter(dialogue=dialogue).select_related("created_by").prefetch_related("changes__user")
    content = [
        {"text": agreement.text, "område": agreement.area_label, "ansvarig": agreement.get_owner_display(),
         "klart_senast": agreement.due_date, "status": agreement.get_status_display(),
         "ändringar": [
             {"ändring": change.get_kind_display(), "status": change.get_status_display(), "tid": _when(change.created_at),
              "av": change.user_name, "av_vårdcentralen": change.by_clinic, "kommentar": change.comment,
              "före": change.before, "efter": change.after}
             for change in agreement.changes.all()
         ]}
        for agreement in agreements
    ]
    return ArchiveFile("overenskommelser.json", _json(content), "application/json",
                       _("Överenskommelserna med alla ändringar och kommentarer"))


def _feedback(dialogue: Dialogue) -> list[ArchiveFile]:
    versions = (
        SharedVersion.objects.filter(report__dialogue=dialogue).select_related("shared_by").order_by("number")
        .prefetch_related("files", "comments__author", "comments__replies__author", "acknowledgements__user")
    )
    files, comments = [], []
    for version in versions:
        stem = f"aterkoppling/version-{version.number}"
        for stored in version.files.all():
            kind = "PowerPoint" if stored.format == DeckFormat.PPTX else "PDF"
            files.append(ArchiveFile(f"{stem}.{stored.format}", bytes(stored.data), _content_type(stored.format),
                                     _("Återkopplingen, version %(number)s, som den delades (%(kind)s)")
                                     % {"number": version.number, "kind": kind}))
        about = {"version": version.number, "delad": _when(version.shared_at), "av": version.shared_by_name,
                 "meddelande": version.message, "innehåll": version.snapshot}
        files.append(ArchiveFile(f"{stem}.json", _json(about), "application/json",
                                 _("Återkopplingen, version %(number)s: innehåll och meddelande") % {"number": version.number}))
        comments.append({
            "version": version.number,
            "kommentarer": [
                {"avsnitt": comment.section_key, "text": comment.text, "av": comment.author_name,
                 "tid": _when(comment.created_at),
                 "svar": [{"text": reply.text, "av": reply.author_name, "tid": _when(reply.created_at)}
                          for reply in comment.replies.all()]}
                for comment in version.comments.all()
            ],
            "kvittenser": [{"av": ack.user_name, "tid": _when(ack.created_at)} for ack in version.acknowledgements.all()],
        })
    if comments:
        files.append(ArchiveFile("aterkoppling/kommentarer.json", _json(comments), "application/json",
                                 _("Vårdcentralens kommentarer, teamets svar och kvittenserna")))
    return files


def _content_type(format: str) -> str:
    from feedback.models import CONTENT_TYPES

    return CONTENT_TYPES[format]


def dialogue_files(dialogue: Dialogue) -> list[ArchiveFile]:
    """Every file of the dialogue's package but the manifest."""
    return [
        *_documentation(dialogue), _history(dialogue), _letter(dialogue), *_dialogue(dialogue), _agreements(dialogue),
        *_feedback(dialogue),
    ]


class PackageWriter:
    """Writes files into a ZIP and keeps their checksums for the manifest, which it writes last."""

    def __init__(self, target, *, title: str, created_by: str):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self.entries: list[dict] = []
        self.dialogues: list[dict] = []
        self.title, self.created_by = title, created_by

    def add_dialogue(self, dialogue: Dialogue, *, folder: str = "") -> None:
        prefix = f"{folder}/" if folder else ""
        for item in dialogue_files(dialogue):
            self.zip.writestr(prefix + item.path, item.data)
            self.entries.append({"sökväg": prefix + item.path, "sha256": hashlib.sha256(item.data).hexdigest(),
                                 "byte": len(item.data), "typ": item.content_type, "beskrivning": item.description})
        self.dialogues.append({"id": dialogue.pk, "vårdcentral": dialogue.clinic.name, "datum": dialogue.date,
                               "mapp": folder or "."})

    def close(self) -> None:
        manifest = {
            "format": FORMAT, "titel": self.title, "skapad": timezone.localtime(), "skapad_av": self.created_by,
            "kontrollsumma": "SHA-256", "dialoger": self.dialogues, "filer": self.entries,
        }
        self.zip.writestr("manifest.json", _json(manifest))
        self.zip.close()


def dialogue_package(*, dialogue: Dialogue, user) -> bytes:
    """One closed dialogue's package, built in memory."""
    import io

    buffer = io.BytesIO()
    title = _("Arkivpaket: uppföljningsdialog med %(clinic)s %(date)s") % {
        "clinic": dialogue.clinic.name, "date": f"{dialogue.date:%Y-%m-%d}"}
    writer = PackageWriter(buffer, title=title, created_by=person_name(user))
    writer.add_dialogue(dialogue)
    writer.close()
    return buffer.getvalue()
