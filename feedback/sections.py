"""The headings of the written feedback, in the order of Bilaga 3 of SKR's method (section 3.2.3).

Each heading is a ``SectionDefinition``: a stable key (stored with the report's sections), the heading, the
figure drawn beside it, and speaker notes that help whoever presents the deck at the clinic.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

FIVE_P = "five_p"
FOLLOW_UP_MEETING = "follow_up_meeting"
STRENGTHS = "strengths"
IMPROVEMENTS = "improvements"
TEAM_LESSONS = "team_lessons"
ADMINISTRATION_LESSONS = "administration_lessons"
IMPROVEMENT_LINKS = "improvement_links"
DEVELOPMENT_TIPS = "development_tips"
THANKS = "thanks"


@dataclass(frozen=True)
class SectionDefinition:
    key: str
    title: str
    figure: str = ""
    notes: str = ""


SECTIONS: list[SectionDefinition] = [
    SectionDefinition(
        FIVE_P,
        _("Uppföljningsdialog utifrån 5P"),
        figure="five_p",
        notes=_("Dialogen utgick från 5P: P1 personal, P2 syfte, P3 patienter, P4 processer och P5 mönster."),
    ),
    SectionDefinition(
        FOLLOW_UP_MEETING,
        _("Upplägg vid uppföljande videomöte"),
        notes=_("Stäm av datum, deltagare och vad vårdcentralen vill fokusera på vid videomötet."),
    ),
    SectionDefinition(STRENGTHS, _("Ett urval av styrkorna i verksamheten")),
    SectionDefinition(
        IMPROVEMENTS,
        _("Förbättringsområden och frågor att fundera vidare över i verksamheten"),
        notes=_("Frågorna är till för vårdcentralens eget fortsatta arbete, inte krav från uppföljningsteamet."),
    ),
    SectionDefinition(TEAM_LESSONS, _("Lärdomar för uppföljningsteamet")),
    SectionDefinition(ADMINISTRATION_LESSONS, _("Lärdomar och medskick till Hälso- och sjukvårdsförvaltningen")),
    SectionDefinition(IMPROVEMENT_LINKS, _("Tips på länkar till exempel på förbättringsarbeten")),
    SectionDefinition(DEVELOPMENT_TIPS, _("Fler tips vid arbete med verksamhetsutveckling")),
    SectionDefinition(
        THANKS,
        _("Tack för er medverkan och kontaktuppgifter"),
        figure="staircase",
        notes=_("Uppföljningsdialogen är första steget i Förbättringstrappan; de följande tar vårdcentralen."),
    ),
]
# "Tips på länkar" starts with the links SKR's method gives: its Bilaga 3 (the template of this feedback) and
# the reading it recommends for improvement work and interpreting data (chapters 3 and 4.2). Labels are ours.
IMPROVEMENT_LINK_TIPS: list[tuple[str, str]] = [
    (
        _("SKR: mall för dokumentation och återkoppling (Bilaga 3 till metodstödet)"),
        "https://webbutik.skr.se/internt/artiklar/7585-856-2/Bilaga-3-Mall-for-dokumentation-och-aterkoppling-av-UppfoljningsDialog.pptx?issuusl=ignore",
    ),
    (
        _("SKR: planera, följa upp och åtgärda"),
        "https://skr.se/skr/demokratiledningstyrning/stodforattstyraochleda/planerafoljauppochatgarda.24377.html",
    ),
    (_("Innovationsrådet: Mätningar för bättre styrning"), "https://www.innovationsradet.se/vad-vi-gor/rapporter/"),
    (
        _("Nationella Kvalitetsregister: Valideringshandboken"),
        "https://kvalitetsregister.se/drivaregister/valideringshandbok.1911.html",
    ),
    (
        _("RKA: Analysera med nyckeltal"),
        "https://rka.nu/radetforframjandeavkommunalaanalyser/analys/arbetamedanalys/analyseramednyckeltal.44673.html",
    ),
    (
        _("SKR: Statistiska fallgropar"),
        "https://skr.se/skr/halsasjukvard/folkhalsa/styraochledafolkhalsa/folkhalsostatistik/undvikfallgropar.36222.html",
    ),
]
SECTION_KEYS = [definition.key for definition in SECTIONS]
SECTIONS_BY_KEY = {definition.key: definition for definition in SECTIONS}
# Indicator charts belong with what the clinic may want to work on.
CHARTS_AFTER = IMPROVEMENTS
