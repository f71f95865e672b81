"""Personal data of the programme (the register of personal data: common/personal_data.py)."""

from common.personal_data import Declared, Kind, Removal


def declarations() -> list[Declared]:
    return [
        Declared("programme.CycleSettings", ["updated_by"], Kind.PERSON_LINK),
        Declared("programme.ClinicCycle", ["reason"], Kind.FREE_TEXT),
        Declared("programme.ClinicCycle", ["updated_by"], Kind.PERSON_LINK),
        # A person's calendar feed goes with them: its address would otherwise still open their dialogues.
        Declared("programme.CalendarFeed", ["user"], Kind.PERSON_LINK, removal=Removal.DELETE_ROWS),
        Declared("programme.CalendarFeed", ["token"], Kind.TECHNICAL, person="user", removal=Removal.DELETE_ROWS),
        Declared("programme.ScheduledJob", ["name", "last_output", "last_error"], Kind.TECHNICAL),
    ]
