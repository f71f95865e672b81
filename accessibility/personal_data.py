"""Personal data of the accessibility statement and its reports (the register: common/personal_data.py)."""

from common.personal_data import Declared, Kind, Removal


def declarations() -> list[Declared]:
    report = "accessibility.ProblemReport"
    return [
        Declared("accessibility.StatementSettings", ["organisation", "contact_email", "contact_phone"], Kind.CONTENT,
                 purpose="regionens kontaktuppgifter i tillgänglighetsredogörelsen (en funktionsadress)"),
        Declared("accessibility.StatementSettings", ["updated_by"], Kind.PERSON_LINK),
        Declared(report, ["user", "handled_by"], Kind.PERSON_LINK),
        Declared(report, ["description", "page"], Kind.FREE_TEXT, person="user", authored=True,
                 purpose="att åtgärda rapporterade brister i tillgängligheten"),
        Declared(report, ["name", "email"], Kind.PERSON, person="user", removal=Removal.BLANK, authored=True,
                 purpose="att kunna svara den som rapporterat"),
        Declared(report, ["client"], Kind.TECHNICAL),  # a keyed hash of the sender's address, to limit reports
    ]
