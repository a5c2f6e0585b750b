"""Text no database or parser can take: NUL and other control characters, lone surrogates.

PostgreSQL refuses NUL in a text value (a 500 if it gets that far), a lone surrogate cannot be
encoded as UTF-8 (a 500 when an error echoes it back), and control characters break the CSV and
spreadsheet exports. The request checks (``portal.inputs``, ``portal.api.parsers``) refuse such
text at the door with a 400, so nothing below them ever sees it.
"""

from __future__ import annotations

import re
from enum import StrEnum

# Tab, line feed and carriage return are ordinary in a multi-line text; no other C0 control is.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ANY_CONTROL = re.compile("[\x00-\x1f]")
# In a Python string every surrogate is a lone one: a valid pair decodes to one code point.
_SURROGATE = re.compile("[\ud800-\udfff]")


class TextProblem(StrEnum):
    """Why a text is refused; the value is the machine-readable code errors carry."""

    NUL = "nul_character"
    CONTROL = "control_character"
    SURROGATE = "lone_surrogate"


def has_nul(text: str) -> bool:
    """Return whether the text holds a NUL character."""
    return "\x00" in text


def has_control(text: str, *, multiline: bool = True) -> bool:
    """Return whether the text holds a C0 control character (tab, LF, CR allowed if multiline)."""
    return (_CONTROL if multiline else _ANY_CONTROL).search(text) is not None


def has_lone_surrogate(text: str) -> bool:
    """Return whether the text holds a surrogate code point, which UTF-8 cannot encode."""
    return _SURROGATE.search(text) is not None


def text_problem(text: str, *, multiline: bool = True) -> TextProblem | None:
    """Return why the text cannot be taken, or None if it can.

    ``multiline=False`` is for names (a path, a parameter's name), where even tab, LF and CR
    are refused.
    """
    if has_nul(text):
        return TextProblem.NUL
    if has_lone_surrogate(text):
        return TextProblem.SURROGATE
    if has_control(text, multiline=multiline):
        return TextProblem.CONTROL
    return None
