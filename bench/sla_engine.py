"""Measure the business-time engine (SLP-6) against pandas' CustomBusinessHour.

Run: .venv/bin/python bench/sla_engine.py [--inputs 100000] [--repeats 5]
Prints figures; it is not a test and asserts nothing.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import holidays
import pandas as pd

# Run as a script from anywhere: make the project importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sla.businesstime import SupportCalendar

POLICY_TARGETS = [150, 480, 1440, 2880, 3600]  # SLP-5 response and resolution targets
CALENDARS = {
    "Worldwide America/Chicago": ("America/Chicago", "08:00", "17:00", "US"),
    "Worldwide Europe/Paris": ("Europe/Paris", "08:00", "17:00", "US"),
    "UK": ("UTC", "09:00", "17:00", "GB-ENG"),
}
FIRST = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_MINUTES = 3 * 365 * 1440

Case = tuple[str, datetime, int]


def make_inputs(
    count: int, *, seed: int
) -> tuple[list[Case], list[tuple[str, datetime, datetime]]]:
    """Return seeded add() inputs and between() pairs over the default calendars."""
    rng = random.Random(seed)
    names = list(CALENDARS)
    adds, pairs = [], []
    for _ in range(count):
        name = rng.choice(names)
        start = FIRST + timedelta(minutes=rng.randrange(SPAN_MINUTES))
        minutes = rng.choice(POLICY_TARGETS) if rng.random() < 0.5 else rng.randint(0, 5000)
        adds.append((name, start, minutes))
        pairs.append((name, start, start + timedelta(minutes=rng.randrange(10 * 1440))))
    return adds, pairs


def rate(run: Callable[[], object], count: int, *, repeats: int) -> tuple[float, float]:
    """Return (median, first) calls per second over `repeats` runs of `count` calls."""
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - began)
    return count / statistics.median(seconds), count / seconds[0]


def pandas_offsets(name: str) -> Callable[[int], pd.offsets.CustomBusinessHour]:
    """Return a cached factory of CustomBusinessHour(n) for one calendar."""
    _zone, opens, closes, code = CALENDARS[name]
    country, _, subdiv = code.partition("-")
    closed = sorted(
        day
        for year in range(2025, 2031)
        for day in holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    )
    cache: dict[int, pd.offsets.CustomBusinessHour] = {}

    def offset(hours: int) -> pd.offsets.CustomBusinessHour:
        if hours not in cache:
            cache[hours] = pd.offsets.CustomBusinessHour(
                n=hours, start=opens, end=closes, holidays=closed, weekmask="Mon Tue Wed Thu Fri"
            )
        return cache[hours]

    return offset


def compare_with_pandas(
    calendars: dict[str, SupportCalendar], cases: list[Case], *, repeats: int
) -> None:
    """Time pandas on the cases it can express and check every answer against the engine."""
    # pandas counts whole hours on naive wall-clock times: give it local naive starts.
    offsets = {name: pandas_offsets(name) for name in calendars}
    prepared = [
        (
            offsets[name](minutes // 60),
            pd.Timestamp(start.astimezone(calendars[name].tz)).tz_localize(None),
        )
        for name, start, minutes in cases
    ]

    def run_pandas() -> list[pd.Timestamp]:
        return [ts + offset for offset, ts in prepared]

    def run_engine() -> None:
        for name, start, minutes in cases:
            calendars[name].add(start, minutes)

    began = time.perf_counter()
    answers = run_pandas()
    pandas_rate = len(cases) / (time.perf_counter() - began)
    engine_rate, _ = rate(run_engine, len(cases), repeats=repeats)

    agree, disagreements = 0, []
    for (name, start, minutes), theirs in zip(cases, answers, strict=True):
        cal = calendars[name]
        # pandas moves a deadline that lands exactly on closing to the next opening.
        ours = cal.next_open(cal.add(start, minutes)).astimezone(cal.tz).replace(tzinfo=None)
        if theirs == ours:
            agree += 1
        elif len(disagreements) < 5:
            disagreements.append((name, start, minutes, ours, theirs))

    print(f"pandas comparison: {len(cases):,} inputs whose minutes are whole hours (pandas")
    print("  CustomBusinessHour only steps whole hours); pandas timed once, on pre-converted")
    print("  naive local Timestamps with offsets built in advance (its best case)")
    print(f"  engine add/s on the same inputs  {engine_rate:>12,.0f}")
    print(f"  pandas add/s                     {pandas_rate:>12,.0f}")
    print(f"  ratio engine / pandas            {engine_rate / pandas_rate:>12.1f}x")
    print(f"  answers agreeing                 {agree:,} / {len(cases):,}")
    for name, start, minutes, ours, theirs in disagreements:
        print(
            f"  DISAGREE {name} start={start.isoformat()} minutes={minutes}: "
            f"engine={ours} pandas={theirs}"
        )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()

    print(
        f"python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.machine()}, {platform.system()}; pandas {pd.__version__}, "
        f"holidays {holidays.__version__}"
    )
    calendars = {
        name: SupportCalendar(timezone=zone, opens=opens, closes=closes, holidays=code)
        for name, (zone, opens, closes, code) in CALENDARS.items()
    }
    adds, pairs = make_inputs(args.inputs, seed=args.seed)
    print(f"{len(adds):,} seeded inputs (seed {args.seed}) over {', '.join(CALENDARS)};")
    print(f"  starts on whole minutes in 2026-2028, minutes from {POLICY_TARGETS} or 0..5000")

    def run_add() -> None:
        for name, start, minutes in adds:
            calendars[name].add(start, minutes)

    def run_between() -> None:
        for name, start, end in pairs:
            calendars[name].between(start, end)

    cold = time.perf_counter()
    run_add()
    cold_rate = len(adds) / (time.perf_counter() - cold)
    add_rate, _ = rate(run_add, len(adds), repeats=args.repeats)
    between_rate, _ = rate(run_between, len(pairs), repeats=args.repeats)
    print(
        f"engine add/s      {add_rate:>12,.0f}  (median of {args.repeats}; first pass with cold "
        f"caches {cold_rate:,.0f}/s)"
    )
    print(f"engine between/s  {between_rate:>12,.0f}  (median of {args.repeats}; spans 0..10 days)")

    comparable = [case for case in adds if case[2] % 60 == 0]
    compare_with_pandas(calendars, comparable, repeats=args.repeats)
    check = sum(
        calendars[name].between(start, calendars[name].add(start, minutes)) == minutes
        for name, start, minutes in adds
    )
    print(f"round trip between(s, add(s, m)) == m: {check:,} / {len(adds):,}")


if __name__ == "__main__":
    main()
