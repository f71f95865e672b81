"""The two figures of the deck, as data both renderers draw: the 5P model and Förbättringstrappan.

5P (Nelson, Batalden & Godfrey, *Quality by Design*, 2007; SKR 2021, "Teoretisk bakgrund"): five domains that
describe a clinical microsystem such as a vårdcentral. Förbättringstrappan is the improvement ramp of the
same authors; the follow-up dialogue is its first step and the clinic takes the following ones (SKR 2021,
3.1.5 and Figur 5). SKR's text names the ramp but not its steps, so the steps below follow the authors'
Clinical Microsystem improvement ramp in the Swedish wording used by Qulturum's *Förbättringstrappan*.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FivePDomain:
    code: str
    name: str
    question: str


FIVE_P_CENTRE = "5P"
# Numbered as in the dialogue guide (Bilaga 2), which the day follows: P1 Personal, P2 Syfte, P3 Patienter. The
# method's Bilaga 1 numbers them P1 Syfte, P2 Patienter, P3 Personal; the app uses Bilaga 2's order everywhere
# (docs/5p.md).
FIVE_P = [
    FivePDomain("P1", _("Personal"), _("Vilka arbetar här?")),
    FivePDomain("P2", _("Syfte"), _("Varför finns vår verksamhet?")),
    FivePDomain("P3", _("Patienter"), _("Vilka är våra patienter?")),
    FivePDomain("P4", _("Processer"), _("Vilka är våra huvudprocesser?")),
    FivePDomain("P5", _("Mönster"), _("Lärdomar om vårt mikrosystem")),
]

STAIRCASE_TITLE = _("Förbättringstrappan")
STAIRCASE_STEPS = [
    _("Kartlägg mikrosystemet med 5P"),
    _("Välj tema för förbättring"),
    _("Formulera ett övergripande syfte"),
    _("Kartlägg processen"),
    _("Sätt ett specifikt mål och mått"),
    _("Analysera orsak och verkan"),
    _("Ta fram förändringsidéer"),
    _("Testa med PGSA-hjul"),
    _("Standardisera och följ upp"),
]
# The first step is what the follow-up dialogue supports; the clinic climbs the rest itself.
STAIRCASE_DIALOGUE_STEPS = 1


def staircase() -> list[dict]:
    """The steps as the page and the PDF draw them: numbered, the dialogue's own step(s) marked."""
    return [
        {"number": index + 1, "label": label, "dialogue": index < STAIRCASE_DIALOGUE_STEPS}
        for index, label in enumerate(STAIRCASE_STEPS)
    ]


STAIRCASE_CAPTION = _("Uppföljningsdialogen är första steget; vårdcentralen tar de följande.")
FIGURE_ATTRIBUTION = _("Efter Nelson, Batalden & Godfrey, Quality by Design (2007).")
