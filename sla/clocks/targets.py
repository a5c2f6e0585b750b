"""Per-priority targets and the warning threshold the clocks are measured against (SLP-5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from sla.clocks.events import ClockError

DEFAULT_WARNING_THRESHOLD = 75


@runtime_checkable
class TargetPair(Protocol):
    """Anything with both targets in support minutes, such as a policy's per-priority row."""

    response_minutes: int
    resolution_minutes: int


def _minutes(value: Any, *, name: str) -> int:
    """Return a positive whole number of minutes, or raise."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ClockError(f"{name} must be a positive whole number of minutes, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Target:
    """The targets of one priority in support minutes; the policy also gives cadence and threshold.

    The clocks read the response and resolution targets; the status-update cadence and the
    warning threshold (SLP-5, SLP-11) ride along for the sweep when a policy version made it.
    """

    response_minutes: int
    resolution_minutes: int
    update_minutes: int | None = None
    warning_threshold: int | None = None

    def __post_init__(self) -> None:
        _minutes(self.response_minutes, name="response target")
        _minutes(self.resolution_minutes, name="resolution target")

    @classmethod
    def of(cls, value: Any, *, priority: str) -> Target:
        """Return `value` (a Target, a TargetPair or a (response, resolution) pair) as a Target."""
        if isinstance(value, Target):
            return value
        if isinstance(value, TargetPair):
            pair = (value.response_minutes, value.resolution_minutes)
        elif isinstance(value, tuple | list) and len(value) == 2:
            pair = tuple(value)
        else:
            raise ClockError(
                f"targets of {priority} must be (response, resolution) minutes or have "
                f"response_minutes and resolution_minutes, not {value!r}"
            )
        try:
            return cls(*pair)
        except ClockError as exc:
            raise ClockError(f"{priority}: {exc}") from None


@dataclass(frozen=True)
class Targets:
    """Targets per priority ("P1".."P4") plus the warning threshold in percent of a target."""

    by_priority: Mapping[str, Target] = field(hash=False)
    warning_threshold: int = DEFAULT_WARNING_THRESHOLD

    def __post_init__(self) -> None:
        if not isinstance(self.by_priority, Mapping) or not self.by_priority:
            raise ClockError("targets must map at least one priority to its targets")
        table = {}
        for priority, value in self.by_priority.items():
            if not isinstance(priority, str) or not priority:
                raise ClockError(f"a priority must be a non-empty string, not {priority!r}")
            table[priority] = Target.of(value, priority=priority)
        object.__setattr__(self, "by_priority", MappingProxyType(table))
        threshold = self.warning_threshold
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, int)
            or not 1 <= threshold <= 100
        ):
            raise ClockError(
                f"warning threshold must be a whole percentage from 1 to 100, not {threshold!r}"
            )

    @classmethod
    def coerce(
        cls, value: Targets | Mapping[str, Any], *, warning_threshold: int | None
    ) -> Targets:
        """Return `value` as Targets; an explicit `warning_threshold` overrides its own."""
        if isinstance(value, Targets):
            if warning_threshold is None or warning_threshold == value.warning_threshold:
                return value
            return cls(value.by_priority, warning_threshold)
        if warning_threshold is None:
            warning_threshold = DEFAULT_WARNING_THRESHOLD
        return cls(value, warning_threshold)

    def of(self, priority: str) -> Target:
        """Return the targets of `priority`, or raise naming the priorities the table has."""
        try:
            return self.by_priority[priority]
        except KeyError:
            known = ", ".join(sorted(self.by_priority))
            raise ClockError(f"no targets for priority {priority!r}; known: {known}") from None

    def warning_minutes(self, target_minutes: int) -> int:
        """Return the minutes after which a clock warns: the threshold share, rounded up."""
        return -(-target_minutes * self.warning_threshold // 100)
