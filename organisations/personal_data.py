"""Personal data of regions, clinics and members (the register of personal data: common/personal_data.py).

Memberships and HSA-ids are who may do what: they end, and are deleted, when a person is removed. Their history
(django-simple-history's historical rows) stays as the record of who had which role when – it answers "who could
see this?" – with the person's HSA-id emptied and every link to them showing "tidigare användare"."""

from common.personal_data import Declared, Kind, Removal


def declarations() -> list[Declared]:
    history = ["history_change_reason"]
    return [
        Declared("organisations.Region", ["name", "code", "kolada_id"], Kind.CONTENT),
        Declared("organisations.Clinic", ["name", "hsa_id", "street_address", "postal_code", "city"], Kind.CONTENT),
        # The clinic's shared address (e.g. the verksamhetschef's function mailbox), not a person's.
        Declared("organisations.Clinic", ["contact_email"], Kind.CONTENT, purpose="att skicka förord och ändrade tider"),
        Declared("organisations.Clinic", ["external_ids"], Kind.STRUCTURED),
        Declared("organisations.HistoricalClinic", ["name", "hsa_id", "street_address", "postal_code", "city",
                                                     "contact_email"], Kind.CONTENT),
        Declared("organisations.HistoricalClinic", ["external_ids", *history], Kind.STRUCTURED),
        Declared("organisations.HistoricalClinic", ["history_user"], Kind.PERSON_LINK),
        Declared("organisations.Membership", ["user"], Kind.PERSON_LINK, removal=Removal.DELETE_ROWS,
                 purpose="behörighet: vem som har vilken roll i vilken region"),
        Declared("organisations.Membership", ["title"], Kind.PERSON, person="user", removal=Removal.DELETE_ROWS),
        Declared("organisations.HistoricalMembership", ["user", "history_user"], Kind.PERSON_LINK,
                 purpose="spårbarhet: vem som hade vilken roll när"),
        Declared("organisations.HistoricalMembership", ["title"], Kind.PERSON, person="user"),
        Declared("organisations.HistoricalMembership", history, Kind.TECHNICAL),
        Declared("organisations.HsaIdentity", ["user"], Kind.PERSON_LINK, removal=Removal.DELETE_ROWS,
                 purpose="inloggning via regionens inloggningstjänst"),
        Declared("organisations.HsaIdentity", ["hsa_id"], Kind.PERSON, person="user", removal=Removal.DELETE_ROWS),
        Declared("organisations.HistoricalHsaIdentity", ["user", "history_user"], Kind.PERSON_LINK),
        Declared("organisations.HistoricalHsaIdentity", ["hsa_id"], Kind.PERSON, person="user", removal=Removal.BLANK),
        Declared("organisations.HistoricalHsaIdentity", history, Kind.TECHNICAL),
        Declared("organisations.NationalReader", ["user"], Kind.PERSON_LINK, removal=Removal.DELETE_ROWS,
                 purpose="behörighet till den nationella sammanställningen"),
        Declared("organisations.NationalReader", ["granted_by"], Kind.PERSON_LINK),
        Declared("organisations.NationalReader", ["organisation"], Kind.PERSON, person="user",
                 removal=Removal.DELETE_ROWS),
        Declared("organisations.HistoricalNationalReader", ["user", "granted_by", "history_user"], Kind.PERSON_LINK),
        Declared("organisations.HistoricalNationalReader", ["organisation"], Kind.PERSON, person="user"),
        Declared("organisations.HistoricalNationalReader", history, Kind.TECHNICAL),
    ]
