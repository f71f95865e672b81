"""Demo data for organisations: two regions, their clinics and one user per persona (password "demo")."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from organisations.models import Clinic, Membership, Party, Regiform, Region, Role

DEMO_PASSWORD = "demo"

DEMO_CLINICS = [
    # name, hsa suffix, regiform, listed patients, CNI, ACG, city
    ("Björkdalens vårdcentral", "D001", Regiform.OFFENTLIG, 14200, "1.32", "1.08", "Björkdalen"),
    ("Hamnstadens vårdcentral", "D002", Regiform.PRIVAT, 9800, "0.86", "0.97", "Hamnstaden"),
    ("Vårdcentralen Linnéan", "D003", Regiform.OFFENTLIG, 21500, "1.05", "1.02", "Demostad"),
    ("Skogsbrynets hälsocentral", "D004", Regiform.PRIVAT, 3100, "0.74", "1.11", "Skogsbrynet"),
    ("Åsens vårdcentral", "D005", Regiform.OFFENTLIG, 6400, "1.58", "1.15", "Åsen"),
    ("Kvarnbackens läkarhus", "D006", Regiform.PRIVAT, 11800, "0.92", "0.94", "Demostad"),
    ("Strandängens vårdcentral", "D007", Regiform.OFFENTLIG, 2400, "1.12", "1.21", "Strandängen"),
    ("Centrumkliniken Demostad", "D008", Regiform.PRIVAT, 17600, "1.21", "0.99", "Demostad"),
]

EXEMPEL_CLINICS = [
    ("Exempelby vårdcentral", "E001", Regiform.OFFENTLIG, 7200, "1.01", "1.00", "Exempelby"),
    ("Provsjöns hälsocentral", "E002", Regiform.PRIVAT, 4300, "0.88", "1.04", "Provsjön"),
]

# username, first name, last name, region, role, party, clinic HSA suffix
DEMO_USERS = [
    ("demo-admin", "Anna", "Administratör", "Region Demo", Role.ADMIN, "", None),
    ("demo-bestallare", "Bengt", "Beställare", "Region Demo", Role.UPPFOLJARE, Party.BESTALLARE, None),
    ("demo-utveckling", "Ulla", "Utvecklare", "Region Demo", Role.UPPFOLJARE, Party.UTVECKLING, None),
    ("demo-vc1", "Vera", "Verksamhetschef", "Region Demo", Role.VARDCENTRAL, Party.VARDCENTRAL, "D001"),
    ("demo-vc2", "Viktor", "Vårdcentralsson", "Region Demo", Role.VARDCENTRAL, Party.VARDCENTRAL, "D002"),
    ("demo-exempel", "Erik", "Exempelsson", "Region Exempel", Role.UPPFOLJARE, Party.BESTALLARE, None),
]


def _clinics(region: Region, rows) -> None:
    for name, suffix, regiform, listed, cni, acg, city in rows:
        Clinic.objects.update_or_create(
            hsa_id=f"SE2321000000-{suffix}",
            defaults={
                "region": region,
                "name": name,
                "regiform": regiform,
                "listed_patients": listed,
                "cni": Decimal(cni),
                "acg": Decimal(acg),
                "street_address": "Vårdvägen 1",
                "postal_code": "123 45",
                "city": city,
                "external_ids": {"vis": f"VIS-{suffix}"},
            },
        )


def seed(*, stdout=None) -> list[tuple[str, str]]:
    demo, _ = Region.objects.get_or_create(name="Region Demo", defaults={"code": "99", "kolada_id": "0099"})
    exempel, _ = Region.objects.get_or_create(name="Region Exempel", defaults={"code": "98", "kolada_id": "0098"})
    _clinics(demo, DEMO_CLINICS)
    _clinics(exempel, EXEMPEL_CLINICS)
    regions = {region.name: region for region in (demo, exempel)}
    User = get_user_model()
    logins = []
    for username, first, last, region_name, role, party, clinic_suffix in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        clinic = Clinic.objects.get(hsa_id=f"SE2321000000-{clinic_suffix}") if clinic_suffix else None
        Membership.objects.update_or_create(
            user=user, region=regions[region_name], role=role, defaults={"party": party, "clinic": clinic}
        )
        logins.append((username, Membership(role=role, party=party, clinic=clinic).label + f" – {region_name}"))
    return logins
