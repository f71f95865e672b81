"""The pre-meeting letter (*förord*, Bilaga 1 of the SKR method) sent to the clinic before the visit.

A region's administrators keep one letter template (``LetterTemplate``): a subject and a body in plain text
with placeholders in braces. The body's light markup is line based, so that administrators need nothing
but a text box, and so that the text can never inject HTML (it is escaped when rendered):

    ## Heading          a heading
    - item              a bulleted list
    1. item             a numbered list
    (blank line)        a new paragraph

The default text is our own summary of the method's facts (chapters 2.2, 3.1.4, 3.1.5 and Bilaga 1).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import pdf as pdf_documents
from common.stamps import stamp
from dialogs.models.dialogue import Dialogue, LetterTemplate
from organisations.models import Region

PLACEHOLDERS = {
    "vardcentral": gettext_lazy("vårdcentralens namn"),
    "datum": gettext_lazy("dialogens datum, t.ex. ”tisdag 17 mars 2026”"),
    "tid": gettext_lazy("starttid, t.ex. ”08:30”"),
    "plats": gettext_lazy("platsen för dialogen"),
    "agenda": gettext_lazy("dagens program med klockslag (en punktlista)"),
    "team": gettext_lazy("uppföljningsteamet med part och roller (en punktlista)"),
    "deltagare": gettext_lazy("vårdcentralens deltagare med roller (en punktlista)"),
}
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}\s]{1,40})\}")

DEFAULT_SUBJECT = gettext_lazy("Välkommen till uppföljningsdialog på {vardcentral} {datum}")

DEFAULT_BODY = gettext_lazy(
    """Hej!

Vi ser fram emot att träffa er på {vardcentral} {datum} klockan {tid}. Plats: {plats}.

I det här brevet berättar vi varför vi följer upp på det här sättet, hur dagen är upplagd och vad var och en av oss förbereder.

## Varför en tillitsbaserad dialog?

Uppföljningen följer SKR:s metodstöd för tillitsbaserad uppföljningsdialog i primärvården. I stället för att granska siffror på avstånd kommer vi till er och samtalar om verksamheten som helhet: vad som fungerar väl, vad era data betyder i sitt sammanhang och vad ni själva vill utveckla. Vi kommer inte för att betygsätta er. Vi vill förstå verksamheten och lära av varandra, och dagen ska ge er stöd i ert eget förbättringsarbete.

## Sex kännetecken på god uppföljning

Metoden bygger på forskning om vad som gör uppföljning av vårdverksamheter meningsfull. En god uppföljning
1. är enkel att delta i för alla parter,
2. stärker tilliten mellan parterna,
3. leder till utveckling och lärande hos alla som deltar,
4. skapar värde för parterna och för patienterna som verksamheten finns till för,
5. tar hänsyn till att en vårdcentral är en komplex verksamhet,
6. gör det utan att ta mer resurser i anspråk än nödvändigt.

## Sju principer för tillitsbaserad styrning och ledning

Tillitsdelegationen har beskrivit sju grundprinciper. Vi vill att hela dialogen, från det här brevet till uppföljningsmötet, präglas av dem:
1. Tillitsfulla relationer: vi utgår från att vi kan lita på varandra.
2. Medborgarfokus: patienterna och värdet vården skapar för dem står i centrum.
3. Helhetssyn: vi ser till hela verksamheten och dess samspel med omgivningen.
4. Handlingsutrymme: medarbetare som får mandat och inflytande kan göra ett gott arbete.
5. Stöd: verksamheten ska få det professionella, administrativa och psykosociala stöd den behöver.
6. Kunskap: lärande och utveckling som vilar på vetenskap och beprövad erfarenhet.
7. Öppenhet: vi delar information öppet och välkomnar olika synsätt och kritik.

## 5P och Förbättringstrappan

Samtalet följer kartläggningsmodellen 5P, som beskriver en vårdcentral som ett mikrosystem ur fem perspektiv: P1 personal, P2 syfte, P3 patienter, P4 processer och P5 mönster (i samma ordning som dialogstödet). Att tillsammans beskriva verksamheten på det sättet är det första steget i Förbättringstrappan, en modell för utvecklingsarbete i flera steg. Dialogen hjälper er att ta det första steget; de följande stegen tar vårdcentralen sedan vidare i sitt eget utvecklingsarbete, och nästa uppföljningsdialog tar avstamp i det ni kommit fram till.

## Dagens program

{agenda}

## Vilka deltar?

Från uppföljningsteamet:
{team}

Från vårdcentralen:
{deltagare}

## Vad förbereder vi?

Vårdcentralen, beställarorganisationen och utvecklingsavdelningen förbereder sig på samma sätt:
- Var och en väljer två eller tre områden i dialogstödet som den helst vill samtala om.
- Var och en skaffar sig en överblick över vårdcentralens resultat i de data som finns, till exempel Medrave, Nationell patientenkät, Vården i siffror och PrimärvårdsKvalitet.

På plats har vi olika uppgifter:
- Vårdcentralen visar och berättar om sina data, gärna på en stor skärm.
- Beställarorganisationen och utvecklingsavdelningen leder samtalet som intervjuare, med bisittare vid behov, och dokumenterar det som sägs.

Varmt välkomna!"""
)


@dataclass
class LetterBlock:
    """One block of a rendered letter: a heading, a paragraph (lines), or a list (items)."""

    kind: str  # "heading", "paragraph", "bullets", "numbers"
    lines: list[str] = field(default_factory=list)


@dataclass
class RenderedLetter:
    subject: str
    blocks: list[LetterBlock]

    @property
    def plain_text(self) -> str:
        parts = []
        for block in self.blocks:
            if block.kind == "bullets":
                parts.append("\n".join(f"– {line}" for line in block.lines))
            elif block.kind == "numbers":
                parts.append("\n".join(f"{number}. {line}" for number, line in enumerate(block.lines, 1)))
            else:
                parts.append("\n".join(block.lines))
        return "\n\n".join(parts)


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces that are not placeholders, e.g. a misspelt ``{vårdcentral}``."""
    return sorted({name for name in PLACEHOLDER_PATTERN.findall(text) if name not in PLACEHOLDERS})


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders; anything else in braces stays as written."""
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


_BULLET = re.compile(r"^\s*[-–•]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^\s*#{1,3}\s+(.*)$")


def text_to_blocks(text: str) -> list[LetterBlock]:
    """Parse the body's line-based markup into blocks (see the module docstring)."""
    blocks: list[LetterBlock] = []
    current: LetterBlock | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        for kind, pattern in (("heading", _HEADING), ("bullets", _BULLET), ("numbers", _NUMBER)):
            match = pattern.match(line)
            if match:
                if kind == "heading":
                    blocks.append(LetterBlock("heading", [match.group(1).strip()]))
                    current = None
                elif current is not None and current.kind == kind:
                    current.lines.append(match.group(1).strip())
                else:
                    current = LetterBlock(kind, [match.group(1).strip()])
                    blocks.append(current)
                break
        else:
            if current is not None and current.kind == "paragraph":
                current.lines.append(line.strip())
            else:
                current = LetterBlock("paragraph", [line.strip()])
                blocks.append(current)
    return blocks


def letter_template_for_region(region: Region) -> tuple[str, str]:
    """The region's (subject, body), or the default text when the region has not written its own: in the site's
    language (Swedish), the letter's, whatever the reader's, so the editor never offers it in another."""
    template = LetterTemplate.objects.filter(region=region).first()
    if template is None:
        with translation.override(settings.LANGUAGE_CODE):
            return str(DEFAULT_SUBJECT), str(DEFAULT_BODY)
    return template.subject, template.body


def letter_template_stamp(subject: str, body: str) -> str:
    """The stamp (common.stamps) of a letter template as its editor shows it."""
    return stamp([subject.strip(), body.strip()])


class LetterTemplateChanged(ValidationError):
    """Someone saved (or reset) the region's letter after this editor was opened; ``subject`` and ``body`` are the
    letter as saved now, ``stamp`` its stamp: posting again with it saves the person's own text over it."""

    def __init__(self, subject: str, body: str):
        super().__init__(_(
            "Någon annan har sparat brevmallen medan du hade sidan öppen. Din text är inte sparad, men den finns kvar "
            "i formuläret. Jämför med den sparade texten och spara igen om din text ska gälla."
        ))
        self.subject, self.body, self.stamp = subject, body, letter_template_stamp(subject, body)


@transaction.atomic
def letter_template_save(*, region: Region, user, subject: str, body: str, base: str = "") -> LetterTemplate:
    """Save the region's letter. ``base`` is the stamp of the letter the editor was opened with: when someone has
    saved another text since, nothing is saved (LetterTemplateChanged). Empty: no check."""
    Region.objects.select_for_update().filter(pk=region.pk).first()  # one save at a time, the check included
    saved = letter_template_for_region(region)
    now = letter_template_stamp(*saved)
    if base and now not in (base, letter_template_stamp(subject, body)):
        raise LetterTemplateChanged(*saved)
    template, _created = LetterTemplate.objects.update_or_create(
        region=region, defaults={"subject": subject.strip(), "body": body.strip(), "updated_by": user}
    )
    return template


@transaction.atomic
def letter_template_reset(*, region: Region) -> None:
    """Go back to the default text."""
    LetterTemplate.objects.filter(region=region).delete()


def _list_lines(lines: list[str], empty: str) -> str:
    return "\n".join(f"- {line}" for line in lines) if lines else f"- {empty}"


def letter_values(*, dialogue: Dialogue, agenda, team_members, participants) -> dict[str, str]:
    """The placeholder values for one dialogue. ``agenda`` is the day's shifted agenda (``AgendaSlot``s)."""
    agenda_lines = []
    for slot in agenda:
        line = f"{slot.start:%H:%M}–{slot.end:%H:%M} {slot.title}"
        if getattr(slot, "added_headings", ()):
            line += " " + _("(med fördjupningen %(headings)s)") % {"headings": ", ".join(slot.added_headings)}
        if slot.participants:
            line += " " + _("(deltagare: %(participants)s)") % {"participants": slot.participants}
        agenda_lines.append(line)
    team_lines = []
    for member in team_members:
        line = f"{member.display_name}, {member.get_party_display()}"
        if member.role_labels:
            line += f" ({', '.join(member.role_labels)})"
        team_lines.append(line)
    participant_lines = [f"{participant.name}, {participant.role_label}" for participant in participants]
    return {
        "vardcentral": dialogue.clinic.name,
        "datum": date_format(dialogue.date, "l j F Y"),
        "tid": f"{dialogue.start_time:%H:%M}",
        "plats": dialogue.place,
        "agenda": _list_lines(agenda_lines, _("programmet kommer senare")),
        "team": _list_lines(team_lines, _("meddelas senare")),
        "deltagare": _list_lines(participant_lines, _("meddelas senare")),
    }


def letter_render(*, subject: str, body: str, values: dict[str, str]) -> RenderedLetter:
    return RenderedLetter(
        subject=fill_placeholders(subject, values).replace("\n", " ").strip(),
        blocks=text_to_blocks(fill_placeholders(body, values)),
    )


PDF_CACHE_SECONDS = 3600
_CSP_NONCE = re.compile(r' nonce="[^"]*"')


def html_to_pdf(*, html: str, base_url: str) -> bytes:
    """Render a printable page to a tagged PDF/UA-1 document (``common.pdf``). The same HTML makes the same PDF,
    so a PDF is kept in the cache for an hour under the digest of its HTML: downloading an unchanged letter again
    costs rendering its HTML only, and any change to what the letter says (dialogue, team, template, language)
    makes a new one."""
    html = _CSP_NONCE.sub("", html)  # a page's nonce differs per request and means nothing to WeasyPrint
    key = "html-pdf:" + hashlib.sha256(f"{base_url}\n{html}".encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = pdf_documents.html_to_pdf(html, base_url=base_url)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
