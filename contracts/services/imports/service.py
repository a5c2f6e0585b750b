"""The contracts import: check the whole file, then write all of it or nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import ImportRun
from contracts.services.imports.checks import checks_run
from contracts.services.imports.existing import existing_load
from contracts.services.imports.plan import KINDS, Plan, plan_make
from contracts.services.imports.reading import (
    FileInput,
    RowError,
    Source,
    rows_read,
    source_read,
)
from contracts.services.imports.rows import ParsedRow, row_parse
from contracts.services.imports.site_releases import (
    site_releases_check,
    site_releases_collect,
    site_releases_write,
)
from contracts.services.imports.specs import FileSpecs, specs_collect
from contracts.services.imports.writing import plan_apply

Progress = Callable[[int, int], None]  # (rows checked, rows in the file)
# A file wrong from top to bottom says so in the first errors; the rest add nothing.
MAX_ERRORS = 500
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or would do, in a dry run), and why it was refused if it was."""

    run: ImportRun
    rows: int
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """Return one line of counts, such as `organizations created=2 updated=0 ...`."""
        return counts_summary(self.counts)


def counts_summary(counts: dict[str, dict[str, int]]) -> str:
    """Render counts per kind as one line, such as `sites created=2 updated=0 unchanged=5`."""
    parts = []
    for kind in KINDS:
        numbers = counts.get(kind, {})
        outcomes = " ".join(f"{k}={numbers.get(k, 0)}" for k in ("created", "updated", "unchanged"))
        parts.append(f"{kind} {outcomes}")
    return " ".join(parts)


class _Refused(Exception):
    """Leaves the transaction with the errors that refuse the file."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def contracts_import(
    *,
    file: FileInput,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    file_name: str | None = None,
) -> ImportResult:
    """Import organisations, sites, contracts and contacts from a CSV, all or nothing.

    The run is recorded as an ImportRun whatever happens, outside the transaction
    that writes the data, so a refused file leaves its errors behind and nothing else.
    """
    source, errors = source_read(file, file_name=file_name)
    run = ImportRun.objects.create(
        user=user, file_name=source.name[:255], sha256=source.sha256, dry_run=dry_run
    )
    try:
        rows, counts, errors = _source_imported(source, errors, dry_run, progress)
    except BaseException:
        # A bug or an interruption: the transaction rolled back; the record must not
        # stay "running" for ever.
        stopped = RowError(None, "", _("the import stopped unexpectedly; nothing was saved"))
        with contextlib.suppress(DatabaseError):
            _run_finish(run, rows=0, counts={}, errors=[stopped])
        raise
    _run_finish(run, rows=rows, counts=counts, errors=errors)
    return ImportResult(run=run, rows=rows, dry_run=dry_run, counts=counts, errors=errors)


def _source_imported(
    source: Source, errors: list[RowError], dry_run: bool, progress: Progress | None
) -> tuple[int, dict, list[RowError]]:
    """Check the text, then import it; return the rows read, the counts and the errors."""
    rows, plan = 0, Plan()
    if not errors:
        rows, specs, errors = _file_checked(source.text, progress)
    if not errors:
        try:
            plan = _specs_imported(specs, dry_run=dry_run)
        except _Refused as refused:
            errors = refused.errors
        except DatabaseError as exc:
            # A concurrent change the checks could not see (such as the same name
            # created meanwhile); the transaction rolled back, so nothing is half-written.
            message = _("the database refused the import (%(error)s); nothing was saved")
            errors = [RowError(None, "", message % {"error": exc})]
    errors = _capped(errors)
    return rows, ({} if errors else plan.counts), errors


def _file_checked(text: str, progress: Progress | None) -> tuple[int, FileSpecs, list[RowError]]:
    """Check every row on its own, then the rows together; return rows, specs, errors."""
    raw_rows, errors = rows_read(text)
    rows: list[ParsedRow] = []
    total = len(raw_rows)
    for done, raw in enumerate(raw_rows, start=1):
        row, row_errors = row_parse(raw)
        errors += row_errors
        if row is not None:
            rows.append(row)
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    # Disagreements between well-formed rows are real whatever else is wrong.
    specs, specs_errors = specs_collect(rows)
    errors += specs_errors
    specs.site_releases, release_errors = site_releases_collect(raw_rows)
    errors += release_errors
    return total, specs, sorted(errors, key=lambda error: error.line or 0)


def _specs_imported(specs: FileSpecs, *, dry_run: bool) -> Plan:
    """Check the file against the database and write it, in one transaction.

    A dry run makes the very same writes and then rolls them back, so the database
    refuses in a dry run whatever it would refuse in the real one.
    """
    with transaction.atomic():
        found = existing_load(specs)
        errors = checks_run(specs, found) + site_releases_check(specs.site_releases)
        if errors:
            raise _Refused(sorted(errors, key=lambda error: error.line or 0))
        plan = plan_make(specs, found)
        plan_apply(plan, found)
        # After the sites, which a site release may point at.
        plan.counts["site_releases"] = site_releases_write(specs.site_releases)
        if dry_run:
            transaction.set_rollback(True)
    return plan


def _capped(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    note = _("… and %(count)d more errors not shown") % {"count": more}
    return [*errors[:MAX_ERRORS], RowError(None, "", note)]


def _run_finish(run: ImportRun, *, rows: int, counts: dict, errors: list[RowError]) -> None:
    run.rows = rows
    run.counts = counts
    run.errors = [error.as_dict() for error in errors]
    run.status = ImportRun.Status.FAILED if errors else ImportRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["rows", "counts", "errors", "status", "finished_at"])
