"""What may go into an e-mail header: one line, no control characters, a valid address."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\s]+")

SUBJECT_MAX = 250


def header_text(text: str, *, max_length: int = SUBJECT_MAX) -> str:
    """One line of text for a header such as the subject: every run of white space or control characters
    (CR and LF included, so nothing can add a header) becomes one space."""
    line = _CONTROL_OR_SPACE.sub(" ", str(text)).strip()
    return line if len(line) <= max_length else line[: max_length - 1].rstrip() + "…"


def is_valid_address(address: str) -> bool:
    if not address or _CONTROL_OR_SPACE.search(address):
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True
