"""The guide questions an indicator informs (read back from the dialogs app's link without importing it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from indicators.models import Indicator
from organisations.models import Region


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
