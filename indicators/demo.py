"""Demo observations for Region Demo's clinics (organisations/demo.py creates them), imported through the
real import path so that they have a batch with provenance like any other data.

Ten years, women/men/total, small and large clinics (denominators follow the listed patients), the region
and the country as benchmarks, and one clinic – Åsens vårdcentral – whose doctor continuity rises for good
from 2020, a genuine shift that a run chart's rules catch. Deterministic, so a second run finds the same
file already imported and does nothing.
"""

import numpy as np

from indicators import content, imports
from indicators.imports.write import sha256
from indicators.models import BatchStatus, ImportBatch
from organisations.models import Clinic, Region

DEMO_FILE_NAME = "demo-indikatorer.csv"
YEARS = range(2015, 2025)
SHIFT_CLINIC = "SE2321000000-D005"
SHIFT_YEAR = 2020

# code, base level (%), yearly drift (points), share of listed patients in the denominator, spread between clinics
INDICATORS = [
    ("PVK-01", 42.0, 0.3, 0.35, 6.0),
    ("NDR-HBA1C-52", 58.0, 0.4, 0.04, 5.0),
    ("VIV-BEDOMNING-3-DAGAR", 78.0, -0.5, 0.45, 7.0),
    ("PVK-ANTIBIOTIKA-LVI", 38.0, -1.2, 0.08, 6.0),
    ("PVK-HYPERTONI-PREV", 14.0, 0.2, 0.8, 2.5),
    ("SENIORALERT-RISK", 61.0, 1.0, 0.02, 8.0),
]
SEX_SHARE = {"K": 0.52, "M": 0.48}
SEX_OFFSET = {"K": 1.5, "M": -1.5}


def _csv(region: Region, clinics: list[Clinic]) -> bytes:
    rng = np.random.default_rng(2021)
    lines = ["indikator;enhet;period;kön;värde;täljare;nämnare"]

    def row(code: str, unit: str, year: int, sex: str, numerator: int, denominator: int) -> None:
        value = f"{100 * numerator / denominator:.1f}".replace(".", ",")
        lines.append(f"{code};{unit};{year};{sex};{value};{numerator};{denominator}")

    for code, base, drift, share, spread in INDICATORS:
        region_totals = {}
        for clinic in clinics:
            level = base + rng.normal(0, spread)
            for index, year in enumerate(YEARS):
                expected = level + drift * index
                if code == "PVK-01" and clinic.hsa_id == SHIFT_CLINIC and year >= SHIFT_YEAR:
                    expected += 14.0
                totals = [0, 0]
                for sex in ("K", "M"):
                    denominator = max(5, int(rng.poisson((clinic.listed_patients or 5000) * share * SEX_SHARE[sex])))
                    p = min(max((expected + SEX_OFFSET[sex]) / 100, 0.01), 0.99)
                    numerator = int(rng.binomial(denominator, p))
                    row(code, clinic.hsa_id, year, sex, numerator, denominator)
                    totals[0] += numerator
                    totals[1] += denominator
                    region_totals.setdefault((year, sex), [0, 0])
                    region_totals[(year, sex)][0] += numerator
                    region_totals[(year, sex)][1] += denominator
                row(code, clinic.hsa_id, year, "T", *totals)
                region_totals.setdefault((year, "T"), [0, 0])
                region_totals[(year, "T")][0] += totals[0]
                region_totals[(year, "T")][1] += totals[1]
        for (year, sex), (numerator, denominator) in sorted(region_totals.items()):
            row(code, region.name, year, sex, numerator, denominator)
        for index, year in enumerate(YEARS):
            for sex in ("T", "K", "M"):
                denominator = int(2_000_000 * share * (1 if sex == "T" else SEX_SHARE[sex]))
                p = (base + drift * index + (SEX_OFFSET.get(sex, 0.0))) / 100
                row(code, "Riket", year, sex, int(round(denominator * p)), denominator)
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed(*, stdout=None):
    region = Region.objects.filter(name="Region Demo").first()
    if region is None:
        return []
    content.load()
    clinics = list(region.clinics.order_by("hsa_id"))
    data = _csv(region, clinics)
    if ImportBatch.objects.filter(region=region, checksum=sha256(data), status=BatchStatus.DONE).exists():
        return []
    admin = region.memberships.filter(role="admin").select_related("user").first()
    batch = imports.import_batch_create_from_bytes(
        region=region, user=admin.user if admin else None, file_name=DEMO_FILE_NAME, content=data
    )
    report = imports.observations_import(batch=batch, valid_rows_only=False, dry_run=False, content=data)
    if stdout is not None:
        stdout.write(f"Indikatorvärden för Region Demo: {report.added} nya, {report.changed} ändrade.")
    return []
