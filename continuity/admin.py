"""The continuity app has no models of its own: it reads dialogs, indicators and feedback."""
