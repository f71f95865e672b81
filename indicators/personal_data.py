"""Personal data of the indicators (the register: common/personal_data.py). Indicator values are about clinics,
regions and the country, never about a patient or a member of staff."""

from common.personal_data import Declared, Kind


def declarations() -> list[Declared]:
    return [
        Declared("indicators.DataSource", ["name", "slug", "description", "url", "coverage_note"], Kind.CONTENT),
        Declared("indicators.Indicator", ["code", "name", "numerator_definition", "denominator_definition",
                                          "description"], Kind.CONTENT),
        Declared("indicators.ImportBatch", ["user", "rolled_back_by"], Kind.PERSON_LINK,
                 purpose="spårbarhet: vem som importerade och återställde indikatorvärden"),
        Declared("indicators.ImportBatch", ["file_name", "checksum", "format", "error_report", "message"],
                 Kind.TECHNICAL),
    ]
