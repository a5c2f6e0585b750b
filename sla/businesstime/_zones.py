"""Map local wall-clock windows to exact UTC instants, DST changes included."""

from __future__ import annotations

import itertools
from bisect import bisect_right
from datetime import UTC, datetime, tzinfo
from functools import lru_cache

# Every real UTC offset lies within +-14 h; a margin past a day keeps the search exhaustive.
_MARGIN = 26 * 3600
# DST rules never change the offset twice within three hours, so sampling this often finds
# every transition, and bisection then pins it to the second.
_SAMPLE = 3 * 3600


def offset_at(tz: tzinfo, ts: int) -> int:
    """Return the UTC offset of `tz` at epoch second `ts`, in seconds."""
    offset = datetime.fromtimestamp(ts, tz).utcoffset()
    assert offset is not None
    return offset.days * 86400 + offset.seconds


@lru_cache(maxsize=1024)
def transitions(tz: tzinfo, year: int) -> tuple[tuple[int, int], ...]:
    """Return the (epoch second, offset after) offset changes of `tz` during UTC `year`."""
    first = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    last = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()) - 1
    points = [*range(first - 1, last, _SAMPLE), last]
    found: list[tuple[int, int]] = []
    before = offset_at(tz, points[0])
    for lo, hi in itertools.pairwise(points):
        after = offset_at(tz, hi)
        if after == before:
            continue
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if offset_at(tz, mid) == before:
                lo = mid
            else:
                hi = mid
        found.append((hi, after))
        before = after
    return tuple(found)


def _segments(tz: tzinfo, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """Split [lo, hi) into (start, end, offset) runs of constant UTC offset."""
    changes: list[tuple[int, int]] = []
    for year in range(
        datetime.fromtimestamp(lo, UTC).year, datetime.fromtimestamp(hi, UTC).year + 1
    ):
        table = transitions(tz, year)
        if not table:
            continue
        starts = [t for t, _ in table]
        changes.extend(table[bisect_right(starts, lo) : bisect_right(starts, hi - 1)])
    runs: list[tuple[int, int, int]] = []
    start, offset = lo, offset_at(tz, lo)
    for moment, after in changes:
        runs.append((start, moment, offset))
        start, offset = moment, after
    runs.append((start, hi, offset))
    return runs


def wall_preimage(tz: tzinfo, wall_from: int, wall_to: int) -> list[tuple[int, int]]:
    """Return the UTC intervals whose local wall time lies in [wall_from, wall_to).

    Wall times are "naive epoch seconds" (local clock read as if it were UTC). A time skipped
    by a spring-forward change has no instant, so a window opening inside the gap opens at the
    change; a time repeated by a fall-back change counts both times it occurs.
    """
    pieces: list[tuple[int, int]] = []
    for start, end, offset in _segments(tz, wall_from - _MARGIN, wall_to + _MARGIN):
        low, high = max(start, wall_from - offset), min(end, wall_to - offset)
        if low >= high:
            continue
        if pieces and pieces[-1][1] == low:
            pieces[-1] = (pieces[-1][0], high)
        else:
            pieces.append((low, high))
    return pieces
