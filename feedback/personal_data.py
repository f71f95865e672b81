"""Personal data of the feedback (the register of personal data: common/personal_data.py).

A shared version is what the clinic was given: its snapshot and files are kept as they were when the region's
retention rule empties a dialogue's free text ("the deck stays"); the draft's points, the message that came with
a version and the comments and replies on it go."""

from common.personal_data import Declared, Kind, Retention

FREE, LINK = Kind.FREE_TEXT, Kind.PERSON_LINK


def declarations() -> list[Declared]:
    report, version = "report__dialogue", "version__report__dialogue"
    return [
        Declared("feedback.RegionTheme", ["primary_colour", "secondary_colour", "logo", "logo_name"], Kind.CONTENT),
        Declared("feedback.RegionTheme", ["updated_by"], LINK),
        Declared("feedback.FeedbackReport", ["title"], Kind.CONTENT, dialogue="dialogue"),
        Declared("feedback.FeedbackReport", ["created_by", "content_changed_by"], LINK, dialogue="dialogue"),
        Declared("feedback.FeedbackSection", ["items", "links", "notes"], FREE, dialogue=report,
                 purpose="utkastet till den skriftliga återkopplingen"),
        Declared("feedback.FeedbackSection", ["updated_by"], LINK, dialogue=report),
        Declared("feedback.SharedVersion", ["snapshot"], Kind.RECORD, dialogue=report,
                 purpose="återkopplingen som den delades med vårdcentralen"),
        Declared("feedback.SharedVersion", ["message"], FREE, dialogue=report),
        Declared("feedback.SharedVersion", ["shared_by"], LINK, dialogue=report),
        Declared("feedback.SharedFile", ["data"], Kind.RECORD, dialogue=version, retention=Retention.KEEP),
        Declared("feedback.SharedFile", ["sha256"], Kind.TECHNICAL, dialogue=version),
        Declared("feedback.ClinicComment", ["text"], FREE, dialogue=version, person="author", authored=True,
                 purpose="vårdcentralens kommentarer till återkopplingen"),
        Declared("feedback.ClinicComment", ["section_key"], Kind.STRUCTURED, dialogue=version),
        Declared("feedback.ClinicComment", ["author"], LINK, dialogue=version),
        Declared("feedback.TeamReply", ["text"], FREE, dialogue="comment__" + version, person="author", authored=True),
        Declared("feedback.TeamReply", ["author"], LINK, dialogue="comment__" + version),
        Declared("feedback.Acknowledgement", ["user"], LINK, dialogue=version),
    ]
