"""Demo data for issue 14: a year of held dialogues in Region Demo and Region Exempel, each with medskick, the team's
lessons and the evaluations of those who took part, with a visible trend – the dialogues are rated better quarter
by quarter, and medskick about the förfrågningsunderlag and the administration's availability become rarer while
those about the relevance of information grow. Region Prov (two clinics, one uppföljare) is added so the national
view has the three regions it needs to show anything, and demo-nationell is its nationell läsare.

Runs after every other app's demo (INSTALLED_APPS order), through the services; a region that already has
evaluations is left alone, so running it twice adds nothing. Deterministic (a seeded random generator)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from dialogs.demo_dialogues import workday
from dialogs.models import GuideVersion
from dialogs.models.dialogue import ClinicParticipant, Dialogue
from dialogs.models.evaluations import CRITERIA_KEYS, Evaluation, RespondentGroup
from dialogs.models.guide import Guide
from dialogs.services import dialogue as dialogue_services
from dialogs.services import evaluations as evaluation_services
from dialogs.services import learning as learning_services
from dialogs.services.guide import guide_adopt, guide_load_shipped
from organisations.demo import DEMO_PASSWORD
from organisations.models import Clinic, Membership, Party, Regiform, Region, Role
from organisations.services import national_reader_grant

PROV_CLINICS = [("Provdalens vårdcentral", "P001", 8100), ("Hälsocentralen Provby", "P002", 5200)]
# Per region: the team's usernames and how many dialogues a month over the past year.
REGIONS = {"Region Demo": (["demo-bestallare", "demo-utveckling"], 1), "Region Exempel": (["demo-exempel"], 1),
           "Region Prov": (["demo-prov"], 1)}
MEDSKICK = {
    "forfragningsunderlag": [
        "Förfrågningsunderlaget säger inget om hur hembesök till multisjuka äldre ersätts.",
        "Kraven på läkemedelsgenomgångar i förfrågningsunderlaget går inte att följa upp med de data vi får.",
        "Förfrågningsunderlaget och avtalet använder olika definitioner av listade patienter.",
    ],
    "tillganglighet": [
        "Svårt att nå en handläggare på förvaltningen när frågor om avtalet uppstår.",
        "Svar på frågor till förvaltningen dröjer ofta mer än en månad.",
    ],
    "information": [
        "Uppföljningsrapporterna kommer för sent för att kunna användas i verksamhetsplaneringen.",
        "Indikatorerna för psykisk ohälsa saknar uppdelning per åldersgrupp.",
        "Informationen om regionens satsning på nära vård har inte nått medarbetarna.",
    ],
    "uppdrag": [
        "Uppdraget om fast vårdkontakt behöver preciseras för patienter med flera kroniska sjukdomar.",
        "Vårdcentralen gör mycket arbete för kommunens korttidsboende som inte ingår i uppdraget.",
    ],
    "villkor": [
        "Ersättningen för tolk täcker inte kostnaden för längre besök.",
        "Kraven på öppettider är svåra att uppfylla för en liten vårdcentral.",
    ],
    "ovrigt": [
        "Önskemål om gemensam utbildning i förbättringsarbete för flera vårdcentraler.",
        "Vill gärna ha nästa dialog på eftermiddagen, då fler medarbetare kan vara med.",
    ],
}
LESSONS = [
    "Skicka programmet tre veckor före dialogen, inte två.",
    "Låt vårdcentralen visa sina egna data först; det gav ett bättre samtal.",
    "Planera in tid för rundvandringen före lunch.",
    "Var två som dokumenterar när dialogen har många deltagare.",
    "Fråga tidigt om vårdcentralen vill lyfta medskick till förvaltningen.",
]
WENT_WELL = ["Samtalet utgick från våra egna data.", "Vi fick tid att förklara sammanhanget.", "Bra att alla tre parter var med."]
IMPROVE = ["Mer tid för medarbetarsamtalet.", "Programmet kom sent.", "Färre indikatorer på storbildsskärmen."]
# Region Demo's clinics that get the year of dialogues: planned (Hamnstaden, Linnéan) or just followed up (Åsen), so
# the programme's story of overdue and due clinics stays as dialogs/demo_dialogues.py tells it.
DEMO_CLINICS = ("D002", "D003", "D005")
PARTICIPANT_ROLES = ["verksamhetschef", "medicinskt_ansvarig_lakare", "enhetschef", "medarbetarrepresentant",
                     "medarbetarrepresentant"]


def seed(*, stdout=None) -> list[tuple[str, str]]:
    logins = _region_prov()
    national, _created = get_user_model().objects.get_or_create(
        username="demo-nationell", defaults={"first_name": "Nora", "last_name": "Nationell", "email": "demo-nationell@example.org"}
    )
    national.set_password(DEMO_PASSWORD)
    national.save(update_fields=["password"])
    national_reader_grant(user=national, organisation="SKR (demo)")
    logins.append(("demo-nationell", "Nationell läsare – alla regioner, bara sammanräknat"))
    rng = random.Random(14)
    for name, (team, per_month) in REGIONS.items():
        region = Region.objects.get(name=name)
        if Evaluation.objects.filter(dialogue__clinic__region=region).exists():
            continue
        made = _year_of_dialogues(region, team, per_month, rng)
        if stdout is not None and made:
            stdout.write(f"{name}: {made} dialoger med medskick, lärdomar och utvärderingar det senaste året.")
    return logins


def _region_prov() -> list[tuple[str, str]]:
    region, _created = Region.objects.get_or_create(name="Region Prov", defaults={"code": "97", "kolada_id": "0097"})
    for name, suffix, listed in PROV_CLINICS:
        Clinic.objects.update_or_create(
            hsa_id=f"SE2321000000-{suffix}",
            defaults={"region": region, "name": name, "regiform": Regiform.OFFENTLIG, "listed_patients": listed,
                      "cni": Decimal("1.00"), "acg": Decimal("1.00"), "city": "Provby"},
        )
    user, _created = get_user_model().objects.get_or_create(
        username="demo-prov", defaults={"first_name": "Per", "last_name": "Provsson", "email": "demo-prov@example.org"}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    Membership.objects.update_or_create(user=user, region=region, role=Role.UPPFOLJARE, defaults={"party": Party.BESTALLARE})
    if not Guide.objects.filter(region=region).exists():
        guide_adopt(region=region, source=guide_load_shipped()[0], user=None)
    return [("demo-prov", "Uppföljare, Beställarorganisation – Region Prov")]


def _recent_team(region: Region) -> list:
    """The team of the past six months: two people without a sign-in of their own, so the demo's logins are not
    given the to-dos of a dozen held dialogues, and the report has two teams to compare."""
    users = []
    for first, last in (("Klara", "Kvalitet"), ("Sami", "Samverkan")):
        username = f"team-{region.code}-{first.lower()}"  # not a demo login (no "demo-" in the name)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.update_or_create(user=user, region=region, role=Role.UPPFOLJARE, defaults={"party": Party.UTVECKLING})
        users.append(user)
    return users


def _year_of_dialogues(region: Region, team_names: list[str], per_month: int, rng: random.Random) -> int:
    version = GuideVersion.objects.for_new_dialogues(region).order_by("-published_at").first()
    if version is None:
        guide_adopt(region=region, source=guide_load_shipped()[0], user=None)
        version = GuideVersion.objects.for_new_dialogues(region).order_by("-published_at").first()
    teams = [list(get_user_model().objects.filter(username__in=team_names).order_by("username")), _recent_team(region)]
    clinics = list(Clinic.objects.filter(region=region).order_by("hsa_id"))
    if region.name == "Region Demo":  # clinics whose own demo story (dialogs/demo_dialogues.py) a year of dialogues keeps
        clinics = [clinic for clinic in clinics if clinic.hsa_id[-4:] in DEMO_CLINICS]
    taken = set(Dialogue.objects.filter(clinic__region=region).values_list("clinic_id", "date"))
    made = 0
    for month in range(12):
        progress = month / 11  # 0 a year ago, 1 last month
        users = teams[0] if month < 6 else teams[1]
        for slot in range(per_month):
            clinic = clinics[(month * per_month + slot) % len(clinics)]
            day = workday(-(365 - 30 * month - 9 * slot))
            if (clinic.pk, day) in taken:
                continue
            taken.add((clinic.pk, day))
            dialogue = dialogue_services.dialogue_plan(
                region=region, clinic=clinic, guide_version=version, date=day, start_time=datetime.time(8, 30),
                place="", include_lifestyle_module=False, show_followups=True,
                team=[dialogue_services.TeamSelection(user_id=user.pk, roles=("intervjuare",)) for user in users],
                participants=[dialogue_services.ParticipantData(f"Deltagare {n + 1}", role) for n, role in enumerate(PARTICIPANT_ROLES)],
                user=users[0], held=True, confirm_date=False,
            )
            _learning(dialogue, users, progress, rng)
            made += 1
    return made


def _learning(dialogue: Dialogue, users: list, progress: float, rng: random.Random) -> None:
    """Medskick, a lesson and the evaluations of one held dialogue, ``progress`` (0–1) of the way through the year."""
    author = users[0]
    weights = {"forfragningsunderlag": 3 - 2.5 * progress, "tillganglighet": 2 - 1.5 * progress,
               "information": 0.5 + 2.5 * progress, "uppdrag": 1, "villkor": 1, "ovrigt": 0.6}
    for _number in range(rng.choice([3, 2]) if progress < 0.5 else rng.choice([1, 2])):
        category = rng.choices(list(weights), weights=list(weights.values()))[0]
        categories = [category] + (["villkor"] if category == "uppdrag" and rng.random() < 0.4 else [])
        learning_services.medskick_create(
            dialogue=dialogue, user=author, text=rng.choice(MEDSKICK[category]), categories=categories,
            area=rng.choice(["", "p1", "p3", "p5"]), raised_by=rng.choice(["vardcentral", "vardcentral", "team"]),
        )
    learning_services.team_lesson_create(dialogue=dialogue, user=author, text=rng.choice(LESSONS))
    centre = 2.7 + 1.5 * progress
    # Four or five answers: a group the report may count (three, every criterion scored by none or three or more).
    for participant in ClinicParticipant.objects.filter(dialogue=dialogue).order_by("position")[: rng.choice([4, 5])]:
        _answer(dialogue, evaluation_services.Respondent(RespondentGroup.VARDCENTRAL, participant=participant), centre, rng)
    for user in users:
        _answer(dialogue, evaluation_services.Respondent(RespondentGroup.TEAM, user=user), centre + 0.2, rng)


def _answer(dialogue: Dialogue, respondent, centre: float, rng: random.Random) -> None:
    scores = {}
    for key in CRITERIA_KEYS:
        scores[key] = None if rng.random() < 0.06 else max(1, min(5, round(rng.gauss(centre, 0.8))))
    evaluation_services.evaluation_submit(
        dialogue=dialogue, respondent=respondent, scores=scores,
        went_well=rng.choice(WENT_WELL) if rng.random() < 0.5 else "",
        improve=rng.choice(IMPROVE) if rng.random() < 0.4 else "", today=dialogue.date,
    )
