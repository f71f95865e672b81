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
from dialogs.models.dialogue import (  # noqa: E402  (after the guide: dialogues point at its versions)
    ClinicParticipant,
    DataSourceChoice,
    Dialogue,
    DialogueStatus,
    DialogueStatusChange,
    FollowUpMeeting,
    LetterTemplate,
    ParticipantRole,
    Preparation,
    TeamMember,
    TeamRole,
)
from dialogs.models.answers import Answer, AnswerRevision, YesNo  # noqa: E402
from dialogs.models.agreements import (  # noqa: E402
    Agreement,
    AgreementChange,
    AgreementChangeKind,
    AgreementStatus,
)
from dialogs.models.cases import Case, CaseCategory, CaseDocument, CaseEntry, CaseEntryKind, CaseStatus  # noqa: E402
from dialogs.models.learning import (  # noqa: E402
    Medskick,
    MedskickCategory,
    MedskickComment,
    MedskickTag,
    RaisedBy,
    TeamLesson,
)
from dialogs.models.evaluations import Evaluation, EvaluationInvitation, RespondentGroup  # noqa: E402

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
    # Dialogues and their answers.
    "Answer",
    "AnswerRevision",
    "ClinicParticipant",
    "DataSourceChoice",
    "Dialogue",
    "DialogueStatus",
    "DialogueStatusChange",
    "FollowUpMeeting",
    "LetterTemplate",
    "ParticipantRole",
    "Preparation",
    "TeamMember",
    "TeamRole",
    "YesNo",
    # Agreements and fördjupad uppföljning (issue 13).
    "Agreement",
    "AgreementChange",
    "AgreementChangeKind",
    "AgreementStatus",
    "Case",
    "CaseCategory",
    "CaseDocument",
    "CaseEntry",
    "CaseEntryKind",
    "CaseStatus",
    # Medskick, the team's lessons and the evaluation of each dialogue (issue 14).
    "Evaluation",
    "EvaluationInvitation",
    "Medskick",
    "MedskickCategory",
    "MedskickComment",
    "MedskickTag",
    "RaisedBy",
    "RespondentGroup",
    "TeamLesson",
]
