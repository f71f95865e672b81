"""The register of personal data, read from every app's ``<app>/personal_data.py`` (``common.personal_data``), and
the rules the retention code and the removal of a person follow from it.

``problems()`` compares the register with the models: a field that can hold text, a file or a person and that no
declaration names, a declared field that does not exist, a path that leads nowhere. A test fails on any of them,
so a new free-text field cannot be added without saying what happens to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from common.apphooks import app_functions
from common.personal_data import REMOVED_TEXT, Declared, Kind, Removal, Retention


def declarations() -> list[Declared]:
    return [declared for provider in app_functions("personal_data", "declarations") for declared in provider()]


def project_models() -> list[type[models.Model]]:
    """The models of the project's own apps (not Django's or third parties'), historical models included."""
    return [
        model for model in apps.get_models()
        if model._meta.app_config.path.startswith(str(settings.BASE_DIR))
        and "site-packages" not in model._meta.app_config.path
    ]


def needs_declaring(model_field) -> bool:
    """Whether a field must be in the register: a link to a person, free text, JSON, bytes, or a short text
    without choices (a name, an address)."""
    if model_field.is_relation:
        return model_field.related_model is get_user_model()
    if isinstance(model_field, (models.TextField, models.JSONField, models.BinaryField)):
        return True
    return isinstance(model_field, models.CharField) and not model_field.choices


def undeclared(found: list[Declared] | None = None) -> dict[str, list[str]]:
    declared_fields = defaultdict(set)
    for declared in declarations() if found is None else found:
        declared_fields[declared.model].update(declared.fields)
    missing = {}
    for model in project_models():
        wanted = [f.name for f in model._meta.concrete_fields if needs_declaring(f)]
        names = [name for name in wanted if name not in declared_fields[model._meta.label]]
        if names:
            missing[model._meta.label] = names
    return missing


def _follow(model, path: str):
    """The model at the end of a query path (``answer__dialogue``), or None when the path leads nowhere."""
    if path == "pk":
        return model
    for part in path.split("__"):
        try:
            step = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not step.is_relation:
            return None
        model = step.related_model
    return model


def problems(found: list[Declared] | None = None) -> list[str]:
    found = declarations() if found is None else found
    user_model, dialogue_model = get_user_model(), apps.get_model("dialogs", "Dialogue")
    errors = [f"{label}: {', '.join(names)} not declared" for label, names in undeclared(found).items()]
    for declared in found:
        try:
            model = apps.get_model(declared.model)
        except (LookupError, ValueError):
            errors.append(f"{declared.model}: no such model")
            continue
        for name in declared.fields:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(f"{declared.model}.{name}: no such field")
                continue
            if declared.kind == Kind.PERSON_LINK and model_field.related_model is not user_model:
                errors.append(f"{declared.model}.{name}: a person link must point at the user model")
        if declared.dialogue and _follow(model, declared.dialogue) is not dialogue_model:
            errors.append(f"{declared.model}: {declared.dialogue!r} does not lead to a dialogue")
        if declared.person and _follow(model, declared.person) is not user_model:
            errors.append(f"{declared.model}: {declared.person!r} does not lead to a person")
    for label, scopes in _scopes(found).items():
        if len(scopes) > 1:
            errors.append(f"{label}: declarations disagree on the way to the dialogue ({sorted(scopes)})")
    return errors


def _scopes(found: list[Declared]) -> dict[str, set[tuple[str, str]]]:
    scopes = defaultdict(set)
    for declared in found:
        if declared.dialogue or declared.topic:
            scopes[declared.model].add((declared.dialogue, declared.topic))
    return scopes


# --- Rules for the retention code ------------------------------------------------------------------------------


@dataclass
class DialogueRule:
    """What the retention rule does to one model's rows of a dialogue: delete them, or empty some fields."""

    model: type[models.Model]
    dialogue: str  # path to the dialogue, or "" when the rows name it by ``topic``
    topic: str
    delete_rows: bool = False
    blank: list = field(default_factory=list)  # model fields emptied

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self, dialogue_ids):
        if self.topic:
            return self.model._default_manager.filter(topic__in=[f"{self.topic}:{pk}" for pk in dialogue_ids])
        return self.model._default_manager.filter(**{f"{self.dialogue}__in": list(dialogue_ids)})

    def group_key(self) -> str:
        return "topic" if self.topic else self.dialogue

    def dialogue_of(self, value) -> int:
        """The dialogue id of a row's group key (``group_key``)."""
        return int(str(value).rsplit(":", 1)[-1]) if self.topic else value

    def filled(self, queryset):
        """The rows with something in the fields this rule empties."""
        if self.delete_rows or not self.blank:
            return queryset
        all_empty = models.Q()
        for model_field in self.blank:
            all_empty &= empty_filter(model_field)
        return queryset.exclude(all_empty)


def empty_value(model_field):
    """What an emptied field holds: [] or {} for JSON, b"" for bytes, "" for an address, else ``REMOVED_TEXT``."""
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    if isinstance(model_field, models.BinaryField):
        return b""
    if isinstance(model_field, (models.EmailField, models.URLField)):
        return ""
    return REMOVED_TEXT


def empty_filter(model_field) -> models.Q:
    """Rows whose field holds nothing to remove: empty, or already emptied."""
    name = model_field.name
    if isinstance(model_field, models.JSONField):
        return models.Q(**{name: model_field.get_default()}) | models.Q(**{f"{name}__isnull": True})
    if isinstance(model_field, models.BinaryField):
        return models.Q(**{name: b""})
    return models.Q(**{name: ""}) | models.Q(**{name: REMOVED_TEXT})


@cache
def dialogue_rules() -> list[DialogueRule]:
    """One rule per model that has rows belonging to a dialogue, in the order the apps declare them."""
    rules: dict[str, DialogueRule] = {}
    for declared in declarations():
        if not (declared.dialogue or declared.topic):
            continue
        model = apps.get_model(declared.model)
        rule = rules.setdefault(declared.model, DialogueRule(model, declared.dialogue, declared.topic))
        action = declared.retention_action
        if action == Retention.DELETE_ROWS:
            rule.delete_rows = True
        elif action == Retention.BLANK:
            rule.blank += [model._meta.get_field(name) for name in declared.fields if not _is_link(model, name)]
    return list(rules.values())


def _is_link(model, name: str) -> bool:
    return model._meta.get_field(name).is_relation


# --- Rules for the removal of a person and the register extract -------------------------------------------------


@dataclass
class PersonRule:
    """The rows of one model linked to a person by one path, and what removing the person does with them."""

    model: type[models.Model]
    person: str
    delete_rows: bool = False
    blank: list = field(default_factory=list)
    shown: list = field(default_factory=list)  # fields that go into the register extract
    dialogue: str = ""

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def link_label(self) -> str:
        first = self.person.split("__", 1)[0]
        return str(self.model._meta.get_field(first).verbose_name)

    def rows(self, user):
        return self.model._default_manager.filter(**{self.person: user})


@cache
def person_rules() -> list[PersonRule]:
    rules: dict[tuple[str, str], PersonRule] = {}
    dialogue_paths = {declared.model: declared.dialogue for declared in declarations() if declared.dialogue}

    def rule_for(label: str, person: str) -> PersonRule:
        return rules.setdefault(
            (label, person), PersonRule(apps.get_model(label), person, dialogue=dialogue_paths.get(label, ""))
        )

    for declared in declarations():
        model = apps.get_model(declared.model)
        if declared.kind == Kind.PERSON_LINK:
            for name in declared.fields:
                rule = rule_for(declared.model, name)
                rule.delete_rows |= declared.removal == Removal.DELETE_ROWS
            continue
        if not declared.person:
            continue
        rule = rule_for(declared.model, declared.person)
        fields = [model._meta.get_field(name) for name in declared.fields]
        if declared.removal == Removal.DELETE_ROWS:
            rule.delete_rows = True
        elif declared.removal == Removal.BLANK:
            rule.blank += fields
        if declared.kind == Kind.PERSON or declared.authored:
            rule.shown += [f for f in fields if not isinstance(f, models.BinaryField)]
    return list(rules.values())


def inventory() -> list[tuple[str, str, str, str]]:
    """(model, fields, kind, purpose) of every declaration about people, for the record of processing."""
    rows = []
    for declared in declarations():
        if declared.kind in (Kind.FREE_TEXT, Kind.PERSON, Kind.PERSON_LINK, Kind.RECORD):
            model = apps.get_model(declared.model)
            rows.append((str(model._meta.verbose_name), ", ".join(declared.fields), declared.kind.value, declared.purpose))
    return rows
