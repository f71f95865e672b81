"""Reads of the dialogs app that are more than a queryset, one module per area."""
