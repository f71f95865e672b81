"""Reads of observations for pages and charts. Each function runs a fixed number of queries, however many
indicators, periods and clinics there are (DESIGN.md rule 7)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from indicators.models import Granularity, Indicator, Observation, Sex, UnitKind
from organisations.models import Clinic, Region


@dataclass
class Series:
    """One indicator's observations for one unit, oldest first, with the region's and the country's values
    for the same periods as benchmarks."""

    indicator: Indicator
    observations: list[Observation] = field(default_factory=list)
    region: list[Observation] = field(default_factory=list)
    nation: list[Observation] = field(default_factory=list)

    def for_sex(self, sex: str = Sex.TOTAL, *, of: str = "observations") -> list[Observation]:
        return [observation for observation in getattr(self, of) if observation.sex == sex]

    @property
    def latest(self) -> Observation | None:
        total = self.for_sex(Sex.TOTAL)
        return total[-1] if total else None


def _observations(**filters):
    return Observation.objects.filter(**filters).order_by("indicator_id", "period_start", "period_end", "sex")


def clinic_series(
    clinic: Clinic,
    indicators: list[Indicator] | None = None,
    *,
    granularity: str | None = Granularity.YEAR,
    since: dt.date | None = None,
) -> list[Series]:
    """Every indicator with observations for the clinic (or the given ones), each with its series and the
    clinic's region's and the country's values as benchmarks. Four queries in all."""
    filters: dict = {}
    if granularity:
        filters["granularity"] = granularity
    if since:
        filters["period_start__gte"] = since
    if indicators is None:
        own = _group(_observations(clinic=clinic, **filters))
        indicators = list(Indicator.objects.filter(pk__in=list(own)).select_related("source"))
    else:
        own = _group(_observations(clinic=clinic, indicator_id__in=[indicator.pk for indicator in indicators], **filters))
    indicator_ids = [indicator.pk for indicator in indicators]
    region = _group(
        _observations(unit_kind=UnitKind.REGION, region_id=clinic.region_id, indicator_id__in=indicator_ids, **filters)
    )
    nation = _group(_observations(unit_kind=UnitKind.NATION, indicator_id__in=indicator_ids, **filters))
    series = [
        Series(indicator, own.get(indicator.pk, []), region.get(indicator.pk, []), nation.get(indicator.pk, []))
        for indicator in indicators
    ]
    return sorted(series, key=lambda item: (item.indicator.source.name, item.indicator.name))


def region_clinic_values(
    region: Region, indicator: Indicator, *, period_start: dt.date, period_end: dt.date, sex: str = Sex.TOTAL
) -> list[Observation]:
    """All clinics of the region for one indicator and period (a funnel plot's points). One query."""
    return list(
        Observation.objects.filter(
            clinic__region=region,
            indicator=indicator,
            period_start=period_start,
            period_end=period_end,
            sex=sex,
        )
        .select_related("clinic")
        .order_by("clinic__name")
    )


def region_clinic_series(region: Region, indicator: Indicator, *, granularity: str = Granularity.YEAR) -> dict:
    """clinic → its observations (all sexes, oldest first) for one indicator: each clinic's run chart."""
    by_clinic: dict[Clinic, list[Observation]] = defaultdict(list)
    queryset = (
        Observation.objects.filter(clinic__region=region, indicator=indicator, granularity=granularity)
        .select_related("clinic")
        .order_by("clinic__name", "period_start", "sex")
    )
    for observation in queryset:
        by_clinic[observation.clinic].append(observation)
    return dict(by_clinic)


def _group(queryset) -> dict[int, list[Observation]]:
    grouped: dict[int, list[Observation]] = defaultdict(list)
    for observation in queryset:
        grouped[observation.indicator_id].append(observation)
    return grouped


# --- Questions informed ------------------------------------------------------------------------------------


@dataclass
class QuestionsInformed:
    """The questions of one published guide version that show an indicator beside them."""

    version: str
    questions: list[tuple[str, str]] = field(default_factory=list)  # (where in the guide, question text)


def questions_informed(indicator: Indicator, region: Region) -> list[QuestionsInformed]:
    """The region's guide questions that show ``indicator`` beside them, per published version (newest
    first, questions in reading order). One query. The link belongs to the dialogs app
    (``Question.indicators``); it is read back here through its related name, ``indicator.questions``, so
    the indicators app never imports dialogs. Drafts are left out (only administrators see them, in the
    guide's editor), and so are retired versions."""
    rows = (
        indicator.questions.filter(version__guide__region=region, version__status="published")
        .order_by(
            "version__guide__name",
            F("version__number").desc(),
            Coalesce("section__parent__position", "section__position"),
            F("section__parent_id").asc(nulls_first=True),
            "section__position",
            "position",
        )
        .values_list(
            "version_id", "version__guide__name", "version__number", "version__label", "section__code",
            "section__title", "section__parent__code", "section__parent__title", "text",
        )
    )
    versions: dict[int, QuestionsInformed] = {}
    for version_id, guide, number, label, code, title, parent_code, parent_title, text in rows:
        if version_id not in versions:
            heading = _("%(guide)s, version %(number)s – %(label)s") % {"guide": guide, "number": number, "label": label}
            versions[version_id] = QuestionsInformed(heading)
        where = f"{parent_code or parent_title} › {title}" if parent_title else (code or title)
        versions[version_id].questions.append((where, text))
    return list(versions.values())
