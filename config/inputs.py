"""Rules for what people send that hold for every form, model and JSON endpoint of the project, installed once at
start-up (``config/apps.py``) instead of field by field.

* **One-line text has no control characters.** A line break in a clinic's name once ended up in an e-mail
  header; a NUL or an escape character in a title breaks exports and screen readers. Every form ``CharField``
  whose widget is a single-line input (a text, e-mail, URL, search or hidden input, a select) refuses control
  characters with a message naming the field (a password is left as typed), and its ``max_length`` holds even
  when it was set after the field was made. Multi-line fields (``Textarea``) keep line breaks and tabs and
  lose the other control characters. Data that arrives another way (the clinic CSV import, the guide's JSON
  exchange) is judged by the same rules at model level: every ``CharField`` of the project's models validates
  one line, every ``TextField`` refuses control characters other than line breaks and tabs (``full_clean``).
* **A text with a NUL character matches nothing** (``exact``, ``in``, ``contains`` … on text columns): PostgreSQL
  refused it as a parameter, so a URL such as ``/kalender/%00.ics`` answered 500.
* **Ids out of the database's integer range match nothing.** Django already answers an ``exact`` lookup with
  such a number with "no rows"; ``__in`` (what ``ModelMultipleChoiceField`` and most "these ids" queries use)
  raised ``OverflowError`` on SQLite. The ``in`` lookup of integer and foreign-key fields now leaves out values
  outside the column's range, which can match no row anyway.
* **JSON bodies** are read by ``read_json_body``: strict UTF-8, limited nesting, no lone surrogates (``"\\ud800"``
  is valid JSON but can be stored by no database), refused with a message and 400 before anything is written.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.core.exceptions import EmptyResultSet, RequestDataTooBig, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import (
    Contains,
    EndsWith,
    Exact,
    IContains,
    IEndsWith,
    IExact,
    In,
    IStartsWith,
    StartsWith,
)
from django.forms.boundfield import BoundField
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# C0 and C1 control characters, the Unicode line and paragraph separators, and lone surrogates.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# In multi-line text: the same, except tab, line feed and carriage return.
_NOT_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

MAX_JSON_DEPTH = 20


def is_one_line(value: str) -> bool:
    return not _NOT_ONE_LINE.search(value)


def is_clean_multiline(value: str) -> bool:
    return not _NOT_MULTILINE.search(value)


def has_lone_surrogate(value: str) -> bool:
    return bool(_SURROGATE.search(value))


def one_line_message(field: str) -> str:
    return _("”%(field)s” får inte innehålla radbrytningar, tabbar eller andra styrtecken. Skriv allt på en rad.") % {
        "field": field
    }


def multiline_message(field: str) -> str:
    return _("”%(field)s” innehåller tecken som inte kan sparas (styrtecken). Ta bort dem och försök igen.") % {
        "field": field
    }


# --- Forms ----------------------------------------------------------------------------------------------------


def _is_multiline_widget(widget) -> bool:
    return isinstance(widget, forms.Textarea)


def _field_label(bound_field: BoundField) -> str:
    return str(bound_field.label or capfirst(bound_field.name.replace("_", " ")))


def _checked_text(field: forms.CharField, bound_field: BoundField, value):
    """The value a CharField goes on to clean: one-line text refused if it has control characters, multi-line
    text without them (line breaks and tabs kept). A password is a secret nobody reads: left as typed."""
    if isinstance(value, list | tuple):
        return type(value)(_checked_text(field, bound_field, item) for item in value)
    if not isinstance(value, str) or isinstance(field.widget, forms.PasswordInput):
        return value
    if _is_multiline_widget(field.widget):
        if has_lone_surrogate(value):
            raise ValidationError(multiline_message(_field_label(bound_field)), code="control_characters")
        return _NOT_MULTILINE.sub("", value)
    if not is_one_line(value):
        raise ValidationError(one_line_message(_field_label(bound_field)), code="control_characters")
    return value


def _clean_char_bound_field(self, bound_field):
    value = _checked_text(self, bound_field, bound_field.initial if self.disabled else bound_field.data)
    if self.max_length is not None and isinstance(value, str):
        # A max_length set after the field was made (AuthenticationForm's username) has no validator of its own:
        # 20,000 characters went on to django-axes, whose column holds 255 (a 500 on PostgreSQL).
        MaxLengthValidator(self.max_length)(value)
    return self.clean(value)


# --- Models ---------------------------------------------------------------------------------------------------


class OneLineValidator:
    """Model-level: a CharField's value is one line without control characters."""

    code = "control_characters"

    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        if isinstance(value, str) and not is_one_line(value):
            raise ValidationError(one_line_message(capfirst(str(self.label))), code=self.code)

    def __eq__(self, other):
        return isinstance(other, type(self)) and other.label == self.label


class MultilineValidator(OneLineValidator):
    """Model-level: a TextField's value has no control characters other than line breaks and tabs."""

    def __call__(self, value):
        if isinstance(value, str) and not is_clean_multiline(value):
            raise ValidationError(multiline_message(capfirst(str(self.label))), code=self.code)


def _project_models():
    from django.apps import apps
    from django.conf import settings

    root = str(settings.BASE_DIR)
    for app_config in apps.get_app_configs():
        if app_config.path.startswith(root) and "site-packages" not in app_config.path:
            yield from app_config.get_models()


def _add_model_validators() -> None:
    """Added to each field's validator list at run time, not to its definition: migrations do not change."""
    for model in _project_models():
        for field in model._meta.concrete_fields:
            if field.choices or not isinstance(field, models.CharField | models.TextField):
                continue
            validator_class = MultilineValidator if isinstance(field, models.TextField) else OneLineValidator
            validator = validator_class(field.verbose_name)
            if validator not in field.validators:
                field.validators.append(validator)


# --- Integer ids out of range ----------------------------------------------------------------------------------


def _integer_target(field):
    while getattr(field, "target_field", None) is not None and field.target_field is not field:
        field = field.target_field
    return field if isinstance(field, models.IntegerField) else None


class _InRangeMixin:
    """``in`` that leaves out integers the column cannot hold (they match no row; SQLite raised OverflowError)."""

    def process_rhs(self, compiler, connection):
        target = _integer_target(self.lhs.output_field)
        if target is not None and self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(target.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


class IntegerIn(_InRangeMixin, In):
    pass


class RelatedIntegerIn(_InRangeMixin, RelatedIn):
    pass


# --- Text with a NUL character ------------------------------------------------------------------------------------


class _NoNulMixin:
    """A text with a NUL character matches no stored text: PostgreSQL can store none (and no form or model lets one
    in), and it refuses one as a query parameter with a DataError – a 500 for a URL such as /kalender/%00.ics."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            if isinstance(self.rhs, str) and "\x00" in self.rhs:
                raise EmptyResultSet
            if isinstance(self.rhs, list | tuple | set):
                self.rhs = [value for value in self.rhs if not (isinstance(value, str) and "\x00" in value)]
        return super().process_rhs(compiler, connection)


TEXT_LOOKUPS = [
    type(f"NoNul{lookup.__name__}", (_NoNulMixin, lookup), {})
    for lookup in (In, Exact, IExact, Contains, IContains, StartsWith, IStartsWith, EndsWith, IEndsWith)
]


# --- JSON bodies -----------------------------------------------------------------------------------------------


class JsonBodyError(Exception):
    """A JSON request body that cannot be used; ``message`` says why, ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def _walk(value, depth: int, max_depth: int) -> None:
    if depth > max_depth:
        raise JsonBodyError(_("Innehållet är för djupt nästlat."))
    if isinstance(value, str):
        if has_lone_surrogate(value):
            raise JsonBodyError(
                _("Texten innehåller ett ogiltigt tecken (ett ensamt surrogattecken) och kan inte sparas. "
                  "Ingenting har sparats; ta bort tecknet och försök igen.")
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(key, depth + 1, max_depth)
            _walk(item, depth + 1, max_depth)
    elif isinstance(value, list):
        for item in value:
            _walk(item, depth + 1, max_depth)


def read_json_body(request, *, max_depth: int = MAX_JSON_DEPTH):
    """The request's JSON body, or ``JsonBodyError`` (400, or 413 for a body over the upload limit)."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise JsonBodyError(_("Innehållet är för stort."), status=413) from None
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise JsonBodyError(_("Innehållet är inte kodat som UTF-8.")) from None
    except RecursionError:
        raise JsonBodyError(_("Innehållet är för djupt nästlat.")) from None
    except ValueError:
        raise JsonBodyError(_("Innehållet är inte giltig JSON.")) from None
    _walk(payload, 0, max_depth)
    return payload


# --- Installation -------------------------------------------------------------------------------------------------

_installed = False


def install() -> None:
    """Register the rules (idempotent)."""
    global _installed
    if _installed:
        return
    forms.CharField._clean_bound_field = _clean_char_bound_field
    models.IntegerField.register_lookup(IntegerIn)
    models.ForeignObject.register_lookup(RelatedIntegerIn)
    for lookup in TEXT_LOOKUPS:
        models.CharField.register_lookup(lookup)
        models.TextField.register_lookup(lookup)
    _add_model_validators()
    _installed = True

