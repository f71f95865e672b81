"""Demo dialogues for Region Demo (called from dialogs/demo.py once the region has its guide).

One dialogue in every status, spread over the region's clinics, so that every page has something to show:

- Björkdalens vårdcentral (D001, demo-vc1's clinic): last year's dialogue, closed, with every question
  answered and the documentation shared; and this year's, in preparation, which opens with what was agreed
  last time (continuity) and already has the vårdcentral's and the beställare's preparations.
- Hamnstaden (D002, demo-vc2) planned; Skogsbrynet (D004) held last week; Åsen (D005) feedback shared;
  Kvarnbacken (D006) follow-up meeting booked; Strandängen (D007) closed without a follow-up meeting;
  Centrumkliniken (D008) has had no dialogue at all.

Dates are relative to today, so the demo looks the same whenever it is loaded. Idempotent: nothing happens
when the region already has dialogues. Answers are written straight to the table (with one history entry
each) rather than through the on-site autosave, which has its own tests.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dialogs.models import AnswerKind, GuideVersion
from dialogs.models.answers import Answer, AnswerRevision
from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import dialogue as services
from organisations.models import Clinic, Party, Region

# Answers for the questions a reader looks for first; every other question gets a short general note.
ANSWERS = {
    "sammanfattning-q01": "Ett stabilt läkarlag med fast läkarkontakt för de flesta äldre, ett öppet klimat i "
    "ledningsgruppen och ett strukturerat arbete med avvikelser.",
    "sammanfattning-q02": "Korta väntetiderna i telefon på förmiddagarna och införa fast vårdkontakt för patienter "
    "med flera kroniska sjukdomar.",
    "sammanfattning-q03": "Nej, ingen indikation för fördjupad uppföljning.",
    "aterkoppling-q01": "Att samtalet utgick från vår egen data och att vi fick tid att förklara sammanhanget.",
    "aterkoppling-q02": "Skicka förordet och dagens program minst tre veckor i förväg.",
    "aterkoppling-q03": "Genomgången av patientenkäten tillsammans med utvecklingsavdelningen.",
    "aterkoppling-q04": "Ja, ett videomöte om sex månader med fokus på telefontillgänglighet.",
    "p4-utveckling-q06": "Telefontillgänglighet, kontinuitet för multisjuka äldre och uppföljning av "
    "läkemedelsgenomgångar.",
    "p4-data-q06": "Andelen patienter med fast läkare är lägre än regionens snitt i åldersgruppen 75+.",
}
GENERAL_NOTE = "Antecknat under dialogen: vårdcentralen beskrev hur de arbetar i dag och vad som fungerar väl."


def _content(question) -> dict:
    content = {"text": ANSWERS.get(question.key, GENERAL_NOTE), "yes_no": "", "choice_values": {}, "prompt_answers": []}
    if question.kind == AnswerKind.YES_NO:
        content["yes_no"] = "ja" if question.position % 2 else "nej"
    elif question.kind == AnswerKind.CHOICES:
        content["choice_values"] = {label: ("ja" if number == 0 else "nej") for number, label in enumerate(question.choices)}
    elif question.kind == AnswerKind.SEQUENCE:
        content["text"] = ""
        content["prompt_answers"] = [
            "Diabetes typ 2",
            "Resultaten för HbA1c har försämrats det senaste året.",
            "Kalla patienterna till diabetessköterskan två gånger per år.",
            "Gå igenom listan över patienter som inte haft besök på ett år.",
            "Färre komplikationer och tryggare patienter.",
        ][: len(question.prompts)]
    return content


def _answer(dialogue: Dialogue, questions, user) -> None:
    """Write answers (with one history entry each) for the given questions."""
    now = timezone.now()
    answers = [
        Answer(dialogue=dialogue, question=question, revision=1, updated_by=user, updated_at=now, **_content(question))
        for question in questions
    ]
    Answer.objects.bulk_create(answers)
    saved = Answer.objects.filter(dialogue=dialogue)
    AnswerRevision.objects.bulk_create(
        AnswerRevision(answer=answer, revision=1, before={}, after=answer.snapshot(), user=user, created_at=now)
        for answer in saved
    )


def workday(days: int) -> datetime.date:
    """The working day ``days`` from today, or the nearest one further from today: no dialogue of the demo
    falls on a weekend or a Swedish public holiday, whenever it is loaded."""
    today = timezone.localdate()
    step = datetime.timedelta(days=-1 if days < 0 else 1)
    day = today + datetime.timedelta(days=days)
    while day.weekday() >= 5 or services.holiday_name(day) or (days > 0 and day <= today):
        day += step
    return day


def _plan(
    region, clinic, version, *, days: int, team, participants, user, start=datetime.time(8, 30), lifestyle=False
) -> Dialogue:
    """Plan through the service on a working day ``days`` from today; a dialogue in the past is registered as
    held with its date, as the team registers a dialogue held on paper."""
    return services.dialogue_plan(
        region=region,
        clinic=clinic,
        guide_version=version,
        date=workday(days),
        start_time=start,
        place="",
        include_lifestyle_module=lifestyle,
        show_followups=True,
        team=team,
        participants=participants,
        user=user,
        held=days < 0,
        confirm_date=False,  # a warning here would be a demo on a weekend or a holiday: fail loudly
    )


def _advance(dialogue: Dialogue, status: str, user, *, meeting_days: int = 60, waive: str = "") -> None:
    """Move a held dialogue along the normal course up to ``status``."""
    if status == DialogueStatus.GENOMFORD:
        return
    services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.ATERKOPPLING_DELAD, user=user)
    services.dialogue_share_documentation(dialogue=dialogue, user=user)
    if status == DialogueStatus.ATERKOPPLING_DELAD:
        return
    if waive:
        services.follow_up_waive(dialogue=dialogue, user=user, reason=waive)
    else:
        services.follow_up_book(
            dialogue=dialogue,
            user=user,
            date=workday((dialogue.date - timezone.localdate()).days + meeting_days),
            start_time=datetime.time(13, 0),
            duration_minutes=60,
            video_link="https://video.example.org/demo-uppfoljning",
            focus_area="Telefontillgänglighet och fast vårdkontakt",
        )
    if status == DialogueStatus.AVSLUTAD:
        services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.AVSLUTAD, user=user)


def seed(*, stdout=None) -> None:
    region = Region.objects.get(name="Region Demo")
    if Dialogue.objects.filter(clinic__region=region).exists():
        return
    version = GuideVersion.objects.for_new_dialogues(region).order_by("-published_at").first()
    if version is None:
        return
    User = get_user_model()
    bestallare, utveckling = User.objects.get(username="demo-bestallare"), User.objects.get(username="demo-utveckling")
    clinics = {clinic.hsa_id[-4:]: clinic for clinic in Clinic.objects.filter(region=region)}
    team = [
        services.TeamSelection(user_id=bestallare.pk, roles=("intervjuare", "dokumentation")),
        services.TeamSelection(user_id=utveckling.pk, roles=("bisittare", "presenterar_data")),
    ]
    people = [
        services.ParticipantData("Vera Verksamhetschef", "verksamhetschef"),
        services.ParticipantData("Magnus Mal", "medicinskt_ansvarig_lakare"),
        services.ParticipantData("Elin Enhetschef", "enhetschef"),
        services.ParticipantData("Sara Sjuksköterska", "medarbetarrepresentant"),
    ]
    questions = list(version.questions.select_related("section").order_by("section__position", "position"))

    # Björkdalen: last year's dialogue, fully documented and closed …
    earlier = _plan(region, clinics["D001"], version, days=-380, team=team, participants=people, user=bestallare, lifestyle=True)
    _answer(earlier, questions, bestallare)
    _advance(earlier, DialogueStatus.AVSLUTAD, bestallare, meeting_days=180)
    # … and this year's, being prepared.
    current = _plan(region, clinics["D001"], version, days=21, team=team, participants=people, user=bestallare)
    vc_user = User.objects.get(username="demo-vc1")
    sections = {section.key: section for section in version.sections.all()}
    services.preparation_save(
        dialogue=current, party=Party.VARDCENTRAL, user=vc_user,
        focus_section_ids=[sections["p4-kontinuitet"].pk, sections["p5-tillganglighet"].pk], focus_question_ids=[],
        overview_notes="Telefonväntetiden har minskat sedan i fjol men är fortfarande lång på måndagar.",
        data_sources=["medrave", "npe"], data_sources_other="",
        responsibility="Vi visar våra data på storbildsskärmen i konferensrummet.",
    )
    services.preparation_save(
        dialogue=current, party=Party.BESTALLARE, user=bestallare,
        focus_section_ids=[sections["p4-kontinuitet"].pk, sections["p1"].pk], focus_question_ids=[],
        overview_notes="Andelen listade med fast läkare har ökat något; patientenkäten visar bättre bemötande.",
        data_sources=["npe", "vis", "pvk"], data_sources_other="",
        responsibility="Intervjuar och dokumenterar.",
    )

    _plan(region, clinics["D002"], version, days=35, team=team, participants=people[:2], user=bestallare, start=datetime.time(9, 0))
    _plan(region, clinics["D003"], version, days=63, team=team[:1], participants=[], user=bestallare)
    called_off = _plan(region, clinics["D003"], version, days=9, team=team[:1], participants=[], user=bestallare)
    services.dialogue_cancel(
        dialogue=called_off, user=bestallare, reason="Verksamhetschefen är föräldraledig; ny tid bokas till hösten."
    )
    skogsbrynet = _plan(region, clinics["D004"], version, days=-6, team=team, participants=people[:3], user=utveckling)
    _answer(skogsbrynet, questions[: len(questions) // 2], utveckling)
    _advance(skogsbrynet, DialogueStatus.GENOMFORD, utveckling)
    for code, days, status in [
        ("D005", -24, DialogueStatus.ATERKOPPLING_DELAD),
        ("D006", -45, DialogueStatus.UPPFOLJNING_BOKAD),
    ]:
        dialogue = _plan(region, clinics[code], version, days=days, team=team, participants=people[:2], user=bestallare, lifestyle=True)
        _answer(dialogue, questions, bestallare)
        _advance(dialogue, status, bestallare)
    strandangen = _plan(region, clinics["D007"], version, days=-300, team=team, participants=people[:1], user=bestallare)
    _answer(strandangen, [q for q in questions if q.section.kind in ("summary", "feedback")], bestallare)
    _advance(strandangen, DialogueStatus.AVSLUTAD, bestallare, waive="Vårdcentralen slogs ihop med Åsen; ny dialog planeras.")
    if stdout is not None:
        stdout.write(f"Region Demo har fått {Dialogue.objects.filter(clinic__region=region).count()} uppföljningsdialoger.")
