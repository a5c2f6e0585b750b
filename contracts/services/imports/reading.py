"""Read a contracts CSV: decode it, check the header, cut it into numbered rows."""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.spreadsheets import formula_like
from common.text import TextProblem, text_problem

# The columns of the file, in the order the sample and the README give them.
COLUMNS: tuple[str, ...] = (
    "organisation_name",
    "organisation_kind",
    "organisation_country",
    "organisation_language",
    "partner_name",
    "site_code",
    "site_name",
    "site_country",
    "site_time_zone",
    "site_address",
    "contract_reference",
    "contract_holder",
    "contract_start",
    "contract_end",
    "contact_email",
    "contact_language",
)
# Columns a file may add, in any order: what each site runs (see imports/site_releases.py).
OPTIONAL_COLUMNS: tuple[str, ...] = ("site_release", "site_patch", "site_seats")

FileInput = str | os.PathLike | bytes | IO[str] | IO[bytes]
_CELL_PROBLEMS = {
    TextProblem.NUL: gettext_lazy(
        "this value holds a NUL character, which the database cannot store; remove it"
    ),
    TextProblem.CONTROL: gettext_lazy("this value holds an invisible control character; remove it"),
    TextProblem.SURROGATE: gettext_lazy(
        "this value holds a broken character (a lone surrogate); retype it"
    ),
}


@dataclass(frozen=True)
class RowError:
    """One problem of the file: where (file line, column name) and what, in plain words."""

    line: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if not self.column:
            return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return _("line %(line)d, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class Source:
    """The file as read: its name, the checksum of its bytes and its text (if it decoded)."""

    name: str
    sha256: str
    text: str | None


@dataclass(frozen=True)
class RawRow:
    """One data row: the file line it starts on and its stripped values by column."""

    line: int
    values: dict[str, str]


def source_read(file: FileInput, *, file_name: str | None = None) -> tuple[Source, list[RowError]]:
    """Read a path, bytes or stream into text, refusing anything but UTF-8."""
    if isinstance(file, str | os.PathLike):
        name = Path(file).name
        data: str | bytes = Path(file).read_bytes()
    elif isinstance(file, bytes):
        name, data = "", file
    else:
        name = Path(getattr(file, "name", "") or "").name
        try:
            data = file.read()
        except UnicodeDecodeError:
            return Source(file_name or name, "", None), [_not_utf8(None, None)]
    name = file_name if file_name is not None else name
    raw = data.encode("utf-8") if isinstance(data, str) else data
    sha256 = hashlib.sha256(raw).hexdigest()
    if isinstance(data, str):
        return Source(name, sha256, data.removeprefix("\ufeff")), []
    try:
        # utf-8-sig drops the byte-order mark spreadsheet programs put first.
        return Source(name, sha256, data.decode("utf-8-sig")), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Source(name, sha256, None), [_not_utf8(line, data[exc.start])]


def _not_utf8(line: int | None, byte: int | None) -> RowError:
    if byte is None:
        message = _("the file is not UTF-8 text; save it as “CSV UTF-8” and try again")
    else:
        message = _(
            "byte 0x%(byte)02x is not UTF-8 text; save the file as “CSV UTF-8” and try again"
        ) % {"byte": byte}
    return RowError(line, "", message)


def rows_read(text: str) -> tuple[list[RawRow], list[RowError]]:
    """Cut the text into rows keyed by column; a bad header stops before any row."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [RowError(1, "", _("the file is empty; its first line must name the columns"))]
    # Spreadsheets set to French or German save with semicolons; accept either.
    delimiter = ";" if ";" in lines[0] and "," not in lines[0] else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        return [], [_csv_error(1, exc)]
    errors = _header_errors(header)
    if errors:
        return [], errors
    rows: list[RawRow] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(_width_error(start, len(cells), len(header)))
                continue
            values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            errors += _cell_errors(start, values)
            for name in OPTIONAL_COLUMNS:
                values.setdefault(name, "")
            rows.append(RawRow(start, values))
    except csv.Error as exc:
        errors.append(_csv_error(line, exc))
    return rows, errors


def _cell_errors(line: int, values: dict[str, str]) -> list[RowError]:
    """Refuse a value no database can store, or one a spreadsheet saved as a formula."""
    errors = []
    for column, value in values.items():
        problem = text_problem(value)
        if problem is not None:
            errors.append(RowError(line, column, str(_CELL_PROBLEMS[problem])))
        elif formula_like(value):
            shown = value if len(value) <= 40 else f"{value[:40]}…"
            message = _(
                "“%(value)s” is a spreadsheet formula, not a value; save the file with values "
                "(a value may not start with = or @, nor with + or - unless it is a number or "
                "a phone number)"
            ) % {"value": shown}
            errors.append(RowError(line, column, message))
    return errors


def _csv_error(line: int, exc: csv.Error) -> RowError:
    return RowError(line, "", _("this line cannot be read as CSV (%(error)s)") % {"error": exc})


def _header_errors(header: list[str]) -> list[RowError]:
    if not set(header) & set(COLUMNS):
        message = _(
            "this is not a header of a contracts file; the first line must name the columns: %(columns)s"
        )
        return [RowError(1, "", message % {"columns": ", ".join(COLUMNS)})]
    errors: list[RowError] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, _("this column appears twice")))
        elif name not in COLUMNS and name not in OPTIONAL_COLUMNS:
            errors.append(RowError(1, name, _unknown_column(name)))
        seen.add(name)
    for name in COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("this column is missing")))
    return errors


def _unknown_column(name: str) -> str:
    guess = difflib.get_close_matches(name.lower(), COLUMNS + OPTIONAL_COLUMNS, n=1)
    if guess:
        return _("unknown column (did you mean %(guess)s?)") % {"guess": guess[0]}
    return _("unknown column (the columns are: %(columns)s)") % {"columns": ", ".join(COLUMNS)}


def _width_error(line: int, width: int, expected: int) -> RowError:
    return RowError(
        line,
        "",
        _("this row has %(width)d values but the header names %(expected)d columns")
        % {"width": width, "expected": expected},
    )
