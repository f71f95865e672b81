"""Writes of the dialogs app, one module per area (guide.py for the dialogue guide)."""
