"""Personal data of the archive exports (the register: common/personal_data.py). The ZIP files themselves hold the
dialogues' documentation, names included, and are deleted when their time for download is over."""

from common.personal_data import Declared, Kind


def declarations() -> list[Declared]:
    return [
        Declared("archive.ArchiveExport", ["requested_by"], Kind.PERSON_LINK, purpose="spårbarhet: vem som beställde en arkivexport"),
        Declared("archive.ArchiveExport", ["file_name", "sha256", "error"], Kind.TECHNICAL),
    ]
