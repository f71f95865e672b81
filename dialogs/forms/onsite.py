"""The on-site form: one ``AnswerForm`` per question, prefixed ``q<question id>`` inside a section's plain HTML
form, and unprefixed for the JSON autosave endpoint. The forms convert what the browser sends into the shape
``dialogs.services.answers.answer_save`` takes; the rules about content (length, which choices a question has)
are the service's, so a plain post and an autosave are judged the same way."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogs.models import AnswerKind, Question
from dialogs.models.answers import YesNo


def question_prefix(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Anteckningar"), required=False, strip=False, widget=forms.Textarea)
    yes_no = forms.ChoiceField(label=_("Ja eller nej"), choices=YesNo.choices, required=False)

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        if question.kind != AnswerKind.YES_NO:
            del self.fields["yes_no"]
        if question.kind == AnswerKind.SEQUENCE:
            del self.fields["text"]
        if question.kind == AnswerKind.CHOICES:
            for index, label in enumerate(question.choices):
                self.fields[f"choice_{index}"] = forms.ChoiceField(label=label, choices=YesNo.choices, required=False)
        if question.kind == AnswerKind.SEQUENCE:
            for index, prompt in enumerate(question.prompts):
                self.fields[f"prompt_{index}"] = forms.CharField(
                    label=prompt, required=False, strip=False, widget=forms.Textarea
                )

    @property
    def is_posted(self) -> bool:
        """Whether the post carried this question at all (a section form posts only its own questions)."""
        return self.add_prefix("base_revision") in self.data

    def answer(self) -> dict:
        """The cleaned answer as keyword arguments for ``answer_save``."""
        cleaned = self.cleaned_data
        choices = self.question.choices if self.question.kind == AnswerKind.CHOICES else []
        prompts = self.question.prompts if self.question.kind == AnswerKind.SEQUENCE else []
        return {
            "base_revision": cleaned["base_revision"],
            "text": cleaned.get("text", ""),
            "yes_no": cleaned.get("yes_no", ""),
            "choice_values": {label: cleaned.get(f"choice_{index}", "") for index, label in enumerate(choices)},
            "prompt_answers": [cleaned.get(f"prompt_{index}", "") for index in range(len(prompts))],
        }

    def kept_draft(self) -> dict:
        """For a post the form could not read: the posted texts as they were, kept for the page with a message."""
        raw = {name: self.data.get(self.add_prefix(name), "") for name in self.fields}
        choices = self.question.choices if self.question.kind == AnswerKind.CHOICES else []
        prompts = self.question.prompts if self.question.kind == AnswerKind.SEQUENCE else []
        return {
            "reason": "invalid",
            "message": str(_("Svaret kunde inte läsas. Kontrollera valen och spara igen.")),
            "base_revision": self.cleaned_data.get("base_revision") or 0,
            "mine": {
                "text": raw.get("text", ""),
                "yes_no": "",
                "choice_values": {label: "" for label in choices},
                "prompt_answers": [raw.get(f"prompt_{index}", "") for index in range(len(prompts))],
            },
        }

    @classmethod
    def data_from_json(cls, payload, question: Question) -> dict | None:
        """The form data for a JSON autosave body ``{base_revision, text, yes_no, choice_values, prompt_answers}``,
        or None when the body does not have that shape (wrong types, choices or prompts the question lacks)."""
        if not isinstance(payload, dict):
            return None
        base_revision = payload.get("base_revision")
        text, yes_no = payload.get("text", ""), payload.get("yes_no", "")
        choice_values = payload.get("choice_values") or {}
        prompt_answers = payload.get("prompt_answers") or []
        if (
            not isinstance(base_revision, int)
            or isinstance(base_revision, bool)
            or not isinstance(text, str)
            or not isinstance(yes_no, str)
            or not isinstance(choice_values, dict)
            or not all(isinstance(value, str) for value in choice_values.values())
            or not isinstance(prompt_answers, list)
            or not all(isinstance(part, str) for part in prompt_answers)
        ):
            return None
        labels = list(question.choices) if question.kind == AnswerKind.CHOICES else []
        prompts = list(question.prompts) if question.kind == AnswerKind.SEQUENCE else []
        if set(choice_values) - set(labels) or len(prompt_answers) > len(prompts):
            return None
        data = {"base_revision": base_revision, "text": text, "yes_no": yes_no}
        data.update({f"choice_{index}": choice_values.get(label, "") for index, label in enumerate(labels)})
        data.update({f"prompt_{index}": part for index, part in enumerate(prompt_answers)})
        return data
