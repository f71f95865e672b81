"""Views of the dialogs app: the guide in guide.py and guide_editor.py, dialogues in dialogue.py; the app's
entry point here."""

from django.shortcuts import redirect
from django.views.decorators.http import require_GET


@require_GET
def index(request):
    """The "Dialoger" menu item: the overview of the region's dialogues, which links planning and the guide."""
    return redirect("dialogs:dialogue_list")
