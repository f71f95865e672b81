"""Demo data for the dialogs app: Region Demo gets its own guide, copied from the shipped SKR guide, with
indicators beside the questions they inform, and its dialogues (demo_dialogues.py).

The indicators come from the shared library, which indicators/demo.py loads before this runs (INSTALLED_APPS
order). The demo observations cover continuity, diabetes, medical assessment within three days, antibiotics,
hypertension and Senior alert; the patient-survey and telephone indicators are linked too and say on site
that the clinic has no values yet, as they would before a region's first import.
"""

from dialogs.models import Guide, GuideVersion, GuideVersionStatus, Question
from dialogs.services.guide import guide_adopt, guide_load_shipped, question_indicators_set
from indicators.models import Indicator
from organisations.models import Region

# Question key → codes of the shared indicators shown beside it.
DEMO_QUESTION_INDICATORS = {
    "p1-q04": ["U71200"],
    "p3-q02": ["NPE-HELHET", "NPE-BEMOTANDE", "NPE-DELAKTIGHET"],
    "p3-q03": ["NPE-HELHET"],
    "p4-patientsakerhet-q03": ["PVK-ANTIBIOTIKA-LVI", "PVK-LAKEMEDEL-ALDRE"],
    "p4-utveckling-q08": ["PVK-01", "PVK-ANTIBIOTIKA-LVI"],
    "p4-data-q04": ["NDR-HBA1C-52", "PVK-HYPERTONI-PREV"],
    "p4-data-q05": ["PVK-01", "VIV-BEDOMNING-3-DAGAR", "PVK-ANTIBIOTIKA-LVI"],
    "p4-data-q06": ["PVK-01", "NDR-HBA1C-52", "SENIORALERT-RISK"],
    "p4-konkret-exempel-q01": ["NDR-HBA1C-52"],
    "p4-kontinuitet-q01": ["PVK-01"],
    "p4-kontinuitet-q02": ["PVK-01"],
    "p5-prioriteringar-q04": ["SENIORALERT-RISK"],
    "p5-tillganglighet-q02": ["VIV-BEDOMNING-3-DAGAR"],
    "p5-tillganglighet-q03": ["NDR-HBA1C-52"],
    "p5-tillganglighet-q04": ["VIV-KONTAKT-SAMMA-DAG", "N79179"],
    "p5-tillganglighet-q05": ["VIV-BEDOMNING-3-DAGAR", "U79451"],
}


def link_demo_indicators(region: Region) -> int:
    """Link the demo indicators to the questions of the region's published versions that have no links yet
    (idempotent, and a version whose links an administrator has already chosen is left alone). Returns the
    number of questions linked."""
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.for_region(region).filter(
            code__in={code for codes in DEMO_QUESTION_INDICATORS.values() for code in codes}
        )
    }
    linked = 0
    versions = GuideVersion.objects.filter(guide__region=region).exclude(status=GuideVersionStatus.DRAFT)
    for version in versions.select_related("guide__region"):
        if Question.indicators.through.objects.filter(question__version=version).exists():
            continue
        for question in version.questions.filter(key__in=DEMO_QUESTION_INDICATORS):
            question.version = version
            chosen = [indicators[code] for code in DEMO_QUESTION_INDICATORS[question.key] if code in indicators]
            if chosen:
                question_indicators_set(question=question, indicators=chosen)
                linked += 1
    return linked


def seed(*, stdout=None) -> list[tuple[str, str]]:
    national, _created = guide_load_shipped()
    region = Region.objects.get(name="Region Demo")
    if not Guide.objects.filter(region=region).exists():
        guide_adopt(region=region, source=national, user=None)
        if stdout is not None:
            stdout.write(f"Region Demo har fått dialogstödet {national.label}.")
    linked = link_demo_indicators(region)
    if linked and stdout is not None:
        stdout.write(f"Region Demo: indikatorer kopplade till {linked} frågor i dialogstödet.")
    from dialogs.demo_dialogues import seed as seed_dialogues

    seed_dialogues(stdout=stdout)
    return []
