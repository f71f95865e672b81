"""Personal data of the guide and the dialogues (the register of personal data: common/personal_data.py).

What the team and the clinic write about a dialogue is free text: it may name people, so the region's retention
rule empties it (or deletes the dialogue) once the dialogue's time has come. What stays when only the free text
goes: the dialogue (clinic, date, status), who took part from the region, the yes/no answers and categories, the
evaluations' scores, and the shared feedback decks (feedback/personal_data.py)."""

from common.personal_data import Declared, Kind, Removal, Retention
from dialogs.models.evaluations import CRITERIA_KEYS

FREE, PERSON, LINK = Kind.FREE_TEXT, Kind.PERSON, Kind.PERSON_LINK


def _guide() -> list[Declared]:
    return [
        Declared("dialogs.Guide", ["name"], Kind.CONTENT),
        Declared("dialogs.GuideVersion", ["label", "notes", "attribution", "source_title", "source_url"], Kind.CONTENT),
        Declared("dialogs.GuideVersion", ["created_by", "published_by"], LINK),
        Declared("dialogs.Section", ["key", "code", "title", "intro"], Kind.CONTENT),
        Declared("dialogs.AgendaBlock", ["key", "title", "participants"], Kind.CONTENT),
        Declared("dialogs.Question", ["key", "text", "choices", "prompts", "help"], Kind.CONTENT),
        Declared("dialogs.FollowUpQuestion", ["text"], Kind.CONTENT),
        Declared("dialogs.DataSourceHint", ["label", "url"], Kind.CONTENT),
        Declared("dialogs.LetterTemplate", ["subject", "body"], Kind.CONTENT),
        Declared("dialogs.LetterTemplate", ["updated_by"], LINK),
    ]


def _dialogue() -> list[Declared]:
    purpose = "att planera, genomföra och dokumentera uppföljningsdialogen"
    return [
        Declared("dialogs.Dialogue", ["place"], Kind.CONTENT, dialogue="pk"),
        Declared("dialogs.Dialogue", ["follow_up_waived_reason"], FREE, dialogue="pk", purpose=purpose),
        Declared("dialogs.Dialogue", ["documentation_shared_by", "created_by"], LINK, dialogue="pk"),
        Declared("dialogs.DialogueStatusChange", ["note"], FREE, dialogue="dialogue"),
        Declared("dialogs.DialogueStatusChange", ["changed_by"], LINK, dialogue="dialogue"),
        Declared("dialogs.TeamMember", ["user"], LINK, dialogue="dialogue",
                 purpose="vilka från regionen som deltog i dialogen"),
        Declared("dialogs.TeamMember", ["roles"], Kind.STRUCTURED, dialogue="dialogue"),
        # The clinic's participants have no account: their names and addresses are emptied with the free text.
        Declared("dialogs.ClinicParticipant", ["name", "email"], PERSON, dialogue="dialogue",
                 purpose="vilka från vårdcentralen som deltog, och vart förordet skickas"),
        Declared("dialogs.ClinicParticipant", ["role_other"], FREE, dialogue="dialogue"),
        Declared("dialogs.Preparation", ["overview_notes", "responsibility", "data_sources_other"], FREE,
                 dialogue="dialogue", purpose=purpose),
        Declared("dialogs.Preparation", ["data_sources"], Kind.STRUCTURED, dialogue="dialogue"),
        Declared("dialogs.Preparation", ["updated_by"], LINK, dialogue="dialogue"),
        Declared("dialogs.FollowUpMeeting", ["video_link", "focus_area"], FREE, dialogue="dialogue"),
        Declared("dialogs.FollowUpMeeting", ["booked_by"], LINK, dialogue="dialogue"),
    ]


def _documentation() -> list[Declared]:
    purpose = "dokumentationen av dialogen"
    gone = Retention.DELETE_ROWS
    return [
        Declared("dialogs.Answer", ["text", "prompt_answers"], FREE, dialogue="dialogue", purpose=purpose),
        Declared("dialogs.Answer", ["choice_values"], Kind.STRUCTURED, dialogue="dialogue"),
        Declared("dialogs.Answer", ["updated_by"], LINK, dialogue="dialogue"),
        # The history of a free text is free text: its rows go with it.
        Declared("dialogs.AnswerRevision", ["before", "after"], FREE, dialogue="answer__dialogue", retention=gone),
        Declared("dialogs.AnswerRevision", ["user"], LINK, dialogue="answer__dialogue", retention=gone),
        Declared("dialogs.AgendaNote", ["text"], FREE, dialogue="dialogue", purpose=purpose),
        Declared("dialogs.AgendaNote", ["updated_by"], LINK, dialogue="dialogue"),
        Declared("dialogs.AgendaNoteRevision", ["before", "after"], FREE, dialogue="note__dialogue", retention=gone),
        Declared("dialogs.AgendaNoteRevision", ["user"], LINK, dialogue="note__dialogue", retention=gone),
    ]


def _agreements_and_cases() -> list[Declared]:
    gone = Retention.DELETE_ROWS
    return [
        Declared("dialogs.Agreement", ["text"], FREE, dialogue="dialogue", purpose="överenskommelser som följs upp"),
        Declared("dialogs.Agreement", ["area", "area_label"], Kind.STRUCTURED, dialogue="dialogue"),
        Declared("dialogs.Agreement", ["created_by", "updated_by"], LINK, dialogue="dialogue"),
        # The changes stay as the agreement's status over time; what they said goes.
        Declared("dialogs.AgreementChange", ["before", "after"], FREE, dialogue="agreement__dialogue"),
        Declared("dialogs.AgreementChange", ["comment"], FREE, dialogue="agreement__dialogue", person="user",
                 authored=True),
        Declared("dialogs.AgreementChange", ["user"], LINK, dialogue="agreement__dialogue"),
        Declared("dialogs.Case", ["reason"], FREE, dialogue="dialogue", purpose="fördjupad uppföljning"),
        Declared("dialogs.Case", ["owner", "opened_by"], LINK, dialogue="dialogue"),
        Declared("dialogs.CaseEntry", ["text"], FREE, dialogue="case__dialogue"),
        Declared("dialogs.CaseEntry", ["owner", "user"], LINK, dialogue="case__dialogue"),
        Declared("dialogs.CaseDocument", ["name"], FREE, dialogue="case__dialogue", retention=gone),
        Declared("dialogs.CaseDocument", ["data"], Kind.RECORD, dialogue="case__dialogue", retention=gone,
                 purpose="underlag i en fördjupad uppföljning"),
        Declared("dialogs.CaseDocument", ["content_type", "sha256"], Kind.TECHNICAL, dialogue="case__dialogue",
                 retention=gone),
        Declared("dialogs.CaseDocument", ["uploaded_by"], LINK, dialogue="case__dialogue", retention=gone),
    ]


def _learning() -> list[Declared]:
    return [
        Declared("dialogs.Medskick", ["text"], FREE, dialogue="dialogue", purpose="medskick till förvaltningen"),
        Declared("dialogs.Medskick", ["area", "area_label"], Kind.STRUCTURED, dialogue="dialogue"),
        Declared("dialogs.Medskick", ["created_by", "updated_by"], LINK, dialogue="dialogue"),
        Declared("dialogs.MedskickComment", ["text"], FREE, dialogue="medskick__dialogue", person="author",
                 authored=True),
        Declared("dialogs.MedskickComment", ["author"], LINK, dialogue="medskick__dialogue"),
        Declared("dialogs.TeamLesson", ["text"], FREE, dialogue="dialogue"),
        Declared("dialogs.TeamLesson", ["created_by", "updated_by"], LINK, dialogue="dialogue"),
        Declared("dialogs.Evaluation", ["went_well", "improve"], FREE, dialogue="dialogue", person="user",
                 authored=True, purpose="utvärdering av dialogen (visas bara sammanslaget, minst tre svar)"),
        # The scores are the person's own answers too: they go into the register extract beside the free text, and
        # stay (as numbers about no one) when the free text is emptied.
        Declared("dialogs.Evaluation", ["group", *CRITERIA_KEYS], Kind.STRUCTURED, dialogue="dialogue", person="user",
                 authored=True),
        Declared("dialogs.Evaluation", ["user"], LINK, dialogue="dialogue"),
        # A participant's personal link: only its digest is kept; the invitation goes with the free text.
        Declared("dialogs.EvaluationInvitation", ["sent_to"], PERSON, dialogue="dialogue",
                 retention=Retention.DELETE_ROWS),
        Declared("dialogs.EvaluationInvitation", ["token_digest"], Kind.TECHNICAL, dialogue="dialogue",
                 retention=Retention.DELETE_ROWS),
    ]


def declarations() -> list[Declared]:
    return [*_guide(), *_dialogue(), *_documentation(), *_agreements_and_cases(), *_learning()]
