"""Demo data for issue 13: Region Demo's clinics get a story to follow. Björkdalen's dialogue last year ended with
three agreements that the clinic and the team have followed since (statuses, comments, the follow-up meeting), so
this year's dialogue, being prepared, carries them forward; Skogsbrynet's dialogue last week raised an indication
for fördjupad uppföljning that the team is investigating. Runs after dialogs' and feedback's demo data
(INSTALLED_APPS order), through the services; does nothing when Region Demo already has agreements."""

import datetime

from django.contrib.auth import get_user_model

from dialogs.models.agreements import Agreement
from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import agreements as agreements_services
from dialogs.services import cases as cases_services
from dialogs.services.dialogue import dialogue_share_documentation
from organisations.models import Party

AGREEMENTS = [
    ("Fast läkarkontakt för alla listade över 75 år med flera kroniska sjukdomar", "p4-kontinuitet", Party.VARDCENTRAL,
     [("pagar", "Listningen är klar för två av tre läkarteam."), ("pagar", "Tredje teamet saknar en läkare till mars.")]),
    ("Telefontider även på förmiddagen för barnfamiljer", "p5-tillganglighet", Party.VARDCENTRAL,
     [("klar", "Ny telefonlösning sedan september: förmiddagstider varje dag.")]),
    ("Se över ersättningen för fast vårdkontakt i förfrågningsunderlaget", "", Party.BESTALLARE,
     [("planerad", "Tas upp i nästa revidering av förfrågningsunderlaget.")]),
]


def seed(*, stdout=None) -> list:
    if Agreement.objects.filter(dialogue__clinic__region__name="Region Demo").exists():
        return []
    User = get_user_model()
    team, clinic = User.objects.filter(username="demo-bestallare").first(), User.objects.filter(username="demo-vc1").first()
    earlier = (
        Dialogue.objects.filter(clinic__region__name="Region Demo", clinic__hsa_id__endswith="D001", status=DialogueStatus.AVSLUTAD)
        .select_related("clinic__region", "guide_version")
        .first()
    )
    if team is None or clinic is None or earlier is None:
        return []
    dialogue_share_documentation(dialogue=earlier, user=team)
    areas = set(earlier.guide_version.sections.filter(parent=None).values_list("key", flat=True))
    for text, area, owner, updates in AGREEMENTS:
        agreement = agreements_services.agreement_create(
            dialogue=earlier, user=team, text=text, area=area.split("-")[0] if area.split("-")[0] in areas else "",
            owner=owner, due_date=earlier.date + datetime.timedelta(days=300),
        )
        for status, comment in updates:
            agreements_services.agreement_status_set(
                agreement=agreement, user=clinic if owner == Party.VARDCENTRAL else team, status=status, comment=comment
            )
    skogsbrynet = Dialogue.objects.filter(
        clinic__region__name="Region Demo", clinic__hsa_id__endswith="D004", status=DialogueStatus.GENOMFORD
    ).select_related("clinic__region").first()
    if skogsbrynet is not None:
        case = cases_services.case_open(
            dialogue=skogsbrynet, user=team, category="patientsakerhet",
            reason="Flera medarbetare beskrev att läkemedelsgenomgångar för äldre i särskilt boende inte blir av och att "
                   "avvikelser inte rapporteras.",
        )
        cases_services.case_transition(case=case, user=team, status="utredning", note="Begär in avvikelserapporter för året.")
    if stdout is not None:
        stdout.write("Björkdalens överenskommelser och en fördjupad uppföljning för Skogsbrynet är inlagda.")
    return []
