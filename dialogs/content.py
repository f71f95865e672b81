"""Content the dialogs app ships: SKR's 2021 dialogue guide as the national default (see load_content)."""

from dialogs.services.guide import guide_load_shipped


def load(*, stdout=None) -> None:
    version, created = guide_load_shipped()
    if stdout is not None:
        state = "inläst" if created else "redan inläst, oförändrad"
        stdout.write(f"Dialogstöd: {version.guide.name}, {version.label} ({state}).")
