"""Personal data of the privacy app itself (the register: common/personal_data.py)."""

from common.personal_data import Declared, Kind


def declarations() -> list[Declared]:
    return [
        Declared("privacy.RetentionSettings", ["updated_by"], Kind.PERSON_LINK),
        Declared("privacy.RetentionBatch", ["confirmed_by"], Kind.PERSON_LINK,
                 purpose="spårbarhet: vem som bekräftade en gallring"),
        Declared("privacy.RetentionBatch", ["dialogue_ids", "error"], Kind.TECHNICAL),
        # The clinic's name and the date, so the log still says what went after the dialogue itself is gone.
        Declared("privacy.RetentionRecord", ["label", "removed", "skipped"], Kind.CONTENT),
        Declared("privacy.PersonRemoval", ["user", "removed_by"], Kind.PERSON_LINK,
                 purpose="spårbarhet: när och av vem en person togs bort"),
        Declared("privacy.PersonRemoval", ["summary"], Kind.TECHNICAL),
    ]
