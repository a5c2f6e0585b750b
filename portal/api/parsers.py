"""The API's JSON parser: refuses bodies nested too deep and text no database can take.

``json.loads`` recurses once per level, so a body of 5,000 brackets raised RecursionError (a
500). The depth is counted on the raw text first, strings left out, and a body deeper than
MAX_DEPTH is refused before anything is parsed. Then every key and string is checked with
``common.text``: a NUL reached PostgreSQL, and a lone surrogate broke the error that echoed it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from common.text import TextProblem, text_problem
from portal.inputs import PROBLEM_MESSAGES

# No request of the API nests deeper than 3; 32 leaves room and stays far below the
# interpreter's recursion limit (1,000).
MAX_DEPTH = 32
# A JSON string, escapes included: what may hold brackets that do not nest anything.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Return whether the JSON text opens more than `limit` arrays or objects inside each other."""
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def first_text_problem(data: object) -> TextProblem | None:
    """Return the first problem of any key or string in parsed JSON, or None (no recursion)."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts, multiline = [item], True
        elif isinstance(item, dict):
            texts, multiline = list(item), False
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
            continue
        else:
            continue
        for text in texts:
            if (problem := text_problem(text, multiline=multiline)) is not None:
                return problem
    return None


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing too deep a body and NUL, control or surrogate characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if nesting_exceeds(text):
            raise ParseError(
                _("The body nests more than %(limit)d arrays or objects inside each other.")
                % {"limit": MAX_DEPTH},
                code="nesting_too_deep",
            )
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        problem = first_text_problem(data)
        if problem is not None:
            raise ParseError(PROBLEM_MESSAGES[problem], code=problem.value)
        return data
