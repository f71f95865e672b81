"""What the signed-in person may open among a dialogue's pages, for its tabs: a tab that could only answer 403
is not shown (the page says instead when it opens)."""

from dataclasses import dataclass

from django import template

from dialogs.access import can_edit_dialogue, can_read_documentation

register = template.Library()


@dataclass(frozen=True)
class DialogueAccess:
    edit: bool
    read_documentation: bool


@register.simple_tag(takes_context=True)
def dialogue_access(context, dialogue) -> DialogueAccess:
    user = context["request"].user
    return DialogueAccess(edit=can_edit_dialogue(user, dialogue), read_documentation=can_read_documentation(user, dialogue))
