"""Content checks for fixtures/guide_skr_2021.json, the SKR 2021 dialogue guide.

The expected values below are typed by hand from the SKR report "Tillitsbaserad
uppföljningsdialog" (2021): Bilaga 2 (Dialogstöd), Bilaga 4 (Fördjupningsfrågor och
datakällor) and Bilaga 5 (Fördjupningsdel kring levnadsvanor). They are deliberately
not derived from the JSON, so a slip in either place shows up as a failure.

Plain pytest: no Django, no database.
"""

import json
import re
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "guide_skr_2021.json"


@pytest.fixture(scope="module")
def raw_text():
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def guide(raw_text):
    return json.loads(raw_text)


def _section(guide, key):
    matches = [s for s in guide["sections"] if s["key"] == key]
    assert len(matches) == 1, key
    return matches[0]


def _questions(section):
    """All questions of a section: its own first, then each sub-section's in order."""
    questions = list(section["questions"])
    for subsection in section["subsections"]:
        questions.extend(subsection["questions"])
    return questions


def _all_questions(guide):
    for section in guide["sections"]:
        yield from _questions(section)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


EXPECTED_SECTIONS = [
    # key, code, title, kind, optional
    ("p1", "P1", "Personal (Persons)", "five_p", False),
    ("p2", "P2", "Verksamhetens syfte – vision och motivation (Purpose)", "five_p", False),
    ("p3", "P3", "Patienter", "five_p", False),
    ("p4", "P4", "Processer - utveckling, kvalitet och rutiner (Processes)", "five_p", False),
    ("p5", "P5", "Mönster i verksamhetens utveckling (Patterns)", "five_p", False),
    ("sammanfattning", "", "Sammanfattning", "summary", False),
    ("aterkoppling", "", "Återkoppling till uppföljningsteamet", "feedback", False),
    ("levnadsvanor", "", "Fördjupningsdel Levnadsvanor", "module", True),
]

EXPECTED_SUBSECTIONS = {
    "p4": [
        ("p4-organisation", "Organisation och ledning"),
        ("p4-patientsakerhet", "Patientsäkerhet"),
        ("p4-utveckling", "Utveckling"),
        ("p4-data", "Titta på data gemensamt"),
        ("p4-konkret-exempel", "Konkret exempel"),
        ("p4-kontinuitet", "Kontinuitet"),
        ("p4-prevention", "Prevention och levnadsvanor"),
        ("p4-samverkan", "Samverkan"),
    ],
    "p5": [
        ("p5-besoksmonster", "Besöksmönster"),
        ("p5-prioriteringar", "Arbete och system för prioriteringar i verksamheten"),
        ("p5-tillganglighet", "Tillgänglighet"),
    ],
}

# Question texts of sections without sub-sections, in Bilaga 2 (and Bilaga 5) order.
EXPECTED_SECTION_QUESTIONS = {
    "p1": [
        "Vilka arbetar här?",
        "Hur är arbetsmiljön?",
        "Hur mår medarbetarna? Utveckling av sjukskrivningstal? Könsskillnader?",
        "Hur upplever medarbetare verksamheten? Reflektioner kring medarbetarenkät?",
        "Hur ser upplägget ut för fortbildning? (Både professionsspecifikt och interprofessionellt)",
        "Hur ser utbildningsinsatser för studenter ut för olika yrken?",
        "Finns det några interprofessionella utbildningsmoment för studenter som praktiserar i verksamheten?",
        "Pågår någon forskning på vårdcentralen?",
        "Interagerar ni med någon annan vårdcentral?",
        "Framtida utmaningar kring utbildning? Fortbildning? Bemanning? Arbetsmiljö?",
    ],
    "p2": [
        "Hur ser verksamhetens egen verksamhetsidé och vision ut?",
        "Hur arbetar verksamheten med att motivera? Hur skapas förändringskraft?",
    ],
    "p3": [
        "Hur ser patientgruppen ut? T. ex. ålder, kön, socioekonomiska faktorer, CNI, ACG?",
        "Titta på data i Nationell patientenkät – hur utvecklas resultaten?",
        "Planeras några åtgärder utifrån resultaten i Nationell patientenkät?",
        "Följer ni några patientrapporterade mått avseende medicinska resultat (PROM) och/eller upplevelse av verksamheten (PREM)?",
        "Hur arbetar vårdcentralen med personcentrering?",
        "Hur identifieras olika behov hos patienterna? T.ex. med segmenteringsmodell",
    ],
    "p4": [],
    "p5": [],
    "sammanfattning": [
        "Vad gör ni bra?",
        "Vad ska ni jobba vidare med?",
        "Föreligger någon indikation för fördjupad uppföljning?",
    ],
    "aterkoppling": [
        "Vad var bra?",
        "Vad behöver bli bättre?",
        "Vad skapar värde för den egna verksamheten?",
        "Inbokning av uppföljningsmöte? Önskemål om något fokusområde då?",
    ],
    "levnadsvanor": [
        "I vilken utsträckning förekommer ohälsosamma levnadsvanor i befolkningen nära VC? Hos den listade befolkningen?",
        "Hur ser strukturen ut för ert arbete med levnadsvanor (prevention och rådgivning vid ohälsosamma levnadsvanor)? Roller och ansvarsområden? Identifiering av patienter?",
        "Finns det en utsedd person på vårdcentralen t.ex. hälsokoordinator, som har ett tydligt uppdrag med mandat?",
        "Hur prioriteras arbetet med ohälsosamma levnadsvanor i er verksamhet? Styrkor och förbättringsområden?",
        "Hur skulle ni vilja att arbetet med levnadsvanor ska bedrivas?",
        "Vilka möjligheter och hinder finns för att stärka och förbättra arbetet med levnadsvanor?",
        "Hur arbetar ni för att öka kännedom om evidens och nationella riktlinjer för levnadsvanor hos medarbetare? Hos patienter? Används kunskapsstöd?",
        "Hur säkerställs medarbetarnas vidare- och fortbildning kring levnadsvanor?",
        "Vilka resultat följer ni kring arbetet med levnadsvanor? Hur ser resultaten ut? Hur återkopplas resultaten till medarbetarna? Förekommer forum för dialog kring resultaten?",
        "Vilka är era huvudsakliga förbättringsområden i arbetet med levnadsvanor?",
        "Sammanfattning och inbokning av nästa uppföljning",
    ],
}

EXPECTED_SUBSECTION_QUESTIONS = {
    "p4-organisation": [
        "Hur är verksamhetens arbete organiserat?",
        "Hur arbetar ni med e-hälsa?",
        "Finns det ett ledningssystem och hur fungerar det?",
        "Hur ser ledningsstrukturen ut kortfattat?",
        "Tillhörighet till större koncern? Planeras ändringar?",
        "Finns det en upplevelse av att verksamheten har mandat att utveckla VC?",
        "Hur utvecklas ekonomin för verksamheten? Finns det rimliga förutsättningar att klara av att driva en bra verksamhet? Upplevelse av att kunna påverka ekonomin?",
        "Finns det särskilda utmaningar avseende mål och resurser?",
        "Är det något med era lokaler som behöver förbättras för patienterna? För personalen?",
        "Hur bedrivs miljöarbete? Potentiella vidareutvecklingsområden?",
        "Utförs någon del av uppdraget av underleverantörer? Hur följs dess kvalitet upp?",
    ],
    "p4-patientsakerhet": [
        "Hur bedrivs arbete med patientsäkerhet?",
        "Finns några utmaningar vad gäller patientsäkerhet?",
        "Hur utvecklas patientsäkerhetsmåtten i PrimärvårdsKvalitet?",
        "Hur fungerar avvikelserapportering?",
        "Tankar kring utveckling av antalet ärenden till patientnämnden? Lex Maria?",
        "Har patientsäkerhetskulturmätning genomförts? Reflektioner kring resultatet?",
        "Reflektioner kring senaste patientsäkerhetsberättelsen?",
        "Hur fungerar processen kring införande av Personcentrerat och sammanhållet vårdförlopp?",
    ],
    "p4-utveckling": [
        "Hur bevakas och omsätts ny kunskap och evidens i arbetssätten? (T.ex. riktlinjer och vårdprogram)",
        "Hur sker lärande om verksamheten och arbetssätt?",
        "Hur arbetar verksamheten med förbättringsarbete?",
        "Hur är förbättringskunskapen hos medarbetarna?",
        "Vilka förbättringsarbeten har genomförts och är pågående?",
        "Vilka förbättringsarbeten planeras? Identifierade förbättringsområden?",
        "Hur involveras patienter i förbättringsarbetet?",
        "Finns det exempel på användning av PrimärvårdsKvalitet i kvalitetsarbetet?",
    ],
    "p4-data": [
        "Vilka datakällor används för att följa verksamheten?",
        "Hur är olika diagnosgrupper fördelade?",
        "Vilka diagnosgrupper står för flest besök?",
        "Hur ser utvecklingen av resultat ut för era olika patientgrupper? Förekommer könsskillnader inom gruppen?",
        "Identifieras några skillnader i jämförelse med andra enheter?",
        "Vilka förbättringsområden kan identifieras?",
        "Utmaningar och behov av stöd i det fortsatta kvalitetsarbetet?",
    ],
    "p4-konkret-exempel": [
        "Konkret exempel",
    ],
    "p4-kontinuitet": [
        "Hur ser kontinuiteten ut på mottagningen?",
        "Hur stor andel av patienterna har fast läkare?",
        "Hur ser rutiner ut för att erbjuda och registrera fast vårdkontakt/fast läkarkontakt?",
        "Hur många listade patienter har respektive läkare?",
        "Utmaningar i att erbjuda/upprätthålla kontinuitet?",
    ],
    "p4-prevention": [
        "Finns det en struktur för hur hälsosamtal erbjuds?",
        "Lokal organisation av livsstilsmottagningen/preventionsarbetet? Ansvarig ssk? Läkare? Rutiner?",
        "Förbättringspotential i PrimärvårdsKvalitet gällande levnadsvanor?",
        "Används patientrapporterad data/mått avseende levnadsvanor?",
        "Utmaningar i arbetet med förebyggande verksamhet?",
        "Hur arbetar mottagningen med våld i nära relationer?",
    ],
    "p4-samverkan": [
        "Hur sker samverkan med andra aktörer och vårdgivare? T.ex. SIP, trygg och säker utskrivning vid sjukhusinläggning, kommunen",
        "Hur arbetar ni med individer med komplexa vårdbehov?",
        "Hur fungerar arbetet med sjukskrivning? Tillgång till rehabkoordinator?",
        "Sker någon samverkan med civilsamhället, t.ex. PRO, kyrkan, Röda korset?",
        "Hur fungerar hanteringen av inkommande remisser? Utrymme för effektivisering?",
    ],
    "p5-besoksmonster": [
        "Hur ser fördelningen mellan olika sorters besök ut?",
        "Hur ser ”äkta täckningsgrad” ut? (andel av listade patienter som besökt enheten senaste året)",
        "Hur många patienter är ”mångsökare” (mer än 10 läkar- eller ssk-besök/år)?",
        "Hur har antalet besök utvecklats i jämförelse med föregående år?",
        "Hur utvecklas listningsstatistiken för pålistning och avlistning/omsättning?",
    ],
    "p5-prioriteringar": [
        "Reflektioner kring arbete med den etiska plattformen i praktiken? (människovärdesprincipen, behovs- och solidaritetsprincipen, kostnadseffektivitetsprincipen)",
        "Hur identifierar och hanterar enheten bortträngningseffekter?",
        "Hur synliggörs vårdbehov hos patienter med nedsatt autonomi?",
        "Hur är hemsjukvård och vård för patienter på sjukhem organiserad?",
        "Görs planerade hembesök/återbesök av läkare med strukturerad läkemedelsuppföljning minst 1 gång per år",
        "Hur fungerar rutiner för tolksamtal?",
        "Ger befolkning- och diagnosstatistiken anledning att omprioritera i verksamheten och dess utformning?",
    ],
    "p5-tillganglighet": [
        "Öppettider/Mottagningstider/Telefontider?",
        "Tillgänglighet för akut, subakut och kroniskt sjukdom?",
        "Tillämpas någon form av kallelsesystem för patienter med kronisk sjukdom?",
        "Telefontillgänglighet?",
        "Vilka utmaningar finns vad gäller tillgänglighet?",
    ],
}

# Questions printed with "Ja☐ Nej ☐" in Bilaga 2.
EXPECTED_YES_NO = [
    "Finns det några interprofessionella utbildningsmoment för studenter som praktiserar i verksamheten?",
    "Pågår någon forskning på vårdcentralen?",
    "Interagerar ni med någon annan vårdcentral?",
    "Följer ni några patientrapporterade mått avseende medicinska resultat (PROM) och/eller upplevelse av verksamheten (PREM)?",
    "Finns det särskilda utmaningar avseende mål och resurser?",
    "Utförs någon del av uppdraget av underleverantörer? Hur följs dess kvalitet upp?",
    "Finns några utmaningar vad gäller patientsäkerhet?",
    "Hur arbetar verksamheten med förbättringsarbete?",
    "Finns det exempel på användning av PrimärvårdsKvalitet i kvalitetsarbetet?",
]

EXPECTED_CHOICES = {
    "Är det något med era lokaler som behöver förbättras för patienterna? För personalen?": [
        "För patienterna",
        "För personalen",
    ],
}

EXPECTED_KONKRET_EXEMPEL_PROMPTS = [
    "Välj ett område att titta närmare på (t.ex. stroke)",
    "Vad tänker ni om det?",
    "Vad skulle ni kunna ändra för att skapa en förändring?",
    "Finns det något ni kan göra redan imorgon?",
    "Vilka vinster finns det med att åstadkomma förändringen? (Ökad livskvalitet för patienten, arbetsglädje, bättre ekonomi och resurshållning, ökad kunskap)",
]

# Bilaga 4 follow-up questions counted per section (sub-sections included).
EXPECTED_FOLLOWUP_COUNTS = {
    "p1": 14,
    "p2": 2,
    "p3": 1,
    "p4": 42,
    "p5": 8,
    "sammanfattning": 0,
    "aterkoppling": 0,
    "levnadsvanor": 0,
}

EXPECTED_SUBSECTION_FOLLOWUP_COUNTS = {
    "p4-organisation": 14,
    "p4-patientsakerhet": 4,
    "p4-utveckling": 10,
    "p4-data": 2,
    "p4-konkret-exempel": 0,
    "p4-kontinuitet": 5,
    "p4-prevention": 4,
    "p4-samverkan": 3,
    "p5-besoksmonster": 1,
    "p5-prioriteringar": 2,
    "p5-tillganglighet": 5,
}

# Bilaga 4 data-source suggestions counted per section.
EXPECTED_DATA_SOURCE_COUNTS = {
    "p1": 1,
    "p2": 0,
    "p3": 3,
    "p4": 9,
    "p5": 6,
    "sammanfattning": 0,
    "aterkoppling": 0,
    "levnadsvanor": 0,
}

# Every link Bilaga 4 prints, joined where the PDF broke it across lines.
EXPECTED_URLS = {
    "http://www.kolada.se/",
    "https://vardenisiffror.se/report/view?id=5a81aa6cd4475b35b0d75c0b",
    "http://www.patientenkat.se/",
    "http://www.skl.se/halsasjukvard/patientsakerhet/riskomradenatgardspaket",
    "https://qrcstockholm.se/patientsamverkan/verktygslada",
    "https://skl.se/download/18.1b0475971699a2c79582fca0/1553248340379/Beteenden+och+behov+hos+personer+i+kontakt+med+v%C3%A5rden.pdf",
    "https://liu.se/artikel/den-etiska-plattformen-for-prioriteringar",
}

EXPECTED_AGENDA = [
    # start, end, title, sections
    ("08:30", "09:30", "Presentationsrunda, Inledning, Genomgång av P1 – P3", ["p1", "p2", "p3"]),
    ("09:30", "09:45", "Kaffepaus", []),
    ("09:45", "10:45", "Genomgång av P4", ["p4"]),
    ("10:45", "11:00", "Rundvandring på VC", []),
    ("11:00", "12:00", "Genomgång av P5", ["p5"]),
    ("12:00", "13:00", "Lunch", []),
    ("13:00", "14:00", "Samtal med medarbetare från olika professioner", []),
    ("14:00", "14:30", "Sammanfattning och återkoppling", ["sammanfattning", "aterkoppling"]),
]

QUESTION_KEYS = ["key", "text", "kind", "choices", "prompts", "help", "followups", "data_sources"]


def test_header(guide):
    assert list(guide) == ["format", "format_version", "guide", "version", "agenda", "sections"]
    assert guide["format"] == "primarvardsuppfoljning/guide"
    assert guide["format_version"] == 1
    assert list(guide["guide"]) == ["name", "attribution", "source_title", "source_year", "source_url"]
    assert guide["guide"]["name"] == "PrimärvårdsUppföljning – dialogstöd"
    assert guide["guide"]["source_year"] == 2021
    assert "Sveriges Kommuner och Regioner (SKR)" in guide["guide"]["attribution"]
    assert guide["guide"]["source_title"] in guide["guide"]["attribution"]
    assert list(guide["version"]) == ["label", "notes"]
    assert guide["version"]["label"] == "SKR 2021"


def test_file_is_formatted_as_agreed(guide, raw_text):
    # 2-space indentation, real UTF-8 characters (ensure_ascii=False), key order kept.
    assert raw_text == json.dumps(guide, ensure_ascii=False, indent=2) + "\n"


def test_sections_in_order(guide):
    actual = [
        (s["key"], s["code"], s["title"], s["kind"], s["optional"]) for s in guide["sections"]
    ]
    assert actual == EXPECTED_SECTIONS


def test_section_and_question_shapes(guide):
    for section in guide["sections"]:
        assert list(section) == [
            "key", "code", "title", "kind", "optional", "intro", "questions", "subsections"
        ]
        for subsection in section["subsections"]:
            assert list(subsection) == ["key", "title", "intro", "questions"]
        for question in _questions(section):
            # "team_only" is written only where it is set: the indication question (team-only answers, issue 13).
            assert list(question) == QUESTION_KEYS + (["team_only"] if question["key"] == "sammanfattning-q03" else [])
            assert question.get("team_only", True) is True
            assert question["kind"] in {"text", "yes_no", "choices", "sequence"}
            for source in question["data_sources"]:
                assert list(source) == ["label", "url"]
                assert source["label"].strip()


def test_subsections_in_order(guide):
    for section in guide["sections"]:
        expected = EXPECTED_SUBSECTIONS.get(section["key"], [])
        assert [(s["key"], s["title"]) for s in section["subsections"]] == expected


@pytest.mark.parametrize("section_key", list(EXPECTED_SECTION_QUESTIONS))
def test_section_questions(guide, section_key):
    section = _section(guide, section_key)
    assert [q["text"] for q in section["questions"]] == EXPECTED_SECTION_QUESTIONS[section_key]


@pytest.mark.parametrize("subsection_key", list(EXPECTED_SUBSECTION_QUESTIONS))
def test_subsection_questions(guide, subsection_key):
    subsections = [
        sub for section in guide["sections"] for sub in section["subsections"]
        if sub["key"] == subsection_key
    ]
    assert len(subsections) == 1
    assert [q["text"] for q in subsections[0]["questions"]] == (
        EXPECTED_SUBSECTION_QUESTIONS[subsection_key]
    )


def test_answer_kinds(guide):
    questions = list(_all_questions(guide))
    yes_no = [q["text"] for q in questions if q["kind"] == "yes_no"]
    assert yes_no == EXPECTED_YES_NO
    choices = {q["text"]: q["choices"] for q in questions if q["kind"] == "choices"}
    assert choices == EXPECTED_CHOICES
    for question in questions:
        if question["kind"] != "choices":
            assert question["choices"] == []
        if question["kind"] != "sequence":
            assert question["prompts"] == []


def test_konkret_exempel_is_a_five_step_sequence(guide):
    sequences = [q for q in _all_questions(guide) if q["kind"] == "sequence"]
    assert len(sequences) == 1
    sequence = sequences[0]
    assert sequence["key"].startswith("p4-konkret-exempel")
    assert sequence["text"]
    assert len(sequence["prompts"]) == 5
    assert sequence["prompts"] == EXPECTED_KONKRET_EXEMPEL_PROMPTS


def test_followup_counts(guide):
    actual = {
        s["key"]: sum(len(q["followups"]) for q in _questions(s)) for s in guide["sections"]
    }
    assert actual == EXPECTED_FOLLOWUP_COUNTS
    actual_sub = {
        sub["key"]: sum(len(q["followups"]) for q in sub["questions"])
        for s in guide["sections"] for sub in s["subsections"]
    }
    assert actual_sub == EXPECTED_SUBSECTION_FOLLOWUP_COUNTS


def test_selected_followups_are_attached_where_bilaga_4_puts_them(guide):
    by_text = {q["text"]: q for q in _all_questions(guide)}
    assert "Hur fungerar processen kring Standardiserat VårdFörlopp (SVF)?" in by_text[
        "Hur fungerar processen kring införande av Personcentrerat och sammanhållet vårdförlopp?"
    ]["followups"]
    assert "Antal disputerade medarbetare?" in by_text[
        "Pågår någon forskning på vårdcentralen?"
    ]["followups"]
    assert by_text["Telefontillgänglighet?"]["followups"] == [
        "Antal samtal?",
        "Svarstider?",
        "Vilka frågor kommer in?",
        "Skulle de kunna hanteras på annat sätt?",
    ]


def test_data_sources(guide):
    actual = {
        s["key"]: sum(len(q["data_sources"]) for q in _questions(s)) for s in guide["sections"]
    }
    assert actual == EXPECTED_DATA_SOURCE_COUNTS
    urls = set()
    for question in _all_questions(guide):
        for source in question["data_sources"]:
            assert source["url"] == "" or source["url"].startswith("http"), source
            assert not re.search(r"\s", source["url"]), source
            if source["url"]:
                urls.add(source["url"])
    assert urls == EXPECTED_URLS


def test_help_carries_prom_prem_definitions(guide):
    helps = {q["key"]: q["help"] for q in _all_questions(guide) if q["help"]}
    assert list(helps.values()) == [
        "PROM = Patient Reported Outcome Measures\nPREM = Patient Reported Experience Measures"
    ]


def test_agenda(guide):
    section_keys = {s["key"] for s in guide["sections"]}
    for block in guide["agenda"]:
        assert list(block) == ["key", "start", "end", "title", "participants", "sections"]
        assert re.fullmatch(r"\d\d:\d\d", block["start"])
        assert re.fullmatch(r"\d\d:\d\d", block["end"])
        assert block["start"] < block["end"]
        assert set(block["sections"]) <= section_keys
    actual = [(b["start"], b["end"], b["title"], b["sections"]) for b in guide["agenda"]]
    assert actual == EXPECTED_AGENDA
    assert guide["agenda"][0]["participants"] == "Verksamhetschef, MAL, medarbetarrepresentant etc."


def test_every_five_p_section_is_walked_in_the_agenda(guide):
    walked = [key for block in guide["agenda"] for key in block["sections"]]
    assert walked == ["p1", "p2", "p3", "p4", "p5", "sammanfattning", "aterkoppling"]


def test_keys_are_unique_ascii_slugs(guide):
    keys = [block["key"] for block in guide["agenda"]]
    for section in guide["sections"]:
        keys.append(section["key"])
        for subsection in section["subsections"]:
            keys.append(subsection["key"])
        keys.extend(q["key"] for q in _questions(section))
    assert len(keys) == len(set(keys))
    for key in keys:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), key


def test_no_form_placeholders_or_extraction_artefacts(guide):
    for text in _strings(guide):
        assert "Klicka eller tryck" not in text, text
        assert "☐" not in text, text
        assert "-\n" not in text, text
        assert "\u00ad" not in text, text  # soft hyphen
        assert text == text.strip(), text
        assert "  " not in text, text
        # A word broken by the PDF would read "med- arbetare"; only "X- och"/"X- eller" are real.
        assert not re.search(r"[a-zåäö]- (?!och |eller )", text), text
        assert "Bilaga-2-Metodstod" not in text or text == guide["guide"]["source_url"], text
