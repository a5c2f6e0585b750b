"""`manage.py import_contracts FILE`: summary, errors, exit status (issue 3 item 6)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from contracts.models import Contract, ImportRun, Organization

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "contracts" / "samples" / "contracts.csv"


@pytest.fixture
def keep_connection(monkeypatch):
    """Stop manage.py's exit path from closing the test's database connection."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_contracts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def manage(*args: str) -> None:
    """Run like `manage.py ...`, exit status included; system checks belong to other tests."""
    ManagementUtility(["manage.py", *args, "--skip-checks"]).execute()


def bad_copy(tmp_path: Path) -> Path:
    """Return the sample with line 3's end date made impossible."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("2027-12-31", "2027-02-30")
    path = tmp_path / "bad.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_it_imports_the_sample_and_prints_one_summary_line():
    out, _err = run(str(SAMPLE))

    assert out.startswith("organizations created=11 updated=0 unchanged=0 sites created=18 ")
    assert "contracts created=13 updated=0 unchanged=0" in out
    assert Organization.objects.count() == 11


def test_a_second_run_reports_everything_unchanged():
    run(str(SAMPLE))

    out, _err = run(str(SAMPLE))

    assert "organizations created=0 updated=0 unchanged=11" in out
    assert "contracts created=0 updated=0 unchanged=13" in out


def test_errors_are_printed_by_line_and_column_and_nothing_is_saved(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(str(bad_copy(tmp_path)))

    assert "refused, 1 error(s); nothing was saved" in str(caught.value)
    assert not Contract.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_errors_go_to_stderr_and_the_exit_status_is_1(tmp_path, capsys, keep_connection):
    with pytest.raises(SystemExit) as caught:
        manage("import_contracts", str(bad_copy(tmp_path)))

    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "line 3, column contract_end: 2027-02-30 is not a real date (use YYYY-MM-DD)" in err


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nowhere.csv"))

    assert not ImportRun.objects.exists()


def test_a_file_not_in_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("latin-1"))

    with pytest.raises(CommandError):
        run(str(path))


def test_a_file_not_in_utf8_names_the_line(tmp_path, capsys, keep_connection):
    path = tmp_path / "latin1.csv"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("latin-1"))

    with pytest.raises(SystemExit):
        manage("import_contracts", str(path))

    # Line 13 is the first with an accented letter (Atelier Numérique).
    assert "line 13: byte 0xe9 is not UTF-8 text" in capsys.readouterr().err
    assert not Organization.objects.exists()


def test_a_dry_run_saves_nothing_and_says_so():
    out, _err = run(str(SAMPLE), "--dry-run")

    assert out.startswith("dry run, nothing saved: organizations created=11")
    assert not Organization.objects.exists()


def test_the_progress_bar_is_drawn_on_stderr_when_asked():
    _out, err = run(str(SAMPLE), "--progress")

    assert "20/20" in err


def test_no_progress_bar_when_stderr_is_not_a_terminal():
    _out, err = run(str(SAMPLE))

    assert err == ""
