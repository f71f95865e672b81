"""Demo data for the dialogs app: Region Demo gets its own guide, copied from the shipped SKR guide."""

from dialogs.models import Guide
from dialogs.services.guide import guide_adopt, guide_load_shipped
from organisations.models import Region


def seed(*, stdout=None) -> list[tuple[str, str]]:
    national, _created = guide_load_shipped()
    region = Region.objects.get(name="Region Demo")
    if not Guide.objects.filter(region=region).exists():
        guide_adopt(region=region, source=national, user=None)
        if stdout is not None:
            stdout.write(f"Region Demo har fått dialogstödet {national.label}.")
    from dialogs.demo_dialogues import seed as seed_dialogues

    seed_dialogues(stdout=stdout)
    return []
