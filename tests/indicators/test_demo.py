"""Demo observations: several indicators, ten years, women/men, benchmarks and one genuine shift."""

from django.core.management import call_command

from indicators import stats
from indicators.demo import SHIFT_CLINIC
from indicators.models import Observation


def test_demo_seeds_realistic_observations_idempotently(db, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("demo")
    count = Observation.objects.count()
    call_command("demo")
    assert Observation.objects.count() == count
    clinic_rows = Observation.objects.filter(unit_kind="clinic")
    assert clinic_rows.values("indicator").distinct().count() >= 5
    assert clinic_rows.values("clinic").distinct().count() == 8
    assert clinic_rows.values("period_start__year").distinct().count() >= 8
    assert set(clinic_rows.values_list("sex", flat=True)) == {"T", "K", "M"}
    assert Observation.objects.filter(unit_kind="region").exists() and Observation.objects.filter(unit_kind="nation").exists()
    denominators = dict(clinic_rows.filter(sex="T", indicator__code="PVK-01", period_start__year=2020)
                        .values_list("clinic__hsa_id", "denominator"))
    assert max(denominators.values()) > 4 * min(denominators.values())  # small and large clinics

    def signal(hsa_id: str) -> bool:
        series = clinic_rows.filter(clinic__hsa_id=hsa_id, indicator__code="PVK-01", sex="T").order_by("period_start")
        return stats.run_chart([o.value for o in series]).signal

    assert signal(SHIFT_CLINIC)
