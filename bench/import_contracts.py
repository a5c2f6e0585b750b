"""Benchmark the contracts CSV import: 10,000 rows into a fresh SQLite database.

Run with `.venv/bin/python bench/import_contracts.py [ROWS]`. It generates a seeded
synthetic file, imports it (everything created), then imports it again (everything
unchanged), and prints rows, seconds and rows/s for each pass. Target: the first
pass under 30 s (issue 3).
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
SEED = 20260101
ZONES = [
    ("US", "America/New_York"),
    ("US", "America/Chicago"),
    ("US", "America/Denver"),
    ("US", "America/Los_Angeles"),
    ("GB", "Europe/London"),
    ("FR", "Europe/Paris"),
    ("DE", "Europe/Berlin"),
    ("JP", "Asia/Tokyo"),
]
PARTNER_KINDS = ["distributor", "distributor", "oem", "other_partner"]


def synthetic_csv(rows: int, seed: int = SEED) -> str:
    """Return a valid contracts CSV of `rows` rows: 100 partners, then customers' sites."""
    from contracts.services.imports import COLUMNS

    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    partners = [f"Partner {n:03d}" for n in range(100)]
    for partner in partners:
        # A partner-only row: organisation columns filled, site and contract empty.
        writer.writerow(
            dict.fromkeys(COLUMNS, "")
            | {
                "organisation_name": partner,
                "organisation_kind": rng.choice(PARTNER_KINDS),
                "organisation_country": "US",
                "organisation_language": "en",
            }
        )
    written, customer = len(partners), 0
    while written < rows:
        customer += 1
        written += _customer_rows(writer, rng, customer, partners, rows - written)
    return out.getvalue()


def _customer_rows(
    writer, rng: random.Random, customer: int, partners: list[str], room: int
) -> int:
    """Write one customer's sites, each covered by a 2025 and a 2026 contract."""
    direct = rng.random() < 0.3
    name = f"Customer {customer:05d}"
    partner = "" if direct else rng.choice(partners)
    holders = {year: name if direct or rng.random() < 0.5 else partner for year in (2025, 2026)}
    country, zone = rng.choice(ZONES)
    written = 0
    for site in range(rng.randint(1, 4)):
        address = f"{rng.randint(1, 999)} Main Street"
        for year in (2025, 2026):
            if written == room:
                return written
            writer.writerow(
                {
                    "organisation_name": name,
                    "organisation_kind": "direct_customer" if direct else "end_customer",
                    "organisation_country": country,
                    "organisation_language": "fr" if country == "FR" else "en",
                    "partner_name": partner,
                    "site_code": f"S{customer:05d}-{site}",
                    "site_name": f"{name} site {site}",
                    "site_country": country,
                    "site_time_zone": zone,
                    "site_address": address,
                    "contract_reference": f"CN-{year}-{customer:05d}",
                    "contract_holder": holders[year],
                    "contract_start": f"{year}-01-01",
                    "contract_end": f"{year}-12-31",
                    "contact_email": f"contact{customer:05d}@example.test" if site == 0 else "",
                    "contact_language": "",
                }
            )
            written += 1
    return written


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DEBUG"] = "1"
    os.environ["SECRET_KEY"] = "bench-only-not-secret"
    os.environ["VAR_DIR"] = str(db_path.parent / "var")
    os.environ["CACHE_URL"] = "locmem://"
    os.environ["EMAIL_URL"] = "memory://"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from contracts.services.imports import contracts_import

        path = Path(tmp) / "contracts.csv"
        path.write_text(synthetic_csv(ROWS), encoding="utf-8")
        for label in ("first import (creates)", "second import (unchanged)"):
            started = time.perf_counter()
            result = contracts_import(file=path)
            seconds = time.perf_counter() - started
            if not result.ok:
                raise SystemExit("\n".join(str(error) for error in result.errors[:20]))
            print(
                f"{label}: rows={result.rows} seconds={seconds:.2f} "
                f"rows/s={result.rows / seconds:,.0f}\n  {result.summary()}"
            )


if __name__ == "__main__":
    main()
