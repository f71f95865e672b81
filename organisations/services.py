"""Writes that touch organisations: clinics, their CSV import, and region members."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from common import textfiles
from notifications.headers import is_valid_address
from notifications.services import absolute_url, message_queue
from organisations import oidc
from organisations.models import Clinic, HsaIdentity, Membership, NationalReader, Party, Regiform, Region, Role

User = get_user_model()


@transaction.atomic
def clinic_save(*, clinic: Clinic) -> Clinic:
    clinic.full_clean()
    try:
        with transaction.atomic():
            clinic.save()
    except IntegrityError:  # the same HSA-id saved by another request at the same moment (a double click)
        raise ValidationError({"hsa_id": _("Det finns redan en vårdcentral med HSA-id %(hsa)s.") % {"hsa": clinic.hsa_id}})
    return clinic


# --- CSV import of a clinic list ---------------------------------------------------------------

CLINIC_CSV_COLUMNS = {
    "namn": "name",
    "hsa-id": "hsa_id",
    "region": "region",
    "regiform": "regiform",
    "listade patienter": "listed_patients",
    "cni": "cni",
    "acg": "acg",
    "gatuadress": "street_address",
    "postnummer": "postal_code",
    "ort": "city",
    "e-post": "contact_email",
}
CLINIC_CSV_REQUIRED = ("namn", "hsa-id")


@dataclass
class RowProblem:
    line: int
    column: str
    message: str


@dataclass
class ClinicImportResult:
    created: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ClinicImportError(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _parse_decimal(raw: str) -> Decimal | None:
    raw = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        return None
    return Decimal(raw.replace(",", "."))


def _read_clinic_rows(content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    binary = textfiles.binary_format(content)
    if binary or textfiles.is_utf16(content):
        return [], [
            RowProblem(
                1, "", _("Filen är en %(kind)s, inte en CSV-fil. Spara vårdcentralerna som CSV (UTF-8 eller Windows-1252).")
                % {"kind": binary or _("UTF-16-textfil")}
            )
        ]
    # Swedish Excel saves CSV as Windows-1252; everything else we meet is UTF-8 (often with a BOM).
    text = textfiles.decode_text(content)
    if text is None:
        return [], [RowProblem(1, "", _("Filen kunde inte läsas. Spara den som CSV (UTF-8 eller Windows-1252)."))]
    if not text.strip():
        return [], [RowProblem(1, "", _("Filen är tom."))]
    delimiter = textfiles.sniff_separator(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _clinic_rows(reader)
    except csv.Error:  # a field over the csv module's limit, a stray quote character …
        return [], [
            RowProblem(
                max(reader.line_num, 1), "",
                _("Raden kunde inte läsas som CSV (ett fält är för långt eller citattecknen stämmer inte). "
                  "Öppna filen i Excel och spara den som CSV igen."),
            )
        ]


def _clinic_rows(reader) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    header = [column.strip().lower() for column in next(reader)]
    missing = [column for column in CLINIC_CSV_REQUIRED if column not in header]
    if missing:
        return [], [
            RowProblem(
                1,
                ", ".join(missing),
                _("Kolumner saknas: %(missing)s. Första raden ska innehålla kolumnnamn, t.ex. %(expected)s.")
                % {"missing": ", ".join(missing), "expected": ";".join(CLINIC_CSV_COLUMNS)},
            )
        ]
    rows = []
    for line_number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        rows.append((line_number, {header[i]: value.strip() for i, value in enumerate(values) if i < len(header)}))
    return rows, []


def _clinic_values_from_row(
    line: int, row: dict[str, str], region: Region, administered: dict[str, Region]
) -> tuple[dict, list[RowProblem]]:
    problems: list[RowProblem] = []
    values: dict = {"region": region}
    if not row.get("namn"):
        problems.append(RowProblem(line, "namn", _("Namn saknas.")))
    values["name"] = row.get("namn", "")
    values["hsa_id"] = row.get("hsa-id", "")
    if not values["hsa_id"]:
        problems.append(RowProblem(line, "hsa-id", _("HSA-id saknas.")))
    region_name = row.get("region", "")
    if region_name:
        target = administered.get(region_name.lower())
        if target is None:
            problems.append(
                RowProblem(line, "region", _("Du administrerar inte regionen ”%(region)s”.") % {"region": region_name})
            )
        else:
            values["region"] = target
    regiform = row.get("regiform", "").lower() or Regiform.OFFENTLIG
    if regiform not in Regiform.values:
        problems.append(
            RowProblem(line, "regiform", _("Regiform ska vara ”offentlig” eller ”privat”, inte ”%(value)s”.") % {"value": regiform})
        )
    values["regiform"] = regiform
    raw_listed = row.get("listade patienter", "").replace(" ", "").replace("\u00a0", "")
    if raw_listed:
        if raw_listed.isdigit():
            values["listed_patients"] = int(raw_listed)
        else:
            problems.append(
                RowProblem(line, "listade patienter", _("”%(value)s” är inte ett heltal.") % {"value": raw_listed})
            )
    for column in ("cni", "acg"):
        try:
            values[column] = _parse_decimal(row.get(column, ""))
        except InvalidOperation:
            problems.append(RowProblem(line, column, _("”%(value)s” är inte ett tal.") % {"value": row[column]}))
    for column in ("gatuadress", "postnummer", "ort"):
        values[CLINIC_CSV_COLUMNS[column]] = row.get(column, "")
    if "e-post" in row:  # a file without the column leaves the address the clinic has
        address = row["e-post"]
        if address and not is_valid_address(address):
            problems.append(
                RowProblem(line, "e-post", _("”%(value)s” är inte en giltig e-postadress.") % {"value": address})
            )
        values["contact_email"] = address
    return values, problems


@transaction.atomic
def clinics_import_csv(*, region: Region, user, content: bytes) -> ClinicImportResult:
    """Create or update the clinics listed in a CSV file. All rows or none: any problem raises
    ClinicImportError listing every row problem, and nothing is saved."""
    rows, problems = _read_clinic_rows(content)
    Region.objects.select_for_update().filter(pk=region.pk).first()  # one import at a time: no clinic made twice
    if problems:
        raise ClinicImportError(problems)
    administered = {
        r.name.lower(): r for r in Region.objects.filter(memberships__user=user, memberships__role=Role.ADMIN)
    }
    result = ClinicImportResult()
    seen: dict[str, int] = {}
    existing = {c.hsa_id: c for c in Clinic.objects.filter(hsa_id__in=[row.get("hsa-id", "") for _, row in rows])}
    pending: list[tuple[int, Clinic, bool]] = []
    for line, row in rows:
        values, row_problems = _clinic_values_from_row(line, row, region, administered)
        problems.extend(row_problems)
        hsa_id = values["hsa_id"]
        if hsa_id in seen:
            problems.append(
                RowProblem(line, "hsa-id", _("HSA-id %(hsa)s finns redan på rad %(line)s.") % {"hsa": hsa_id, "line": seen[hsa_id]})
            )
            continue
        if hsa_id:
            seen[hsa_id] = line
        if row_problems:
            continue
        clinic = existing.get(hsa_id)
        if clinic is not None and clinic.region_id != values["region"].pk:
            problems.append(
                RowProblem(line, "hsa-id", _("HSA-id %(hsa)s tillhör en vårdcentral i en annan region.") % {"hsa": hsa_id})
            )
            continue
        is_new = clinic is None
        clinic = clinic or Clinic()
        for name, value in values.items():
            setattr(clinic, name, value)
        try:
            clinic.full_clean(validate_unique=False)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                problems.extend(RowProblem(line, column, message) for message in messages)
            continue
        pending.append((line, clinic, is_new))
    if problems:
        raise ClinicImportError(problems)
    for _line, clinic, is_new in pending:
        clinic.save()
        if is_new:
            result.created += 1
        else:
            result.updated += 1
    return result


# --- Members ----------------------------------------------------------------------------------


class MemberError(Exception):
    pass


def _send_invitation(*, user, region: Region, invited_by) -> None:
    """E-mail a link where the new member chooses their own password (Django's reset token); in a region that
    signs in only through its identity provider, the way to sign in there instead."""
    if not region.password_sign_in and oidc.enabled():
        message_queue(
            kind="organisations.invitation",
            to=user.email,
            user=user,
            template="organisations/email/invitation_provider",
            context={"user": user, "region": region, "invited_by": invited_by, "provider": oidc.provider_label(),
                     "url": absolute_url(reverse("login"))},
            topic=f"user:{user.pk}",
        )
        return
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    message_queue(
        kind="organisations.invitation",
        to=user.email,
        user=user,
        template="organisations/email/invitation",
        context={"user": user, "region": region, "invited_by": invited_by, "url": absolute_url(path)},
        topic=f"user:{user.pk}",
    )


@transaction.atomic
def member_add(
    *,
    region: Region,
    invited_by,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    party: str,
    clinic: Clinic | None,
    title: str = "",
    hsa_id: str = "",
) -> Membership:
    """Give a person a role in the region. An unknown e-mail address becomes a new account, invited by
    e-mail to choose a password; a known one (e.g. from another region) just gains the role."""
    email = email.strip().lower()
    # One addition at a time per region: the same person sent twice (a double click) is added once and the second
    # is told they already have the role, instead of a second account failing on its unique user name.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
    if Membership.objects.filter(user=user, region=region, role=role).exists():
        raise MemberError(_("%(email)s har redan den rollen i regionen.") % {"email": email})
    if hsa_id:
        person_hsa_id_set(user=user, hsa_id=hsa_id, changed_by=invited_by)
    membership = Membership(user=user, region=region, role=role, party=party, clinic=clinic, title=title)
    _normalise_membership(membership)
    membership.save()
    if created:
        _send_invitation(user=user, region=region, invited_by=invited_by)
    return membership


def _normalise_membership(membership: Membership) -> None:
    if membership.role == Role.VARDCENTRAL:
        membership.party = Party.VARDCENTRAL
    else:
        membership.clinic = None
        if membership.role == Role.ADMIN and membership.party == Party.VARDCENTRAL:
            membership.party = ""


@transaction.atomic
def member_update(
    *, membership: Membership, role: str, party: str, clinic: Clinic | None, title: str, hsa_id: str | None = None,
    changed_by=None,
) -> Membership:
    if hsa_id is not None:
        person_hsa_id_set(user=membership.user, hsa_id=hsa_id, changed_by=changed_by)
    if role != membership.role and Membership.objects.filter(
        user=membership.user, region=membership.region, role=role
    ).exclude(pk=membership.pk).exists():
        raise MemberError(_("Personen har redan den rollen i regionen."))
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_not_last_admin(membership)
    membership.role, membership.party, membership.clinic, membership.title = role, party, clinic, title
    _normalise_membership(membership)
    membership.save(update_fields=["role", "party", "clinic", "title"])
    return membership


def _ensure_not_last_admin(membership: Membership) -> None:
    others = Membership.objects.filter(region=membership.region, role=Role.ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise MemberError(_("Regionen måste ha minst en administratör."))


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    if membership.role == Role.ADMIN:
        _ensure_not_last_admin(membership)
    membership.delete()


def _administers_every_region_of(admin, user) -> bool:
    person_regions = set(Membership.objects.filter(user=user).values_list("region_id", flat=True))
    administered = set(Membership.objects.filter(user=admin, role=Role.ADMIN).values_list("region_id", flat=True))
    return person_regions <= administered


def hsa_id_editable_by(admin, user) -> bool:
    """Whether ``admin`` may set the HSA-id of ``user``: only an administrator of every region the person has a
    role in. The HSA-id decides who signs in as the person, in all their regions."""
    return admin is not None and _administers_every_region_of(admin, user)


@transaction.atomic
def person_hsa_id_set(*, user, hsa_id: str, changed_by) -> HsaIdentity | None:
    """Record (or, with an empty ``hsa_id``, remove) a person's HSA-id. Refused when another person has it, or
    when ``changed_by`` does not administer every region of the person."""
    hsa_id = hsa_id.strip().upper()
    current = HsaIdentity.objects.select_for_update().filter(user=user).first()
    if (current.hsa_id if current else "") == hsa_id:
        return current
    if not hsa_id_editable_by(changed_by, user):
        raise MemberError(_("HSA-id:t kan bara ändras av en administratör för alla personens regioner."))
    if not hsa_id:
        current.delete()
        return None
    if HsaIdentity.objects.filter(hsa_id=hsa_id).exclude(user=user).exists():
        raise MemberError(_("HSA-id:t %(hsa)s hör redan till en annan person.") % {"hsa": hsa_id})
    identity = current or HsaIdentity(user=user)
    identity.hsa_id = hsa_id
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError:  # another request gave it to someone else a moment ago
        raise MemberError(_("HSA-id:t %(hsa)s hör redan till en annan person.") % {"hsa": hsa_id}) from None
    return identity


class RegionSettingError(Exception):
    pass


@transaction.atomic
def region_sign_in_save(*, region: Region, password_sign_in: bool) -> Region:
    """Switch password sign-in on or off for the region. Off needs an identity provider, or nobody could sign in."""
    if not password_sign_in and not oidc.enabled():
        raise RegionSettingError(
            _("Lösenorden kan inte stängas av: inloggning via regionens inloggningstjänst är inte inställd i den här "
              "installationen (OIDC_ISSUER och OIDC_CLIENT_ID).")
        )
    region.password_sign_in = password_sign_in
    region.save(update_fields=["password_sign_in"])
    return region


# --- National readers -------------------------------------------------------------------------------------------


@transaction.atomic
def national_reader_grant(*, user, organisation: str = "", granted_by=None) -> NationalReader:
    """Make ``user`` a nationell läsare (or update their organisation if they are one). They keep whatever region
    roles they have; the national view is added beside them."""
    organisation = " ".join((organisation or "").split())[:200]
    reader, created = NationalReader.objects.get_or_create(
        user=user, defaults={"organisation": organisation, "granted_by": granted_by}
    )
    if not created and organisation and reader.organisation != organisation:
        reader.organisation = organisation
        reader.save(update_fields=["organisation"])
    return reader


@transaction.atomic
def national_reader_revoke(*, user) -> bool:
    """Take the national view away from ``user``; False when they did not have it."""
    deleted, _by_model = NationalReader.objects.filter(user=user).delete()
    return bool(deleted)
