"""Models of the dialogs app. The guide (question templates) lives in guide.py; dialogues get their own module."""

from dialogs.models.guide import (
    AgendaBlock,
    AgendaBlockSection,
    AnswerKind,
    DataSourceHint,
    FollowUpQuestion,
    Guide,
    GuideVersion,
    GuideVersionLocked,
    GuideVersionStatus,
    Question,
    Section,
    SectionKind,
)

__all__ = [
    "AgendaBlock",
    "AgendaBlockSection",
    "AnswerKind",
    "DataSourceHint",
    "FollowUpQuestion",
    "Guide",
    "GuideVersion",
    "GuideVersionLocked",
    "GuideVersionStatus",
    "Question",
    "Section",
    "SectionKind",
]
