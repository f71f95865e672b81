"""The register of personal data (issue 15 §3) names every field that can hold text, a file or a person, in every
model of every app: adding one without saying what the retention rule and the removal of a person do with it fails
here."""

from common.personal_data import Declared, Kind
from privacy import registry


def test_every_free_text_name_file_and_person_link_is_declared():
    assert registry.problems() == []


def test_a_field_left_out_of_the_register_is_named():
    found = [declared for declared in registry.declarations() if declared.model != "dialogs.AgendaNote"]
    problems = registry.problems(found)
    assert "dialogs.AgendaNote: updated_by, text not declared" in problems


def test_declarations_that_lead_nowhere_are_named():
    wrong = [
        Declared("dialogs.Answer", ["no_such_field"], Kind.FREE_TEXT, dialogue="dialogue"),
        Declared("dialogs.TeamLesson", ["text"], Kind.FREE_TEXT, dialogue="created_by"),
        Declared("dialogs.Answer", ["text"], Kind.PERSON_LINK),
        Declared("no.Model", ["x"], Kind.CONTENT),
    ]
    problems = registry.problems(registry.declarations() + wrong)
    assert "dialogs.Answer.no_such_field: no such field" in problems
    assert "dialogs.TeamLesson: 'created_by' does not lead to a dialogue" in problems
    assert "dialogs.Answer.text: a person link must point at the user model" in problems
    assert "no.Model: no such model" in problems
    assert any(problem.startswith("dialogs.TeamLesson: declarations disagree") for problem in problems)


def test_the_retention_rule_covers_the_free_text_of_every_app():
    """Every free-text field that belongs to a dialogue is emptied or its rows deleted."""
    ruled = {}
    for rule in registry.dialogue_rules():
        ruled[rule.model._meta.label] = rule
    for declared in registry.declarations():
        if declared.kind == Kind.FREE_TEXT and (declared.dialogue or declared.topic):
            rule = ruled[declared.model]
            assert rule.delete_rows or set(declared.fields) <= {f.name for f in rule.blank}, declared


def test_the_record_of_processing_names_every_model_with_personal_data():
    """docs/privacy.md lists, in both languages, every model the register says holds personal data."""
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "privacy.md").read_text(encoding="utf-8")
    for model, _fields, _kind, _purpose in registry.inventory():
        assert f"| {model} |" in text, model
