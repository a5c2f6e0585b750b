"""Import organisations, sites, contracts and contacts from a CSV file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from contracts.services.imports import contracts_import


class Command(BaseCommand):
    help = (
        "Import organisations, sites, contracts and technical contacts from a CSV file "
        "(columns in README.md). All or nothing; importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, save nothing.")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress bar even when stderr is not a terminal.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        show = options["progress"] or self.stderr.isatty()
        # tqdm redraws with carriage returns, so it writes to the raw stream, not the
        # wrapper that appends a newline to every write.
        with tqdm(unit="rows", file=getattr(self.stderr, "_out", None), disable=not show) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)
                # Called every few hundred rows only, so redraw now rather than on tqdm's timer.
                bar.refresh()

            try:
                result = contracts_import(file=path, dry_run=options["dry_run"], progress=progress)
            except OSError as exc:
                raise CommandError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name}: refused, {len(result.errors)} error(s); nothing was saved "
                f"(import run #{result.run.pk})"
            )
        prefix = "dry run, nothing saved: " if result.dry_run else ""
        self.stdout.write(f"{prefix}{result.summary()}")
