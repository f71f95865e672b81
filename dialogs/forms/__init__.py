"""Forms of the dialogs app, one module per area."""
